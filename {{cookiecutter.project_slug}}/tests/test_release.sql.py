"""`./run release` applies the migrations and adds no example records unless
SEED_EXAMPLE_DATA=1; `./run db seed` adds them. Each test runs the real task
on a SQLite file of its own."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.models import Note

from config import settings


@pytest.fixture
def empty_database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'release.sqlite3'}"


def run_task(*args, **environ):
    """(exit code, output) of `./run <args>` as a release runs it: production settings."""
    env = {k: v for k, v in os.environ.items() if k not in environ}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env |= {"FLASK_DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48), **environ}
    result = subprocess.run(  # noqa: S603 - the project's own task runner
        [str(settings.BASE_DIR / "run"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def example_notes(url):
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table(Note.__tablename__):
            return None
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Note.__table__))
    finally:
        engine.dispose()


def test_release_seeds_nothing(overrides, own_cache, empty_database_url):
    url = empty_database_url
    code, output = run_task("release", DATABASE_URL=url, SEED_EXAMPLE_DATA="0")
    assert code == 0, output
    assert example_notes(url) == 0, "the release added example records"
    assert "Example data not seeded" in output
    # The home page of an empty database reads as such, not as an error.
    app = create_app(
        {
            **overrides,
            **own_cache,
            "SQLALCHEMY_DATABASE_URI": url,
            # A SQLite file takes none of a server's connect options.
            "SQLALCHEMY_ENGINE_OPTIONS": {},
        }
    )
    html = app.test_client().get("/").get_data(as_text=True)
    assert 'id="no-notes"' in html
    assert 'id="db-unavailable"' not in html


def test_seed_adds_the_example_records(empty_database_url):
    url = empty_database_url
    assert run_task("release", DATABASE_URL=url, SEED_EXAMPLE_DATA="0")[0] == 0
    code, output = run_task("db", "seed", DATABASE_URL=url)
    assert code == 0, output
    assert "Added 3 example notes." in output
    assert example_notes(url) == 3


def test_release_seeds_when_asked(empty_database_url):
    url = empty_database_url
    code, output = run_task("release", DATABASE_URL=url, SEED_EXAMPLE_DATA="1")
    assert code == 0, output
    assert example_notes(url) == 3


def test_release_refuses_a_bad_seed_example_data(empty_database_url):
    url = empty_database_url
    code, output = run_task("release", DATABASE_URL=url, SEED_EXAMPLE_DATA="maybe")
    assert code != 0
    assert '"SEED_EXAMPLE_DATA" invalid' in output
    assert not example_notes(url), "seeded despite the bad value"
