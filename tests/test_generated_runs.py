"""The default project, installed and run for real (slow: minutes, not seconds).

It installs the project's pinned requirements into a fresh virtual environment,
runs the project's own test suite on SQLite and on the real PostgreSQL server,
and serves it under gunicorn with its own config/gunicorn.py.
"""

import re
import subprocess

import pytest

from tests.baking import bake, clean_env
from tests.running import create_venv, free_port, get, served, unique_database_url

# One worker runs them all, so the module's installed project is made once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("generated_runs")]


@pytest.fixture(scope="module")
def installed_project(cookies_session):
    project = bake(cookies_session)
    create_venv(project)
    return project


def run_own_tests(project, **env):
    return subprocess.run(
        [str(project / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_own_suite_passes_on_sqlite(installed_project):
    result = run_own_tests(installed_project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b\d+ passed\b", result.stdout)


def test_own_suite_passes_on_postgresql(installed_project):
    result = run_own_tests(installed_project, DATABASE_URL=unique_database_url())
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b\d+ passed\b", result.stdout)


def test_run_start_migrates_seeds_and_serves_until_sigterm(installed_project):
    """`./run start`, the README's one command, on the embedded SQLite default."""
    port = free_port()
    with served(
        installed_project,
        ["./run", "start"],
        port,
        startup_seconds=300,  # npm ci and the asset build come first
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    ) as server:
        status, body = get(f"http://127.0.0.1:{port}/up")
        assert (status, body.strip()) == (
            200,
            '{"checks":{"database":"ok"},"failed":[],"status":"ok"}',
        )
        status, home = get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "GET /up checks every backing service." in home  # seeded
        stylesheet = re.search(r'href="(/static/css/app-[0-9a-f]{32}\.css)"', home)
        assert stylesheet, "the page does not link the digested stylesheet"
        assert get(f"http://127.0.0.1:{port}{stylesheet.group(1)}")[0] == 200
        # The default frontend (htmx) is built by ./run start and digested too.
        script = re.search(r'src="(/static/js/app-[0-9a-f]{32}\.js)"', home)
        assert script, "the page does not link the digested bundle"
        assert get(f"http://127.0.0.1:{port}{script.group(1)}")[0] == 200
        assert get(f"http://127.0.0.1:{port}/missing")[0] == 404
    assert server.returncode == 0, server.output
    assert "Shutting down: Master" in server.output
    assert (installed_project / "instance/my_flask_app.sqlite3").is_file()


def test_up_names_the_database_when_it_is_unreachable(installed_project):
    port = free_port()
    gunicorn = [".venv/bin/gunicorn", "-c", "config/gunicorn.py", "my_flask_app.app:create_app()"]
    with served(
        installed_project,
        gunicorn,
        port,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing",
    ):
        status, body = get(f"http://127.0.0.1:{port}/up")
        assert status == 503
        assert '"failed":["database"]' in body
        assert get(f"http://127.0.0.1:{port}/")[0] == 200


def test_production_start_without_a_secret_key_fails_clearly(installed_project):
    gunicorn = [".venv/bin/gunicorn", "-c", "config/gunicorn.py", "my_flask_app.app:create_app()"]
    result = subprocess.run(
        gunicorn,
        cwd=installed_project,
        env=clean_env(SECRET_KEY="", FLASK_DEBUG="0", GUNICORN_BIND=f"127.0.0.1:{free_port()}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stdout + result.stderr
