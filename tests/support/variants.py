"""The option vocabulary and the named covering sets every tier draws from.

Nothing here is a hand-kept list of variants: the options and their values
come from cookiecutter.json, the values not available yet from the
pre-generation hook, and each covering set is derived from those, so a new
option or value joins every tier by itself. The cross-option rules are this
file's statement of what the README documents; tests/test_matrix.py compares
it with what the real hook does on every combination.
"""

import functools
import itertools
import math
import os
from collections import OrderedDict

from local_extensions import with_assets
from tests.support.hooks import NOT_YET_AVAILABLE
from tests.support.servers import DATABASES
from tests.support.template import COOKIECUTTER_JSON

# Options the static matrix rotates across the product of the others (each of
# their values appears at least once) instead of multiplying it: license and
# python_version change a line or two of text; css and ci add files of their own
# that no other option touches, and the frontend and deploy tiers bake every
# frontend x css pair and every ci value; error_tracking adds a module and a few
# lines that only Celery and Kubernetes change, and the rotation (_turn) meets it
# with each of them on and off. Multiplying would take the matrix from about 380
# to about 36,000 bakes; MATRIX_FULL=1 does it.
ROTATED = ("license", "python_version", "css", "ci", "error_tracking")


def _options():
    """{option: [values]} for every choice (list) and yes/no (boolean) option, in file order."""
    found = OrderedDict()
    for key, default in COOKIECUTTER_JSON.items():
        if key.startswith("_"):
            continue
        if isinstance(default, list):
            found[key] = list(default)
        elif isinstance(default, bool):
            found[key] = [default, not default]
    return found


OPTIONS = _options()
DEFAULTS = {option: values[0] for option, values in OPTIONS.items()}


