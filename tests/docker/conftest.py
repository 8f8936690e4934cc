"""Fixtures of the docker test tier (issue 8).

* ``docker_engine`` (session): a working Docker engine (started when possible),
  else the test is skipped with ONE reason line ``docker tier: no Docker engine: ...``.
* ``standin_images`` (session): the local stand-ins for the official images,
  built when missing; ``{tag: version}``.

Both live in tools/standins/fixtures.py (the stand-ins' self-tests use them too;
tools/standins/README.md). Tests using these are marked ``@pytest.mark.docker``
(the marker is registered by the project's pytest configuration).
"""

from tools.standins.fixtures import docker_engine, standin_images  # noqa: F401
