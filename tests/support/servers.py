"""The real servers the tests talk to, and what each database value means to them.

One environment variable per server: TEST_POSTGRES_URL, TEST_MARIADB_URL,
TEST_REDIS_URL, and MONGO_URL for a MongoDB server, which this machine cannot
have. DATABASES is the one table of everything the tests know per database
value: a new value adds one row here.
"""

import contextlib
import dataclasses
import os
import subprocess
import uuid

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
MARIADB_URL = os.environ.get("TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
MONGO_URL = os.environ.get("MONGO_URL")
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@dataclasses.dataclass(frozen=True)
class Database:
    # The URL of a server to make throwaway databases on (None: a file, or no server here).
    admin_url: str | None = None
    # The setting that points the app at it, and a value where nothing answers.
    url_setting: str = "DATABASE_URL"
    unreachable: dict = dataclasses.field(default_factory=dict)
    # The secret the post-generation hook writes into .env for its compose service.
    password: str | None = None
    # The Python driver the project pins for it (None: none, or the standard library's).
    driver: str | None = None
    # Render's Blueprint creates it as a managed database.
    managed_on_render: bool = False
    # More words (besides the value itself) that betray it in a project without it.
    terms: frozenset = frozenset()
    # Other databases' projects may name it (PostgreSQL's falls back to SQLite), so
    # only their dependencies, services and paths must not.
    named_by_others: bool = False
    # Why its compose service cannot start here (no honest stand-in image), if so.
    no_standin: str | None = None
    # Why no server of it runs here, if so.
    no_server: str | None = None

    @property
    def skips_without_server(self):
        """What the project's own suite says when it skips a test for want of a server."""
        return f"{self.url_setting} is not set" if self.no_server else None

    @property
    def serves_here(self):
        """It runs for real on this machine: a file, or a reachable server."""
        return self.no_server is None and bool(self.unreachable)


DATABASES = {
    "postgresql": Database(
        admin_url=POSTGRES_URL,
        unreachable={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing"},
        password="POSTGRES_PASSWORD",
        driver="psycopg",
        managed_on_render=True,
        terms=frozenset({"postgres", "psycopg"}),
    ),
    "sqlite": Database(
        named_by_others=True,
        unreachable={"DATABASE_URL": "sqlite:////nonexistent-folder/unreachable.sqlite3"},
    ),
    "mysql": Database(
        admin_url=MARIADB_URL,
        unreachable={"DATABASE_URL": "mysql://nobody@127.0.0.1:1/nothing"},
        password="MYSQL_PASSWORD",
        driver="pymysql",
        terms=frozenset({"mariadb", "pymysql"}),
    ),
    "mongodb": Database(
        admin_url=MONGO_URL,
        url_setting="MONGO_URL",
        unreachable={"MONGO_URL": "mongodb://127.0.0.1:1/nothing", "MONGO_TIMEOUT_MS": "300"},
        password="MONGO_PASSWORD",
        driver="pymongo",
        terms=frozenset({"mongo", "pymongo"}),
        no_standin=(
            "no mongo:8 stand-in: Debian does not package MongoDB and no container "
            "registry is reachable, so the MongoDB stack cannot start here"
        ),
        no_server=None if MONGO_URL else "MONGO_URL is not set: no MongoDB server on this machine",
    ),
    "none": Database(),
}


def redis_url():
    """A Redis database index of its own (1-15; 0 is left to people)."""
    return f"{REDIS_URL}/{uuid.uuid4().int % 15 + 1}"


@contextlib.contextmanager
def throwaway_database(project, database, env):
    """{setting: url} of a fresh, uniquely named database for the project, dropped afterwards.

    Created and dropped with the project's own drivers (sqlalchemy_utils through
    its config.settings); SQLite keeps its default file in the project's
    instance/, and MongoDB creates databases on first write.
    """
    spec = DATABASES[database]
    if spec.admin_url is None or database == "mongodb":
        yield {spec.url_setting: spec.admin_url} if spec.admin_url else {}
        return
    url = {spec.url_setting: f"{spec.admin_url}/t_{uuid.uuid4().hex[:12]}"}
    code = (
        "import sys, sqlalchemy_utils as u; from config import settings;"
        " getattr(u, sys.argv[1])(settings.SQLALCHEMY_DATABASE_URI)"
    )

    def call(function, check):
        result = subprocess.run(
            [str(project / ".venv/bin/python"), "-c", code, function],
            cwd=project,
            env={**env, **url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert not check or result.returncode == 0, result.stderr

    call("create_database", check=True)
    try:
        yield url
    finally:
        call("drop_database", check=False)
