"""User accounts (auth=accounts) against the real servers, with real email.

Slow. For each database that runs here (PostgreSQL with Redis counting the
rate limits, MariaDB and SQLite with them in memory): the project's own suite
passes against the real server, `./run release` creates the users table, and
under gunicorn as in production a person signs up, logs out, logs in, asks for
a password reset; the email arrives at an SMTP server this test runs on
127.0.0.1, and its link sets a new password that then logs in (once). Then,
with ACCOUNTS_CONFIRM_EMAIL=1, a new user is refused at log-in until the link
of the confirmation email that arrives there is followed.

MongoDB: no server can be installed here. Its variant installs and passes the
tests that need no server; the rest are skipped, saying so. With MONGO_URL set,
the whole flow runs against that server too.
"""

import pytest

from tests.support.accounts import (
    reset_by_email,
    sign_up_confirm_log_in,
    sign_up_log_out_log_in,
)
from tests.support.baking import bake
from tests.support.runners import gunicorn, own_suite, project_env, run
from tests.support.servers import DATABASES, redis_url, throwaway_database
from tests.support.smtp import smtp_sink
from tests.support.venvs import venv_for

pytestmark = pytest.mark.slow

MONGODB = DATABASES["mongodb"]
RUNS = [
    {"database": "postgresql", "use_redis": True},
    {"database": "mysql", "use_redis": False},
    {"database": "sqlite", "use_redis": False},
]


def bake_accounts(cookies, **answers):
    project = bake(cookies, auth="accounts", frontend="none", css="plain", **answers)
    venv_for(project)
    return project


def check_the_whole_flow(project, env):
    run("./run", "release", cwd=project, env=project_env(project, **env), check=True)
    with smtp_sink() as (inbox, port):
        mail = {"MAIL_URL": f"smtp://127.0.0.1:{port}"}
        with gunicorn(project, **env, **mail) as (base, _):
            sign_up_log_out_log_in(base, "ada@example.com")
            link = reset_by_email(base, "ada@example.com", inbox)
            assert link.startswith(base), link
        with gunicorn(project, **env, **mail, ACCOUNTS_CONFIRM_EMAIL="1") as (base, _):
            link = sign_up_confirm_log_in(base, "grace@example.com", inbox)
            assert link.startswith(base), link


@pytest.mark.parametrize("variant", RUNS, ids=[v["database"] for v in RUNS])
def test_accounts_against_the_real_database_and_smtp(cookies, variant):
    project = bake_accounts(cookies, **variant)
    env = {"REDIS_URL": redis_url()} if variant["use_redis"] else {}
    with throwaway_database(project, variant["database"], project_env(project)) as url:
        env |= url
        own_suite(project, **env)
        check_the_whole_flow(project, env)


def test_mongodb_accounts_without_a_server(cookies):
    own_suite(bake_accounts(cookies, database="mongodb"), allowed_skip="MONGO_URL is not set")


@pytest.mark.skipif(
    MONGODB.no_server is not None,
    reason=f"{MONGODB.no_server}, so the MongoDB accounts (users collection, flow) did not run",
)
def test_mongodb_accounts_against_a_real_server(cookies):
    project = bake_accounts(cookies, database="mongodb")
    env = {"MONGO_URL": MONGODB.admin_url}
    own_suite(project, **env)
    check_the_whole_flow(project, env)
