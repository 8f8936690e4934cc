"""Every variant of the covering set (variants.py), built and started with Docker.

For each variant: the bake's images are built with `docker compose build` on
the stand-in base images (one app image, which every app service runs, and
nginx's own) and inspected (non-root, no .env, no tests, no
development tools, no node_modules, a HEALTHCHECK, the code root's and
read-only to the app's user, instance/ the user's alone); then
`docker compose up --build --wait` must bring every chosen service to healthy
(the release service to a clean exit), and the published loopback port must
serve / and /up (the variants without Celery under a 1-CPU, 512 MB limit from
`.env`, where gunicorn must start 2 workers whatever the host has), the
digested assets gzip-encoded with a long cache lifetime through nginx, nginx's
refusal of a Host outside TRUSTED_HOSTS and its own page while web is stopped,
a Celery task's result, and with user accounts a sign-up, log-out and log-in
and a reset request. The stack is production: its release adds no
example records and the demo answers 404, except that the Celery variants turn
the examples on in `.env` (EXAMPLES_ENABLED=1), as a user would, to start the
example task. `docker compose down` then has to leave no container, network,
volume or built image behind, also when a test failed.
"""

import json
import re

import pytest

from local_extensions import SQL_DATABASES
from tests.support import variants
from tests.support.accounts import RESET_SENT, expect, sign_up_log_out_log_in
from tests.support.baking import bake
from tests.support.runners import (
    EXAMPLES_ON,
    NOT_SEEDED,
    SEEDED_NOTE,
    Browser,
    check_a_task_round_trips,
    check_assets_cached_for_good,
    check_examples,
    expected_checks,
    http,
    wait_until,
)
from tests.support.stacks import Stack, add_to_dotenv, ensure_standins_for, run_in_image, sh

pytestmark = pytest.mark.docker

VARIANTS = variants.docker_variants()


def test_the_covering_set_holds_every_value_and_bakes():
    """Fast: every value of every option the docker tier covers is in some variant."""
    for variant in VARIANTS:
        assert variants.bakes(variant), variant
    for option in VARIANTS[0]:
        wanted = set(variants.available_values(option))
        assert {v[option] for v in VARIANTS} >= wanted, option
    assert VARIANTS[0] == {k: variants.DEFAULTS[k] for k in VARIANTS[0]}, "the first is the default"


@pytest.fixture(scope="module", params=VARIANTS, ids=variants.ids(VARIANTS))
def built(request, cookies_session, docker_engine):
    """(variant, Stack) with its images built; the stack is removed afterwards."""
    variant = request.param
    project = bake(cookies_session, **variant)
    missing = ensure_standins_for(project)
    if variants.no_standin(variant) is None:
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
    # One image that every app service runs (release, web, worker, beat), and nginx's.
    own = {"app", "nginx"} if variant.get("use_nginx") else {"app"}
    assert stack.images() == sorted(f"{stack.name}-{name}:latest" for name in own)
    assert image == f"{stack.name}-app"
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
python -c "import gunicorn.workers.ggevent" && echo "GEVENT WORKER LOADS"
command -v node npm ruff pytest | sed 's/^/ONPATH /'
ls */static/cache_manifest.json
for f in run */app.py */static/cache_manifest.json; do
  touch "$f" 2>/dev/null && echo "WRITABLE $f"
done
touch new-file 2>/dev/null && echo "WRITABLE /app"
find . -path ./instance -prune -o -user 1000 -print | sed 's/^/OWNED /'
touch instance/probe && rm instance/probe && echo "INSTANCE WRITABLE"
stat -c "INSTANCE %u %a" instance
"""
    out = run_in_image(image, script)
    assert out.splitlines()[0] == "1000", out
    assert not re.search(r"^(PRESENT|IMPORTABLE|ONPATH|WRITABLE|OWNED) ", out, re.M), out
    assert "static/cache_manifest.json" in out, out
    # config/gunicorn.py's default worker class, which slow clients cannot stall.
    assert "GEVENT WORKER LOADS" in out, out
    # The code is root's, read-only to the app's user; instance/ is the user's alone.
    assert "INSTANCE WRITABLE" in out and "INSTANCE 1000 700" in out, out


def check_web_limits(stack):
    """The limits set in .env reach the web container, and gunicorn's default
    worker count follows its CPU quota (2 per CPU), not the host's CPUs."""
    web = stack.compose("ps", "--quiet", "web").stdout.strip()
    config = json.loads(sh("docker", "inspect", "--format", "{{json .HostConfig}}", web).stdout)
    assert (config["NanoCpus"], config["Memory"]) == (10**9, 512 * 2**20), config
    log = stack.logs("web")
    assert log.count("Booting worker with pid") == 2, log[-3000:]


