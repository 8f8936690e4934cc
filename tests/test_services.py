"""Each database, with and without Redis and with Celery, against the real servers.

Slow: every variant gets a fresh virtual environment from its own pins (one per
distinct requirements set; pip's cache is shared). For each variant: the
project's own test suite passes against the real PostgreSQL, MariaDB and Redis
of this machine (no test of it skipped), `./run release` migrates and seeds,
gunicorn serves / and /up, and with a service pointed at a port where nothing
listens /up answers 503 naming it while / still answers. With Celery, a worker
started here runs a task that a route enqueued, through the real Redis.

MongoDB: no server can be installed here. Without MONGO_URL the variant still
installs, lints, passes the tests that need no server, and proves the outage
path (503 naming the database) under gunicorn; its server-backed tests are
skipped with the reason printed. With MONGO_URL set, they run.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
import uuid

import pytest

from tests.baking import bake, clean_env
from tests.running import background, free_port, get, served, wait_for

pytestmark = pytest.mark.slow

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
MYSQL = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
MONGO_URL = os.environ.get("MONGO_URL")
NOWHERE = {
    "postgresql": "postgresql://nobody@127.0.0.1:1/nothing",
    "mysql": "mysql://nobody@127.0.0.1:1/nothing",
    "sqlite": "sqlite:////nonexistent-folder/unreachable.sqlite3",
}

# (database, use_redis, use_celery), each with a Redis database index of its own.
VARIANTS = [
    ("postgresql", False, False),
    ("postgresql", True, True),
    ("mysql", False, False),
    ("mysql", True, False),
    ("sqlite", False, False),
    ("sqlite", True, True),
]


def variant_id(variant):
    db, redis, celery = variant
    return "-".join([db] + (["redis"] if redis else []) + (["celery"] if celery else []))


@pytest.fixture(scope="session")
def venvs(tmp_path_factory):
    """One virtual environment per distinct requirements set, shared by variants."""
    root = tmp_path_factory.mktemp("venvs")
    made = {}

    def venv_for(project):
        requirements = (project / "requirements-dev.txt").read_text()
        requirements += (project / "requirements.txt").read_text()
        key = hashlib.sha256(requirements.encode()).hexdigest()[:16]
        if key not in made:
            home = root / key
            home.mkdir()
            for name in ("requirements.txt", "requirements-dev.txt"):
                (home / name).write_text((project / name).read_text())
            subprocess.run(["python3", "-m", "venv", str(home / ".venv")], check=True, timeout=120)
            # --no-compile: byte-compiling every package costs minutes on 2 busy cores.
            subprocess.run(
                [str(home / ".venv/bin/pip"), "install", "--quiet", "--no-compile",
                 "--disable-pip-version-check", "-r", str(home / "requirements-dev.txt")],
                check=True, timeout=900,
            )  # fmt: skip
            made[key] = home / ".venv"
        (project / ".venv").symlink_to(made[key])

    return venv_for


def project_env(project, **env):
    return clean_env(PATH=f"{project / '.venv/bin'}:{os.environ['PATH']}", **env)


def run_in(project, args, timeout=600, **env):
    return subprocess.run(
        args, cwd=project, env=project_env(project, **env),
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def unique_url(database):
    name = f"t_{uuid.uuid4().hex[:12]}"
    if database == "postgresql":
        return f"{POSTGRES}/{name}"
    if database == "mysql":
        return f"{MYSQL}/{name}"
    return None  # sqlite: the project's default file in instance/


def create_database(project, url):
    code = (
        "import sys; from config import settings;"
        "from sqlalchemy_utils import create_database as c; c(settings.SQLALCHEMY_DATABASE_URI)"
    )
    result = run_in(project, ["python", "-c", code], timeout=60, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr


def drop_database(project, url):
    code = (
        "from config import settings; from sqlalchemy_utils import drop_database as d;"
        "d(settings.SQLALCHEMY_DATABASE_URI)"
    )
    run_in(project, ["python", "-c", code], timeout=60, DATABASE_URL=url)


def gunicorn(port):
    return [
        ".venv/bin/gunicorn", "-c", "config/gunicorn.py", "my_flask_app.app:create_app()",
    ]  # fmt: skip


def serve_env(port, **env):
    return {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", **env}


def own_suite_passes(project, allowed_skip=None, **env):
    result = run_in(project, [".venv/bin/pytest", "-q", "-p", "no:cacheprovider", "-rs"], **env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"\b\d+ passed\b", result.stdout), output
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    if allowed_skip is None:
        assert skips == [], output
    else:
        assert all(allowed_skip in line for line in skips), output
    return result.stdout


WORKER = ["./run", "worker", "--pool", "solo", "--without-heartbeat", "--without-gossip"]


def check_a_task_round_trips(project, base, **env):
    """A task posted to the app is run by a real worker through the real Redis."""
    with background(project, WORKER, project / "worker.log", **env) as worker:
        status, started = post(f"{base}/tasks/hello", "name=Ada")
        assert status == 202
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert worker.poll() is None, (project / "worker.log").read_text()
            result = json.loads(get(f"{base}{started['url']}")[1])
            if result["ready"]:
                break
            time.sleep(0.5)
        assert result == {
            "id": started["id"], "ready": True, "state": "SUCCESS",
            "result": "Hello Ada, from My Flask App!",
        }  # fmt: skip


def post(url, data):
    request = urllib.request.Request(url, data=data.encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, json.loads(response.read())


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant_id(v) for v in VARIANTS])
def test_variant_against_the_real_servers(cookies, venvs, variant):
    database, use_redis, use_celery = variant
    project = bake(cookies, database=database, use_redis=use_redis, use_celery=use_celery)
    venvs(project)
    url = unique_url(database)
    env = {"DATABASE_URL": url} if url else {}
    if use_redis:
        env["REDIS_URL"] = f"{REDIS}/{VARIANTS.index(variant) + 1}"

    own_suite_passes(project, **env)

    if url:
        create_database(project, url)
    try:
        release = run_in(project, ["./run", "release"], timeout=120, **env)
        assert release.returncode == 0, release.stdout + release.stderr

        port = free_port()
        with served(project, gunicorn(port), port, **serve_env(port, **env)):
            base = f"http://127.0.0.1:{port}"
            status, home = get(f"{base}/")
            assert status == 200 and "GET /up checks every backing service." in home
            status, body = get(f"{base}/up")
            expected = {"database": "ok", **({"redis": "ok"} if use_redis else {})}
            assert (status, json.loads(body)["checks"]) == (200, expected)
            if use_celery:
                check_a_task_round_trips(project, base, **env)

        outages = {"database": {"DATABASE_URL": NOWHERE[database]}}
        if use_redis:
            outages["redis"] = {"REDIS_URL": "redis://127.0.0.1:1/0"}
        for name, broken in outages.items():
            port = free_port()
            with served(project, gunicorn(port), port, **serve_env(port, **{**env, **broken})):
                status, body = get(f"http://127.0.0.1:{port}/up")
                assert status == 503 and json.loads(body)["failed"] == [name], body
                assert get(f"http://127.0.0.1:{port}/")[0] == 200
    finally:
        if url:
            drop_database(project, url)


def test_mongodb_variant_without_a_server(cookies, venvs):
    """What needs no MongoDB server: install, own suite (server tests skip), outage."""
    project = bake(cookies, database="mongodb", use_redis=True)
    venvs(project)
    env = {"REDIS_URL": f"{REDIS}/{len(VARIANTS) + 1}"}
    own_suite_passes(project, allowed_skip="MONGO_URL is not set", **env)

    port = free_port()
    nowhere = {"MONGO_URL": "mongodb://127.0.0.1:1/nothing", "MONGO_TIMEOUT_MS": "300"}
    with served(project, gunicorn(port), port, **serve_env(port, **env, **nowhere)):
        status, body = get(f"http://127.0.0.1:{port}/up")
        assert status == 503 and json.loads(body)["failed"] == ["database"], body
        status, home = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and 'id="db-unavailable"' in home


@pytest.mark.skipif(
    not MONGO_URL,
    reason="MONGO_URL is not set: no MongoDB server on this machine, so the"
    " MongoDB-backed tests (own suite, seed, serve) did not run",
)
def test_mongodb_variant_against_a_real_server(cookies, venvs):
    project = bake(cookies, database="mongodb", use_redis=True)
    venvs(project)
    env = {"REDIS_URL": f"{REDIS}/{len(VARIANTS) + 1}", "MONGO_URL": MONGO_URL}
    own_suite_passes(project, **env)
    seeded = run_in(project, ["./run", "release"], timeout=120, **env)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    port = free_port()
    with served(project, gunicorn(port), port, **serve_env(port, **env)):
        assert get(f"http://127.0.0.1:{port}/up")[0] == 200
        assert "GET /up checks every backing service." in get(f"http://127.0.0.1:{port}/")[1]


def test_nginx_serves_digested_static_files_and_proxies_the_rest(cookies, venvs, tmp_path):
    """Debian's nginx runs the generated server block in front of gunicorn.

    Only what belongs to Docker is swapped: the listen port, the static root
    (the image copies the static folder to /srv/static) and the upstream
    address (web:8000 on compose's network).
    """
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    # No asset build: the plain stylesheet is a static file to digest and serve.
    project = bake(cookies, database="sqlite", use_nginx=True, frontend="none", css="plain")
    venvs(project)
    assert run_in(project, ["./run", "release"], timeout=120).returncode == 0
    assert run_in(project, ["./run", "digest"], timeout=120).returncode == 0

    app_port, proxy_port = free_port(), free_port()
    conf = (project / "nginx/default.conf").read_text()
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
    conf = conf.replace("root /srv;", f"root {project / 'my_flask_app'};")
    conf = conf.replace("http://web:8000", f"http://127.0.0.1:{app_port}")
    (tmp_path / "default.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(
        f"user root;\npid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  include {tmp_path}/default.conf;\n}}\n"
    )
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        env = serve_env(app_port, PROXY_COUNT="1")
        with served(project, gunicorn(app_port), app_port, **env):
            base = f"http://127.0.0.1:{proxy_port}"
            status, home = wait_for(f"{base}/", process=proxy)
            assert status == 200
            stylesheet = re.search(r'href="(/static/css/app-[0-9a-f]{32}\.css)"', home).group(1)
            request = urllib.request.Request(base + stylesheet)
            request.add_header("Accept-Encoding", "gzip")
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                assert response.headers["Content-Encoding"] == "gzip"
                assert "immutable" in response.headers["Cache-Control"]
                assert "max-age=31536000" in response.headers["Cache-Control"]
            # Everything else is gunicorn's answer, errors included.
            status, body = get(f"{base}/missing-page")
            assert status == 404 and "Page not found" in body
            assert json.loads(get(f"{base}/up")[1])["status"] == "ok"
            assert get(f"{base}/nginx-health") == (200, "ok\n")
    finally:
        os.killpg(proxy.pid, signal.SIGTERM)
        proxy.wait(timeout=15)
