"""Session fixtures for anything that needs a Docker engine and the stand-ins (issue 8).

* ``docker_engine`` (session): a working Docker engine (started when possible),
  with the buildx and compose plugins; else the test is skipped with ONE reason
  line ``docker tier: no Docker engine: ...``.  At the end of the session it
  removes any container or volume labelled ``TEST_LABEL=SESSION_ID`` that a test
  leaked.
* ``standin_images`` (session): the local stand-ins for the official images
  (see build.py / README.md), built when missing, every one or those
  ``STANDIN_TAGS`` names; ``{primary tag: real version or 'cached'}``.

Both the stand-ins' self-tests (tools/standins/tests) and the template's docker
tier (tests/docker) use them; each conftest imports them::

    from tools.standins.fixtures import docker_engine, standin_images  # noqa: F401

A conftest that imports them registers fixtures of its own, so a run that
collects both trees sets each up once per tree; the engine check and the build
are done once per process (memoised here), so the second is instant.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest

from tools.standins import build as builder

# Label that test helpers put on what they create, with this session's id as
# its value, so the session sweep finds only this session's leftovers.
TEST_LABEL = "org.cookiecutter-flask-docker.test"
SESSION_ID = uuid.uuid4().hex[:10]

# once per process: ("ok", version) or ("skip", reason); and the build results
_ENGINE: list[tuple[str, str]] = []
_STANDINS: dict[tuple[str, ...] | None, dict[str, str]] = {}


def _engine() -> tuple[str, str]:
    if not _ENGINE:
        try:
            version = builder.ensure_engine()
        except Exception as exc:  # noqa: BLE001 - any reason is a skip reason
            _ENGINE.append(("skip", " ".join(str(exc).split())[:300]))
        else:
            # with an engine, missing buildx/compose plugins are installed (or the tier errors)
            with builder.build_lock():
                builder.ensure_tools()
            _ENGINE.append(("ok", version))
    return _ENGINE[0]


def _sweep() -> None:
    """Remove the containers and volumes this session labelled and left behind."""
    leftovers = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label={TEST_LABEL}={SESSION_ID}"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()
    if leftovers:
        subprocess.run(["docker", "rm", "-f", "-v", *leftovers], capture_output=True, timeout=120)
    vols = subprocess.run(
        ["docker", "volume", "ls", "-q", "--filter", f"label={TEST_LABEL}={SESSION_ID}"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()
    if vols:
        subprocess.run(["docker", "volume", "rm", "-f", *vols], capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def docker_engine() -> str:
    """The Docker server version, with the buildx and compose plugins in place;
    skips the test when no engine can be had."""
    status, value = _engine()
    if status == "skip":
        pytest.skip(f"docker tier: no Docker engine: {value}")
    yield value
    _sweep()


@pytest.fixture(scope="session")
def standin_images(docker_engine) -> dict[str, str]:
    """Build (when missing) every stand-in, or those STANDIN_TAGS names;
    {primary tag: real version or 'cached'}.

    A failing build is a test error, not a skip: the engine is there.
    """
    tags = builder.tags_from_env()
    key = tuple(tags) if tags else None
    if key not in _STANDINS:
        _STANDINS[key] = builder.ensure_standins(tags)
    return _STANDINS[key]
