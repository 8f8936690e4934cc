"""The default project, installed and run for real (slow: minutes, not seconds).

It installs the project's uv.lock into a virtual environment of its own
(`uv sync --locked`), runs the project's own test suite on SQLite and on the real
PostgreSQL server, and serves it under gunicorn with its own config/gunicorn.py.
"""

import re
import shutil
import stat

import pytest

from tests.support.baking import bake
from tests.support.runners import (
    SEEDED_NOTE,
    check_examples,
    clean_env,
    free_port,
    get,
    gunicorn,
    gunicorn_command,
    own_suite,
    run,
    run_start,
    served,
)
from tests.support.servers import DATABASES, throwaway_database
from tests.support.template import TEMPLATE_DIR
from tests.support.venvs import venv_for

# One worker runs them all, so the module's installed project is made once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("generated_runs")]


@pytest.fixture(scope="module")
def installed_project(cookies_session):
    project = bake(cookies_session)
    venv_for(project)
    return project


def test_own_suite_passes_on_sqlite(installed_project):
    own_suite(installed_project)


def test_own_suite_passes_on_postgresql(installed_project):
    with throwaway_database(installed_project, "postgresql", clean_env()) as url:
        own_suite(installed_project, **url)


def test_run_start_migrates_seeds_and_serves_until_sigterm(installed_project):
    """`./run start`, the README's one command, on the embedded SQLite default: a
    development path, so the example records are seeded and the demo is on."""
    # As in a fresh clone: the own suite's apps may have made the folder already.
    shutil.rmtree(installed_project / "instance", ignore_errors=True)
    # npm ci and the asset build come first.
    with run_start(installed_project, startup_seconds=300, workers=2) as (base, server):
        status, body = get(f"{base}/up")
        assert (status, body.strip()) == (
            200,
            '{"checks":{"database":"ok"},"failed":[],"status":"ok"}',
        )
        status, home = get(f"{base}/")
        assert status == 200
        assert SEEDED_NOTE in home  # seeded
        check_examples(base, {}, enabled=True)
        stylesheet = re.search(r'href="(/static/css/app-[0-9a-f]{32}\.css)"', home)
        assert stylesheet, "the page does not link the digested stylesheet"
        assert get(f"{base}{stylesheet.group(1)}")[0] == 200
        # The default frontend (htmx) is built by ./run start and digested too.
        script = re.search(r'src="(/static/js/app-[0-9a-f]{32}\.js)"', home)
        assert script, "the page does not link the digested bundle"
        assert get(f"{base}{script.group(1)}")[0] == 200
        assert get(f"{base}/missing")[0] == 404
    assert server.returncode == 0, server.output
    assert "Shutting down: Master" in server.output
    database = installed_project / "instance/my_flask_app.sqlite3"
    assert database.is_file()
    # Other users of the machine can neither read the data nor look for it.
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_gunicorn_opens_no_control_socket(installed_project, tmp_path):
    """Gunicorn (25.1 and newer) listens for gunicornc on $XDG_RUNTIME_DIR/gunicorn.ctl
    or $HOME/.gunicorn/gunicorn.ctl: one path per user, which a second app run by
    the same user takes over. The project's config/gunicorn.py turns it off."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    for xdg in (str(runtime), ""):
        with gunicorn(installed_project, HOME=str(home), XDG_RUNTIME_DIR=xdg) as (_, server):
            pass
        assert "Control socket" not in server.output
    assert not [path for path in tmp_path.rglob("*") if "gunicorn" in path.name]


def test_up_names_the_database_when_it_is_unreachable(installed_project):
    with gunicorn(installed_project, **DATABASES["postgresql"].unreachable) as (base, _):
        status, body = get(f"{base}/up")
        assert status == 503
        assert '"failed":["database"]' in body
        assert get(f"{base}/")[0] == 200
        # gunicorn alone, as in production (FLASK_DEBUG=0): the demo is off.
        check_examples(base, {}, enabled=False)


def test_production_start_without_a_secret_key_fails_clearly(installed_project):
    result = run(
        *gunicorn_command(installed_project),
        cwd=installed_project,
        env=clean_env(SECRET_KEY="", FLASK_DEBUG="0", GUNICORN_BIND=f"127.0.0.1:{free_port()}"),
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stdout + result.stderr


def test_run_lock_keeps_the_shipped_locks_and_outdated_lists_newer_releases(
    installed_project,
):
    """`./run lock` against PyPI and npm on a fresh bake rewrites nothing: the
    shipped uv.lock and package-lock.json are what the tools would write.
    `./run outdated` answers for both."""
    locks = [installed_project / "uv.lock", installed_project / "assets/package-lock.json"]
    before = [lock.read_text() for lock in locks]
    run("./run", "lock", cwd=installed_project, env=clean_env(), timeout=600, check=True)
    assert [lock.read_text() for lock in locks] == before
    result = run("./run", "outdated", cwd=installed_project, env=clean_env(), timeout=600,
                 check=True)  # fmt: skip
    python = [line for line in result.stdout.splitlines() if "(latest: v" in line]
    assert python or "every dependency is on its latest release" in result.stdout, result.stdout


def test_run_demo_installs_only_cookiecutter_and_serves(tmp_path):
    """The template README's first command, on a copy of this checkout: it bakes
    the default into build/ and serves it, with no test toolchain installed."""
    checkout = tmp_path / "checkout"
    shutil.copytree(TEMPLATE_DIR, checkout, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "__pycache__", ".*_cache", ".hypothesis"))  # fmt: skip
    venv = tmp_path / "venv"
    port = free_port()
    with served(checkout, ["./run", "demo"], port, startup_seconds=600, VENV=str(venv),
                GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1") as process:  # fmt: skip
        status, home = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and SEEDED_NOTE in home, home[:2000]
    assert "Your project is ready in ./build/my_flask_app" in process.output, process.output
    assert (venv / "bin" / "cookiecutter").is_file()
    installed = {p.name.split("-")[0].lower() for p in venv.glob("lib/*/site-packages/*.dist-info")}
    assert not installed & {"pytest", "playwright", "hypothesis", "bandit"}, sorted(installed)
