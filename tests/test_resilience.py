"""The default project under load, losing its database, and shutting down.

Slow tier: each test runs the generated app under gunicorn with its own
config/gunicorn.py on a loopback port, against the real PostgreSQL server.
"""

import os
import re
import signal
import threading
import time

import pytest

from tests.support.baking import bake
from tests.support.runners import (
    get,
    gunicorn,
    project_env,
    require_tool,
    run,
    stalled_uploads,
)
from tests.support.servers import throwaway_database
from tests.support.tcp_proxy import TcpProxy
from tests.support.venvs import venv_for

# One xdist worker runs them all, so the module's installed project is made once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("resilience")]


@pytest.fixture(scope="module")
def project(cookies_session):
    project = bake(cookies_session)
    venv_for(project, dev=False)
    return project


@pytest.fixture(scope="module")
def database_url(project):
    """A migrated and seeded database of its own on the real PostgreSQL."""
    with throwaway_database(project, "postgresql", project_env(project)) as url:
        # With the example notes, whose text shows the page read the database.
        env = project_env(project, SEED_EXAMPLE_DATA="1", **url)
        run("./run", "release", cwd=project, env=env, timeout=120, check=True)
        yield url["DATABASE_URL"]


def test_load_64_connections_for_20_seconds_without_a_failed_request(project, database_url):
    wrk = require_tool("wrk")
    with gunicorn(project, workers=4, DATABASE_URL=database_url) as (base, _):
        result = run(
            wrk, "--threads", "2", "--connections", "64", "--duration", "20s",
            "--timeout", "5s", "--latency", f"{base}/", timeout=60,
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
    try:
        with gunicorn(project, workers=2, DATABASE_URL=proxied_url) as (base, _):
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


def test_slow_clients_do_not_stall_the_app(project, database_url):
    """Gunicorn faces clients itself in ./run start, compose without nginx, Render
    and Railway. Clients that stall inside their request bodies, more of them
    than the workers (times their threads) could each hold, leave /up answering."""
    app = gunicorn(project, workers=2, DATABASE_URL=database_url)
    with app as (base, server), stalled_uploads(base, 16):
        time.sleep(0.5)  # the workers have taken them in
        # Over new connections, which land on either worker.
        for _ in range(6):
            started = time.monotonic()
            try:
                status, body = get(f"{base}/up", timeout=3)
            except OSError as error:
                raise AssertionError(f"/up did not answer with 16 slow clients: {error}") from None
            assert status == 200, body
            assert time.monotonic() - started < 2, "/up took 2 s or more"
    assert "Using worker: gevent" in server.output


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
    outcome = {}
    app = gunicorn(project, app="slow_wsgi:app", DATABASE_URL=database_url)
    with app as (base, server):

        def slow_request():
            outcome["response"] = get(f"{base}/slow", timeout=20)

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
    with gunicorn(project, workers=2, DATABASE_URL=database_url) as (base, server):
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
            assert get(f"{base}/up")[0] == 200
