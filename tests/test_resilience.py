"""The default project under load, losing its database, and shutting down.

Slow tier: each test runs the generated app under gunicorn with its own
config/gunicorn.py on a loopback port, against the real PostgreSQL server.
"""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

from tests.baking import bake, clean_env
from tests.running import create_venv, free_port, get, served, unique_database_url
from tests.tcp_proxy import TcpProxy

# One xdist worker runs them all, so the module's installed project is made once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("resilience")]

GUNICORN = [".venv/bin/gunicorn", "-c", "config/gunicorn.py"]
APP = "my_flask_app.app:create_app()"


def serve(project, port, database_url, workers="2", app=APP):
    """The project's own gunicorn config, on a loopback port, against the given database."""
    return served(
        project,
        [*GUNICORN, app],
        port,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=workers,
        DATABASE_URL=database_url,
    )


def require_tool(name):
    if shutil.which(name) is None:
        message = f"{name} is not installed (apt-get install {name}; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def project(cookies_session):
    project = bake(cookies_session)
    create_venv(project, requirements="requirements.txt")
    return project


def sqlalchemy_utils(project, function, url):
    """Call create_database or drop_database with the project's own drivers."""
    code = f"import sys, sqlalchemy_utils as u; u.{function}(sys.argv[1])"
    psycopg_url = url.replace("postgresql://", "postgresql+psycopg://")
    subprocess.run([".venv/bin/python", "-c", code, psycopg_url], cwd=project, check=True)


@pytest.fixture(scope="module")
def database_url(project):
    """A migrated and seeded database of its own on the real PostgreSQL."""
    url = unique_database_url()
    env = clean_env(DATABASE_URL=url, PATH=f"{project / '.venv/bin'}:{os.environ['PATH']}")
    sqlalchemy_utils(project, "create_database", url)
    subprocess.run(["./run", "release"], cwd=project, env=env, check=True, timeout=120)
    yield url
    sqlalchemy_utils(project, "drop_database", url)


def test_load_64_connections_for_20_seconds_without_a_failed_request(project, database_url):
    require_tool("wrk")
    port = free_port()
    with serve(project, port, database_url, workers="4"):
        result = subprocess.run(
            ["wrk", "--threads", "2", "--connections", "64", "--duration", "20s",
             "--timeout", "5s", "--latency", f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    report = result.stdout
    print(report)
    assert result.returncode == 0, report + result.stderr
    assert "Socket errors" not in report, report
    assert "Non-2xx or 3xx responses" not in report, report
    requests = int(re.search(r"(\d+) requests in", report).group(1))
    # How many is a benchmark question (bench/), not a pass/fail one here.
    assert requests > 0, report
    p99 = re.search(r"99%\s+(\S+)", report).group(1)
    print(f"load: {requests} requests, p99 latency {p99}")


def test_database_loss_gives_503_fast_and_recovers_without_restart(project, database_url):
    proxy = TcpProxy("127.0.0.1", 5432).start()
    proxied_url = re.sub(r"@127\.0\.0\.1:5432/", f"@127.0.0.1:{proxy.port}/", database_url)
    port = free_port()
    try:
        with serve(project, port, proxied_url):
            base = f"http://127.0.0.1:{port}"
            assert get(f"{base}/up")[0] == 200

            proxy.stop()
            for _ in range(4):  # every worker, and pooled connections, notice
                started = time.monotonic()
                status, body = get(f"{base}/up", timeout=10)
                assert time.monotonic() - started < 2, "/up took 2 s or more"
                assert status == 503 and '"failed":["database"]' in body, body
            status, home = get(f"{base}/")
            assert status == 200 and 'id="db-unavailable"' in home

            proxy.start()
            deadline = time.monotonic() + 10
            while get(f"{base}/up")[0] != 200:
                assert time.monotonic() < deadline, "/up did not recover"
                time.sleep(0.2)
            assert "GET /up checks every backing service." in get(f"{base}/")[1]
    finally:
        proxy.stop()


SLOW_APP = """\
import time

from my_flask_app.app import create_app

app = create_app()


@app.get("/slow")
def slow():
    time.sleep(3)
    return "finished"
"""


def test_sigterm_lets_a_slow_request_finish(project, database_url):
    (project / "slow_wsgi.py").write_text(SLOW_APP)
    port = free_port()
    outcome = {}

    def slow_request():
        outcome["response"] = get(f"http://127.0.0.1:{port}/slow", timeout=20)

    with serve(project, port, database_url, workers="1", app="slow_wsgi:app") as server:
        client = threading.Thread(target=slow_request)
        client.start()
        time.sleep(1)  # the request is in the worker now
        os.kill(server.pid, signal.SIGTERM)
        client.join(timeout=20)
        assert server.wait(timeout=30) == 0
    assert outcome["response"] == (200, "finished"), server.output


def worker_pids(master_pid):
    children = (
        open(f"/proc/{master_pid}/task/{master_pid}/children").read().split()  # noqa: SIM115
    )
    return {int(pid) for pid in children}


def test_a_killed_worker_is_replaced(project, database_url):
    port = free_port()
    with serve(project, port, database_url) as server:
        deadline = time.monotonic() + 20
        while len(before := worker_pids(server.pid)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while True:
            after = worker_pids(server.pid)
            if len(after) == 2 and victim not in after:
                break
            assert time.monotonic() < deadline, f"workers {before} became {after}"
            time.sleep(0.2)
        for _ in range(5):
            assert get(f"http://127.0.0.1:{port}/up")[0] == 200
