"""Fixtures: the app under test runs on a throwaway database.

The tests use the server that DATABASE_URL names (from the environment or
.env), in a database of the same name plus "_test", so development data is
never touched. With DATABASE_URL unset they use a SQLite file in a temporary
folder. Migrations, not create_all(), build the schema, so they are tested too.
"""

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy_utils import create_database, database_exists, drop_database

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.extensions import db

from config import settings


def test_database_url(tmp_path_factory):
    url = make_url(settings.SQLALCHEMY_DATABASE_URI)
    if url.get_backend_name() == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        return url.set(database=str(path)).render_as_string(hide_password=False)
    return url.set(database=f"{url.database}_test").render_as_string(
        hide_password=False
    )


def alembic_config(app):
    config = Config(str(settings.BASE_DIR / "alembic.ini"))
    config.attributes["app"] = app
    config.attributes["keep_logging"] = True
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = test_database_url(tmp_path_factory)
    if database_exists(url):
        drop_database(url)
    create_database(url)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    command.upgrade(alembic_config(app), "head")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def unreachable_database_url(database_url):
    """A URL of the same kind as the test database that cannot be reached."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "sqlite:////nonexistent-folder/unreachable.sqlite3"
    # Port 1 on the loopback interface: nothing listens there.
    return url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)


@pytest.fixture
def app_without_database(unreachable_database_url):
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": unreachable_database_url}
    )
