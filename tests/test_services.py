"""Each database that can run here, with and without Redis and Celery, against the
real servers.

Slow: every variant is linked to the virtual environment of its own pins (one
per distinct set, shared). For each variant: the project's own test suite
passes against the real PostgreSQL, MariaDB and Redis of this machine (no test
of it skipped); `./run release` migrates and adds no example records, and
gunicorn, as in production, serves / (saying there are no notes yet) and /up
with the demo and the example task's route off (404); `./run db seed` then adds
the examples, and with EXAMPLES_ENABLED=1 the demo answers; with a service
pointed at a port where nothing listens /up answers 503 naming it while /
still answers. With Celery, a worker started here runs a task that the example
route (EXAMPLES_ENABLED=1) enqueued, through the real Redis.

MongoDB: no server can be installed here. Without MONGO_URL the variant still
installs, passes the tests that need no server, and proves the outage path
(503 naming the database) under gunicorn; its server-backed tests are skipped
with the reason printed. With MONGO_URL set, they run.
"""

import json
import uuid

import pytest

from tests.support import variants
from tests.support.baking import bake
from tests.support.runners import (
    EXAMPLES_ON,
    NO_NOTES,
    NOT_SEEDED,
    SEEDED_NOTE,
    background,
    check_a_task_round_trips,
    check_examples,
    expected_checks,
    get,
    gunicorn,
    own_suite,
    project_env,
    run,
)
from tests.support.servers import DATABASES, UNREACHABLE_REDIS, redis_url, throwaway_database
from tests.support.venvs import venv_for

pytestmark = pytest.mark.slow

RUNS = variants.services_runs()
MONGODB = DATABASES["mongodb"]
WORKER = ["./run", "worker", "--pool", "solo", "--without-heartbeat", "--without-gossip"]


def task(project, *args, **env):
    """The output of `./run <args>` in the project, which must succeed."""
    result = run(
        "./run", *args, cwd=project, env=project_env(project, **env), timeout=120, check=True
    )
    return result.stdout + result.stderr


def fresh_cache(variant):
    """A cache prefix of its own, so that no list cached before a step hides it."""
    return {"CACHE_KEY_PREFIX": f"{uuid.uuid4().hex[:8]}:"} if variant["use_redis"] else {}


@pytest.mark.parametrize("variant", RUNS, ids=variants.ids(RUNS))
def test_variant_against_the_real_servers(cookies, variant):
    project = bake(cookies, **variant)
    venv_for(project)
    env = {"REDIS_URL": redis_url()} if variant["use_redis"] else {}
    with throwaway_database(project, variant["database"], project_env(project)) as url:
        env |= url
        own_suite(project, **env)
        assert NOT_SEEDED in task(project, "release", **env)
        with gunicorn(project, **env, **fresh_cache(variant)) as (base, _):
            status, home = get(f"{base}/")
            assert status == 200 and NO_NOTES in home and SEEDED_NOTE not in home, home
            status, body = get(f"{base}/up")
            assert (status, json.loads(body)["checks"]) == (200, expected_checks(variant))
            check_examples(base, variant, enabled=False)

        assert "Added 3 example notes." in task(project, "db", "seed", **env)
        with gunicorn(project, **env, **EXAMPLES_ON, **fresh_cache(variant)) as (base, _):
            status, home = get(f"{base}/")
            assert status == 200 and SEEDED_NOTE in home, home
            check_examples(base, variant, enabled=True)
            if variant["use_celery"]:
                with background(project, WORKER, project / "worker.log", **env) as worker:
                    check_a_task_round_trips(base)
                    assert worker.poll() is None, (project / "worker.log").read_text()

        outages = {"database": DATABASES[variant["database"]].unreachable}
        if variant["use_redis"]:
            outages["redis"] = {"REDIS_URL": UNREACHABLE_REDIS}
        for name, broken in outages.items():
            with gunicorn(project, **{**env, **broken}) as (base, _):
                status, body = get(f"{base}/up")
                assert status == 503 and json.loads(body)["failed"] == [name], body
                assert get(f"{base}/")[0] == 200


def test_mongodb_variant_without_a_server(cookies):
    """What needs no MongoDB server: install, own suite (server tests skip), outage."""
    project = bake(cookies, database="mongodb", use_redis=True)
    venv_for(project)
    env = {"REDIS_URL": redis_url()}
    own_suite(project, allowed_skip="MONGO_URL is not set", **env)
    with gunicorn(project, **env, **MONGODB.unreachable) as (base, _):
        status, body = get(f"{base}/up")
        assert status == 503 and json.loads(body)["failed"] == ["database"], body
        status, home = get(f"{base}/")
        assert status == 200 and 'id="db-unavailable"' in home


@pytest.mark.skipif(
    MONGODB.no_server is not None,
    reason=f"{MONGODB.no_server}, so the MongoDB-backed tests (own suite, seed, serve) did not run",
)
def test_mongodb_variant_against_a_real_server(cookies):
    project = bake(cookies, database="mongodb", use_redis=True)
    venv_for(project)
    env = {"REDIS_URL": redis_url(), "MONGO_URL": MONGODB.admin_url}
    own_suite(project, **env)
    assert NOT_SEEDED in task(project, "release", **env)
    assert "Added 3 example notes." in task(project, "db", "seed", **env)
    with gunicorn(project, **env, **fresh_cache({"use_redis": True})) as (base, _):
        assert get(f"{base}/up")[0] == 200
        assert SEEDED_NOTE in get(f"{base}/")[1]
