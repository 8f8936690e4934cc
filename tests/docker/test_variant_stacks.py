"""Every variant of the covering set (variants.py), built and started with Docker.

For each variant: the bake's images are built with `docker compose build` on
the stand-in base images and inspected (non-root, no .env, no tests, no
development tools, no node_modules, a HEALTHCHECK); then
`docker compose up --build --wait` must bring every chosen service to healthy
(the release service to a clean exit), and the published loopback port must
serve / and /up, the digested assets gzip-encoded with a long cache lifetime
through nginx, and a Celery task's result. `docker compose down` then has to
leave no container, network, volume or built image behind, also when a test
failed.
"""

from __future__ import annotations

import gzip
import json
import re
import time

import pytest

from tests import matrix
from tests.baking import bake
from tests.docker.stacks import Stack, ensure_standins_for, http, sh
from tests.docker.variants import can_start, docker_variants, variant_id

pytestmark = pytest.mark.docker

VARIANTS = docker_variants()
SQL_DATABASES = {"postgresql", "mysql", "sqlite"}


def test_the_covering_set_holds_every_value_and_bakes():
    """Fast: every value of every option the docker tier covers is in some variant."""
    default = {k: matrix.default_context()["cookiecutter"][k] for k in matrix.OPTIONS}
    for variant in VARIANTS:
        assert not matrix.expected_refusals({**default, **variant}), variant
    for option in VARIANTS[0]:
        wanted = set(matrix.available_values(option))
        assert {v[option] for v in VARIANTS} >= wanted, option
    assert VARIANTS[0] == {k: default[k] for k in VARIANTS[0]}, "the first is the default"


@pytest.fixture(scope="module", params=VARIANTS, ids=variant_id)
def built(request, cookies_session, docker_engine):
    """(variant, Stack) with its images built; the stack is removed afterwards."""
    variant = request.param
    project = bake(cookies_session, **variant)
    missing = ensure_standins_for(project)
    if can_start(variant) is None:
        assert not missing, f"the project names images no stand-in provides: {missing}"
    stack = Stack(project)
    try:
        stack.build()
        yield variant, stack
    finally:
        stack.down()


def test_image_holds_only_what_production_needs(built):
    variant, stack = built
    image = stack.image("web")
    config = json.loads(sh("docker", "image", "inspect", image).stdout)[0]["Config"]
    assert config["User"] == "1000:1000", config["User"]
    assert config["Healthcheck"]["Test"][0] == "CMD", config.get("Healthcheck")
    script = r"""
cd /app
id -u
for f in .env tests .venv .git instance/*.sqlite3 assets/node_modules; do
  [ -e "$f" ] && echo "PRESENT $f"
done
find / -xdev -name node_modules -prune | sed 's/^/PRESENT /'
for m in pytest ruff; do python -c "import $m" 2>/dev/null && echo "IMPORTABLE $m"; done
command -v node npm ruff pytest | sed 's/^/ONPATH /'
ls */static/cache_manifest.json
"""
    out = sh("docker", "run", "--rm", "--entrypoint", "sh", image, "-c", script).stdout
    assert out.splitlines()[0] == "1000", out
    assert not re.search(r"^(PRESENT|IMPORTABLE|ONPATH) ", out, re.M), out
    assert "static/cache_manifest.json" in out, out


def test_stack_comes_up_healthy_and_serves(built):
    variant, stack = built
    reason = can_start(variant)
    if reason:
        pytest.skip(f"docker tier: {variant_id(variant)}: {reason}")
    try:
        stack.up()
        states = stack.states()
        for service in stack.services():
            expected = ("exited", "", 0) if service == "release" else ("running", "healthy")
            assert states[service][: len(expected)] == expected, f"{service}: {states}"
        check_pages(variant, stack)
        if variant["use_nginx"]:
            check_assets_through_nginx(stack)
        if variant["use_celery"]:
            check_a_task_round_trips(stack)
        if variant["database"] in SQL_DATABASES:
            assert "Running upgrade" in stack.logs("release"), stack.logs("release")
    except Exception:
        print(stack.logs(tail="80")[-10000:])
        raise


def check_pages(variant, stack):
    status, _, body = stack.get("/up")
    checks = {}
    if variant["database"] != "none":
        checks["database"] = "ok"
    if variant["use_redis"]:
        checks["redis"] = "ok"
    assert (status, json.loads(body)) == (200, {"checks": checks, "failed": [], "status": "ok"})
    status, _, home = stack.get("/")
    assert status == 200 and b"<title>" in home and b"My Flask App" in home, home[:500]


def check_assets_through_nginx(stack):
    _, _, home = stack.get("/")
    assets = re.findall(rb'"(/static/[^"]+-[0-9a-f]{32}\.(?:css|js))"', home)
    assert assets, f"the home page links no digested asset: {home[:800]}"
    for asset in assets:
        status, headers, body = stack.get(asset.decode(), **{"Accept-Encoding": "gzip"})
        assert status == 200, asset
        assert headers["Content-Encoding"] == "gzip", (asset, dict(headers))
        assert "immutable" in headers["Cache-Control"], (asset, dict(headers))
        assert gzip.decompress(body), asset


def check_a_task_round_trips(stack):
    base = stack.base_url
    status, _, body = http(f"{base}/tasks/hello", data=b"name=Ada")
    assert status == 202, body
    url = json.loads(body)["url"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        result = json.loads(http(base + url)[2])
        if result["ready"]:
            break
        time.sleep(0.5)
    assert result["state"] == "SUCCESS", result
    assert result["result"] == "Hello Ada, from My Flask App!", result