def shown(value):
    """A value as the hook and the command line spell it (booleans lowercase)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def cli_answers(answers):
    """key=value arguments for `cookiecutter --no-input`."""
    return [f"{k}={'yes' if v is True else 'no' if v is False else v}" for k, v in answers.items()]


def variant_id(answers):
    """A short readable name: the values that differ from the defaults."""
    parts = []
    for option, value in {**DEFAULTS, **answers}.items():
        if option not in DEFAULTS or value == DEFAULTS[option]:
            continue
        if isinstance(value, bool):
            parts.append(option.removeprefix("use_") if value else f"no_{option}")
        else:
            parts.append(str(value))
    return "-".join(parts) or "default"


def ids(variants):
    return [variant_id(v) for v in variants]


# The documented cross-option rules: (condition, message). A combination that
# meets a condition is refused with that message.
CROSS_OPTION_RULES = [
    (
        lambda c: c["use_celery"] and not c["use_redis"],
        "use_celery needs Redis as its broker: answer yes to use_redis"
        ' ("Add Redis (cache)?"), or no to use_celery.',
    ),
    (
        lambda c: c["use_kubernetes"] and c["database"] == "sqlite",
        "use_kubernetes needs a database server that every pod can reach; a SQLite"
        " file lives in one pod: answer database=postgresql (or mysql, mongodb, none),"
        " or use_kubernetes=no.",
    ),
    (
        lambda c: c["auth"] == "accounts" and c["database"] == "none",
        "auth=accounts keeps the users in the database: answer database=postgresql"
        " (or sqlite, mysql, mongodb), or auth=none.",
    ),
]


def expected_refusals(combination):
    """The ERROR lines the hook must print for these answers (empty: it bakes)."""
    combination = {**DEFAULTS, **combination}
    messages = [message for applies, message in CROSS_OPTION_RULES if applies(combination)]
    for option, value in combination.items():
        if (option, value) in NOT_YET_AVAILABLE:
            messages.append(
                f"{option}={shown(value)} is not available in this version of the template"
                " yet: choose another value."
            )
    return sorted(f"ERROR: {message}" for message in messages)


def bakes(answers):
    return not expected_refusals(answers)


def available_values(option):
    return [v for v in OPTIONS[option] if (option, v) not in NOT_YET_AVAILABLE]


def product(options):
    names = list(options)
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*options.values())
    ]


def longest_name(prefix, length):
    """A valid slug and package name of exactly `length` characters."""
    return (prefix + "_" + "x" * length)[:length]


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- The matrix: every combination ------------------------------------------


def rotated_options():
    return () if os.environ.get("MATRIX_FULL") else ROTATED


def _structural():
    rotated = [o for o in rotated_options() if o in OPTIONS]
    return rotated, OrderedDict((k, v) for k, v in OPTIONS.items() if k not in rotated)


def _turn(rotation, index):
    """The rotated options' values at row `index`, counted like the digits of a
    number: the first option turns every row, the next once the first has shown
    all its values, and so on. Options with as many values would otherwise move
    in lockstep with each other and with the structural options that alternate
    row by row (ci=none would never meet Kubernetes)."""
    turned, stride = {}, 1
    for option, values in rotation.items():
        turned[option] = values[index // stride % len(values)]
        stride *= len(values)
    return turned


def full_product():
    """Every combination of every choice option."""
    return product(OPTIONS)


def rotated_product():
    """The full product of the structural options, the rotated options taking turns.

    What the refusal check runs the real hook on: each structural combination
    once, each value of a rotated option thousands of times.
    """
    rotated, structural = _structural()
    rotation = {option: OPTIONS[option] for option in rotated}
    combinations = []
    for index, combination in enumerate(product(structural)):
        combination.update(_turn(rotation, index))
        combinations.append({k: combination[k] for k in OPTIONS})
    return combinations


def static_matrix():
    """The combinations the static matrix bakes: the baking structural product,
    the rotated options taking their available values in turn along it."""
    rotated, structural = _structural()
    rotation = {option: available_values(option) for option in rotated}
    first = {option: values[0] for option, values in rotation.items()}
    base = [c for c in product(structural) if bakes({**c, **first})]
    if not base:
        return []
    length = max(len(base), math.prod(len(values) for values in rotation.values()))
    variants = []
    for index in range(length):
        combination = {**base[index % len(base)], **_turn(rotation, index)}
        variants.append({k: combination[k] for k in OPTIONS})
    return [v for v in variants if bakes(v)]


# --- Pairwise: every pair of values ------------------------------------------


def pairwise_options():
    return OrderedDict((option, available_values(option)) for option in OPTIONS)


def pairs_of(combination):
    return set(itertools.combinations(combination.items(), 2))


def possible_pairs():
    """Every pair of option values that some baking combination contains."""
    found = set()
    for combination in product(pairwise_options()):
        if bakes(combination):
            found |= pairs_of(combination)
    return found


@functools.cache
def _pairwise_set():
    from allpairspy import AllPairs

    params = pairwise_options()
    names = list(params)

    def allowed(row):
        # allpairspy passes partial rows: judge only the rules whose options are filled.
        partial = dict(zip(names, row, strict=False))
        for applies, _ in CROSS_OPTION_RULES:
            try:
                if applies(partial):
                    return False
            except KeyError:
                continue
        return True

    rows = AllPairs(list(params.values()), filter_func=allowed)
    variants = [dict(zip(names, row, strict=True)) for row in rows]
    variants = [v for v in variants if bakes(v)]
    # With a filter, allpairspy can leave a possible pair out: add, greedily and
    # deterministically, the baking combination that covers most of what is missing.
    missing = possible_pairs() - {pair for v in variants for pair in pairs_of(v)}
    candidates = [c for c in product(params) if bakes(c)] if missing else []
    while missing:
        best = max(candidates, key=lambda c: len(pairs_of(c) & missing))
        variants.append(best)
        missing -= pairs_of(best)
    return tuple(variants)


def pairwise_set():
    """A deterministic set of baking combinations covering every possible pair of values.

    allpairspy puts the rows that cover most pairs first, so a prefix of it
    (PAIRWISE_LIMIT in CI) is the most useful part.
    """
    return [dict(v) for v in _pairwise_set()]


# --- The named covering sets of the other tiers -------------------------------


def frontend_pairs():
    """Every frontend x css pair (the frontend tier builds and drives each)."""
    return [
        {"frontend": frontend, "css": css}
        for frontend in available_values("frontend")
        for css in available_values("css")
    ]


def services_static():
    """Every database x Redis x Celery x nginx combination that bakes."""
    services = ("database", "use_redis", "use_celery", "use_nginx")
    return [c for c in product({o: available_values(o) for o in services}) if bakes(c)]


def services_runs():
    """What runs against the real servers here: each database that has one (or is a
    file), without Redis, and with Redis (Celery on every other database)."""
    runnable = [db for db in available_values("database") if DATABASES[db].serves_here]
    variants = []
    for index, database in enumerate(runnable):
        variants.append({"database": database, "use_redis": False, "use_celery": False})
        variants.append({"database": database, "use_redis": True, "use_celery": index % 2 == 0})
    return variants


def kubernetes_variants():
    """Every database Kubernetes takes, each with nginx on and off, Redis on and
    off, and Celery with every other one; Sentry comes with Redis."""
    variants = []
    databases = [
        db for db in available_values("database") if bakes({"database": db, "use_kubernetes": True})
    ]
    for index, database in enumerate(databases):
        nginx = index % 2 == 1
        base = {"use_kubernetes": True, "database": database}
        variants.append(
            {**base, "use_nginx": nginx, "use_redis": False, "use_celery": False,
             "error_tracking": "none"}
        )  # fmt: skip
        variants.append(
            {**base, "use_nginx": not nginx, "use_redis": True, "use_celery": index % 2 == 0,
             "error_tracking": "sentry"}
        )  # fmt: skip
    return variants


def ci_variants():
    """ci=github on every database (no assets; Redis and Sentry on every other one,
    Celery on every fourth), then with assets: a JavaScript frontend, and Tailwind alone."""
    plain = {"ci": "github", "frontend": "none", "css": "plain"}
    variants = [
        {**plain, "database": database, "use_redis": index % 2 == 1, "use_celery": index % 4 == 1,
         "error_tracking": ("none", "sentry")[index % 2]}
        for index, database in enumerate(available_values("database"))
    ]  # fmt: skip
    variants.append({**plain, "frontend": DEFAULTS["frontend"], "css": "tailwind"})
    variants.append({**plain, "css": "tailwind", "database": "sqlite"})
    return [{**DEFAULTS, **v} for v in variants if bakes(v)]


DOCKER_CHOICES = ("frontend", "css", "database", "auth", "error_tracking")
DOCKER_SWITCHES = ("use_redis", "use_celery", "use_nginx")


def docker_variants():
    """The docker tier's covering set: row i takes the i-th value of every choice
    (wrapping around), so every value appears and row 0 is the default; the
    switches count in binary (Celery brings Redis along; accounts without a
    database fall back to none, as the hook demands). A database with no
    stand-in image gets the default row with that database, to build only."""

    def runnable(option):
        values = available_values(option)
        if option == "database":
            values = [v for v in values if DATABASES[v].no_standin is None]
        return values

    choices = {option: runnable(option) for option in DOCKER_CHOICES}
    variants = []
    for i in range(max(len(values) for values in choices.values())):
        variant = {option: values[i % len(values)] for option, values in choices.items()}
        variant.update({switch: bool(i >> bit & 1) for bit, switch in enumerate(DOCKER_SWITCHES)})
        variant["use_redis"] = variant["use_redis"] or variant["use_celery"]
        if not bakes(variant):
            variant["auth"] = DEFAULTS["auth"]
        variants.append(variant)
    for database in available_values("database"):
        if DATABASES[database].no_standin:
            variants.append({**variants[0], "database": database})
    return variants


def no_standin(variant):
    """None when the whole stack can start here, else why not."""
    return DATABASES[variant["database"]].no_standin


def has_assets(answers):
    return with_assets({**DEFAULTS, **answers})


def newcomer_variants():
    """The newcomer tier's two bakes: the defaults, and every option on (a
    bundling frontend with Tailwind, the database with a server, which runs on
    SQLite outside Docker)."""
    return [
        {},
        {
            "frontend": "react", "css": "tailwind", "database": "postgresql",
            "use_redis": True, "use_celery": True, "use_nginx": True,
            "use_kubernetes": True, "ci": "github", "error_tracking": "sentry",
        },
    ]  # fmt: skip