def test_stack_comes_up_healthy_and_serves(built):
    variant, stack = built
    reason = variants.no_standin(variant)
    if reason:
        pytest.skip(f"docker tier: {variants.variant_id(variant)}: {reason}")
    examples = variant["use_celery"]
    if examples:
        add_to_dotenv(stack.project, **EXAMPLES_ON)
    else:
        add_to_dotenv(stack.project, DOCKER_WEB_CPUS="1", DOCKER_WEB_MEMORY="512m")
    if variant["use_nginx"]:
        add_to_dotenv(stack.project, TRUSTED_HOSTS=PUBLIC_HOST)
    try:
        stack.up()
        states = stack.states()
        for service in stack.services():
            expected = ("exited", "", 0) if service == "release" else ("running", "healthy")
            assert states[service][: len(expected)] == expected, f"{service}: {states}"
        if not examples:
            check_web_limits(stack)
        assert "Using worker: gevent" in stack.logs("web"), stack.logs("web")
        status, _, body = stack.get("/up")
        checks = expected_checks(variant)
        assert (status, json.loads(body)) == (200, {"checks": checks, "failed": [], "status": "ok"})
        status, _, home = stack.get("/")
        assert status == 200 and b"<title>" in home and b"My Flask App" in home, home[:500]
        if variant["use_nginx"]:
            check_assets_cached_for_good(stack.base_url, home.decode())
            check_nginx_guards_the_app(stack)
        check_examples(stack.base_url, variant, enabled=examples)
        if variant["use_celery"]:
            check_a_task_round_trips(stack.base_url)
        if variant["database"] != "none":
            release = stack.logs("release")
            assert NOT_SEEDED in release and "example notes" not in release, release
            assert SEEDED_NOTE.encode() not in home, home[:2000]
        if variant["database"] in SQL_DATABASES:
            assert "Running upgrade" in stack.logs("release"), stack.logs("release")
        if variant["auth"] == "accounts":
            check_accounts(stack)
    except Exception:
        print(stack.logs(tail="80")[-10000:])
        raise


def check_accounts(stack):
    """Through the published port (nginx's, when chosen): sign up, log out, log in;
    a reset request gets its usual answer though no mail server is set (the
    stack's web logs the failure to send)."""
    sign_up_log_out_log_in(stack.base_url, "ada@example.com")
    browser = Browser(stack.base_url)
    browser.open("/password/reset")
    answer = browser.open("/password/reset", {"email": "ada@example.com"})
    expect(answer, "/login", RESET_SENT)
    assert "Could not send the email for accounts.reset_password" in stack.logs("web")


# The public name the nginx variants put in TRUSTED_HOSTS (.env).
PUBLIC_HOST = "app.example.com"


def check_nginx_guards_the_app(stack):
    """nginx answers to the names of TRUSTED_HOSTS that its image rendered into
    its config, and drops any other Host; it serves robots.txt; while web is
    stopped it shows the project's own page, and the app once web is back."""
    base = stack.base_url
    status, _, body = http(f"{base}/", headers={"Host": PUBLIC_HOST})
    assert status == 200 and b"My Flask App" in body, body[:500]
    with pytest.raises(ConnectionError):
        http(f"{base}/", headers={"Host": "elsewhere.example.com"})
    status, headers, body = http(f"{base}/robots.txt")
    assert status == 200 and body.startswith(b"# What crawlers may fetch"), body[:300]
    assert headers["X-Content-Type-Options"] == "nosniff"

    stack.compose("stop", "--timeout", "10", "web")
    # 502 once Docker's DNS has forgotten web, 504 while nginx still has its
    # old address (proxy_connect_timeout).
    status, headers, body = http(f"{base}/", timeout=30)
    assert status in (502, 504) and b"<h1>Back in a moment</h1>" in body, (status, body[:500])
    assert b"My Flask App" in body and b"nginx" not in body.lower(), body[:500]
    assert headers["Cache-Control"] == "no-store"
    stack.compose("start", "web")
    wait_until(lambda: http(f"{base}/up")[0] == 200, timeout=60, what="web back behind nginx")
