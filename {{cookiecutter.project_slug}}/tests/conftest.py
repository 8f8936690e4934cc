"""Fixtures: the app under test runs on throwaway data.
{%- if cookiecutter.database is sql %}

The tests use the server that DATABASE_URL names (from the environment or
.env), in a database of the same name plus "_test", so development data is
never touched. With DATABASE_URL unset they use a SQLite file in a temporary
folder. Migrations, not create_all(), build the schema, so they are tested too.
{%- elif cookiecutter.database == "mongodb" %}

The tests use the MongoDB server that MONGO_URL names, in a database of the
same name plus "_test", so development data is never touched. With MONGO_URL
unset, the tests that need a server are skipped, and say so.
{%- endif %}
{%- if cookiecutter.use_redis %}

With REDIS_URL set, the cache{% if cookiecutter.use_celery %} and Celery{% endif %} use that Redis, under a prefix of
their own; unset, the cache lives in memory and the tests that need Redis
are skipped, and say so.
{%- endif %}
{%- if cookiecutter.database != "none" or cookiecutter.use_redis %}
{% endif %}"""

import html
{%- if cookiecutter.database == "mongodb" or cookiecutter.use_redis %}
import os
{%- endif %}
import re
{%- if cookiecutter.use_redis %}
import uuid
{%- endif %}

import pytest
{%- if cookiecutter.database is sql %}
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy_utils import create_database, database_exists, drop_database
{%- elif cookiecutter.database == "mongodb" %}
from pymongo.uri_parser import parse_uri
{%- endif %}

from {{ cookiecutter.package_name }}.app import create_app
{%- if cookiecutter.database is sql %}
from {{ cookiecutter.package_name }}.extensions import db
{%- elif cookiecutter.database == "mongodb" %}
from {{ cookiecutter.package_name }}.extensions import mongo
{%- endif %}
{%- if cookiecutter.database != "none" or cookiecutter.use_celery or cookiecutter.error_tracking == "sentry" %}

from config import settings
{%- endif %}
{%- if cookiecutter.database is sql %}


def database_url_for_tests(tmp_path_factory):
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
{%- elif cookiecutter.database == "mongodb" %}

MONGO_URL = os.environ.get("MONGO_URL")


def mongo_url_for_tests():
    """settings.MONGO_URL with "_test" added to the database name."""
    url = settings.MONGO_URL
    name = parse_uri(url)["database"]
    head, _, tail = url.partition(f"/{name}")
    return f"{head}/{name}_test{tail}"
{%- endif %}
{%- if cookiecutter.use_redis %}
{%- if cookiecutter.database != "none" %}{{ "\n" }}{% endif %}

REDIS_URL = os.environ.get("REDIS_URL")


def redis_settings():
    if not REDIS_URL:
        return {"CACHE_TYPE": "SimpleCache", "CACHE_OPTIONS": None}
    # A prefix{% if cookiecutter.use_celery %} and a task queue{% endif %} of this run's own: nothing collides.
    run = uuid.uuid4().hex[:12]
    return {
        "CACHE_KEY_PREFIX": f"test-{run}:",
{%- if cookiecutter.use_celery %}
        "CELERY": {**settings.CELERY, "task_default_queue": f"test-{run}"},
{%- endif %}
    }


@pytest.fixture
def redis_server():
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the tests that need Redis are skipped")
{%- endif %}
{%- if cookiecutter.database is sql %}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = database_url_for_tests(tmp_path_factory)
    if database_exists(url):
        drop_database(url)
    create_database(url)
    yield url
    drop_database(url)
{%- endif %}


