"""`./run release` creates the indexes and adds no example notes unless
SEED_EXAMPLE_DATA=1; `./run db seed` adds them. Each test runs the real task
on a database of its own."""

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pymongo import MongoClient
from pymongo.uri_parser import parse_uri

from tests.conftest import mongo_url_for_tests

from config import settings


@pytest.fixture
def empty_database_url(mongo_server):
    """The tests' MONGO_URL, naming a database of this test's own."""
    url = mongo_url_for_tests()
    name = parse_uri(url)["database"]
    head, _, tail = url.partition(f"/{name}")
    own = f"{name}_{uuid.uuid4().hex[:8]}"
    yield f"{head}/{own}{tail}"
    with MongoClient(url) as client:
        client.drop_database(own)


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


def notes_of(url):
    """(number of notes, index names) of the database the URL names."""
    with MongoClient(url) as client:
        notes = client.get_default_database().notes
        return notes.count_documents({}), set(notes.index_information())


def test_release_creates_the_indexes_without_the_example_notes(empty_database_url):
    url = empty_database_url
    code, output = run_task("release", MONGO_URL=url, SEED_EXAMPLE_DATA="0")
    assert code == 0, output
    count, indexes = notes_of(url)
    assert count == 0, "the release added example notes"
    assert "title_1" in indexes
    assert "Example data not seeded" in output


def test_seed_adds_the_example_notes(empty_database_url):
    url = empty_database_url
    assert run_task("release", MONGO_URL=url, SEED_EXAMPLE_DATA="0")[0] == 0
    code, output = run_task("db", "seed", MONGO_URL=url)
    assert code == 0, output
    assert "Added 3 example notes." in output
    assert notes_of(url)[0] == 3


def test_release_seeds_when_asked(empty_database_url):
    url = empty_database_url
    code, output = run_task("release", MONGO_URL=url, SEED_EXAMPLE_DATA="1")
    assert code == 0, output
    assert notes_of(url)[0] == 3


def test_release_refuses_a_bad_seed_example_data(empty_database_url):
    url = empty_database_url
    code, output = run_task("release", MONGO_URL=url, SEED_EXAMPLE_DATA="maybe")
    assert code != 0
    assert '"SEED_EXAMPLE_DATA" invalid' in output
