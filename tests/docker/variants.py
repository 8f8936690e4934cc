"""The covering set of variants that the docker tier builds and starts for real.

Read from cookiecutter.json, so a new value of a Docker-relevant option joins
on its own: row i takes the i-th value of every option (wrapping around), so
every value appears at least once and row 0 is the default project. The
booleans count in binary (Redis, Celery, nginx) so that they appear in
different company; Celery brings Redis along, as the hook demands.

A database whose compose service has no stand-in image here (see
tests/docker/README.md) cannot take part in the rotation: its row is the
default project with that database, and only its image is built.
"""

from __future__ import annotations

from tests import matrix

CHOICES = ("frontend", "css", "database")
SWITCHES = ("use_redis", "use_celery", "use_nginx")

# Database values whose compose service no stand-in can provide, with the reason.
NO_STANDIN = {
    "mongodb": (
        "no mongo:8 stand-in: Debian does not package MongoDB and no container "
        "registry is reachable, so the MongoDB stack cannot start here"
    ),
}


def _runnable(option: str) -> list:
    values = matrix.available_values(option)
    if option == "database":
        values = [v for v in values if v not in NO_STANDIN]
    return values


def docker_variants() -> list[dict]:
    choices = {option: _runnable(option) for option in CHOICES}
    size = max(len(values) for values in choices.values())
    variants = []
    for i in range(size):
        variant = {option: values[i % len(values)] for option, values in choices.items()}
        variant.update({switch: bool(i >> bit & 1) for bit, switch in enumerate(SWITCHES)})
        variant["use_redis"] = variant["use_redis"] or variant["use_celery"]
        variants.append(variant)
    default = variants[0]
    for database in NO_STANDIN:
        if database in matrix.available_values("database"):
            variants.append({**default, "database": database})
    return variants


def variant_id(variant: dict) -> str:
    parts = [variant["frontend"], variant["css"], variant["database"]]
    parts += [s.removeprefix("use_") for s in SWITCHES if variant[s]]
    return "-".join(parts)


def can_start(variant: dict) -> str | None:
    """None when the whole stack can start here, else why not."""
    return NO_STANDIN.get(variant["database"])