{% if cookiecutter.error_tracking == "sentry" -%}
@pytest.fixture(scope="session", autouse=True)
def no_error_reports():
    """No test reports to the Sentry project that .env may name; the tests of
    error tracking point the DSN at a receiver of their own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "SENTRY_DSN", "")
        yield


{% endif -%}
@pytest.fixture
def own_cache():
    """Settings that give an app a cache of its own: nothing another app cached shows."""
{%- if cookiecutter.use_redis %}
    return redis_settings()
{%- else %}
    return {}
{%- endif %}


@pytest.fixture(scope="session")
def overrides({% if cookiecutter.database is sql %}database_url{% endif %}):
    """What every app under test overrides; a test may override more."""
    return {
        "TESTING": True,
{%- if cookiecutter is with_examples %}
        # The examples are on, as while developing; tests of production turn them off.
        "EXAMPLES_ENABLED": True,
{%- endif %}
{%- if cookiecutter.database is sql %}
        "SQLALCHEMY_DATABASE_URI": database_url,
{%- elif cookiecutter.database == "mongodb" %}
        "MONGO_URL": mongo_url_for_tests(),
{%- endif %}
{%- if cookiecutter.use_redis %}
        **redis_settings(),
{%- endif %}
{%- if cookiecutter.auth == "accounts" %}
        # Emails stay in memory. The rate limits have tests of their own; the
        # others never reach this one.
        "MAIL_BACKEND": "locmem",
        "RATELIMIT_STORAGE_URI": "memory://",
        "ACCOUNTS_RATE_LIMIT": "1000 per minute",
{%- endif %}
    }


@pytest.fixture(scope="session")
def app(overrides):
{%- if cookiecutter.database is sql %}
    app = create_app(overrides)
    command.upgrade(alembic_config(app), "head")
    yield app
    with app.app_context():
        db.engine.dispose()
{%- elif cookiecutter.database == "mongodb" %}
    app = create_app(overrides)
    yield app
    if MONGO_URL:
        with app.app_context():
            mongo.client.drop_database(mongo.db.name)
{%- else %}
    return create_app(overrides)
{%- endif %}
{%- if cookiecutter.database == "mongodb" %}


@pytest.fixture
def mongo_server():
    if not MONGO_URL:
        pytest.skip("MONGO_URL is not set: the tests that need MongoDB are skipped")
{%- endif %}


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_token():
    """Reads the CSRF token of a test client's session from the home page's
    <meta name="csrf-token">, as the page's JavaScript does."""

    def read(client):
        page = client.get("/").get_data(as_text=True)
        match = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
        assert match, "the layout has no csrf-token meta tag"
        return html.unescape(match[1])

    return read


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
{%- if cookiecutter.database is sql %}


@pytest.fixture
def unreachable_database_url(database_url):
    """A URL of the same kind as the test database that cannot be reached."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "sqlite:////nonexistent-folder/unreachable.sqlite3"
    # Port 1 on the loopback interface: nothing listens there.
    return url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)


@pytest.fixture
def app_without_database(overrides, unreachable_database_url):
    return create_app(
        {
            **overrides,
{%- if cookiecutter.use_redis %}
            # A cache of its own: nothing the other apps cached can hide the outage.
            **redis_settings(),
{%- endif %}
            "SQLALCHEMY_DATABASE_URI": unreachable_database_url,
        }
    )
{%- elif cookiecutter.database == "mongodb" %}


@pytest.fixture
def app_without_database(overrides):
    # Port 1 on the loopback interface: nothing listens there.
    return create_app(
        {
            **overrides,
{%- if cookiecutter.use_redis %}
            # A cache of its own: nothing the other apps cached can hide the outage.
            **redis_settings(),
{%- endif %}
            "MONGO_URL": "mongodb://127.0.0.1:1/unreachable",
            "MONGO_TIMEOUT_MS": 200,
        }
    )
{%- endif %}
{%- if cookiecutter.use_redis %}


@pytest.fixture
def app_without_redis(overrides):
    # Port 1 on the loopback interface: nothing listens there.
    unreachable = "redis://127.0.0.1:1/0"
{%- if cookiecutter.database is sql %}
    app = create_app(
{%- else %}
    return create_app(
{%- endif %}
        {
            **overrides,
            "REDIS_URL": unreachable,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": unreachable,
        }
    )
{%- if cookiecutter.database is sql %}
    yield app
    with app.app_context():
        db.engine.dispose()
{%- endif %}
{%- endif %}
{%- if cookiecutter is with_examples %}


@pytest.fixture
def production_app(overrides):
    """The app as production runs it: the examples off."""
{%- if cookiecutter.database is sql %}
    app = create_app({**overrides, "EXAMPLES_ENABLED": False})
    yield app
    with app.app_context():
        db.engine.dispose()
{%- else %}
    return create_app({**overrides, "EXAMPLES_ENABLED": False})
{%- endif %}
{%- endif %}
