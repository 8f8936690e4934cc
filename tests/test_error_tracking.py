"""error_tracking=sentry for real: errors of the running app reach Sentry.

Slow. A project with Celery is baked and linked to the environment of its pins;
gunicorn serves it as in production and a real Celery worker runs its tasks
through the real Redis, with SENTRY_DSN pointing at an envelope receiver on
127.0.0.1 (tests/support/envelopes.py). The project has no route or task that
fails on purpose, and must not: the test writes one module into its throwaway
bake, `failing.py`, that adds a failing route to the app of the project's own
create_app() and defines a failing task, which the project's own worker entry
(`./run worker`) imports with --include. What arrives must name the exception,
the environment and the release (the name and version in pyproject.toml).
Without SENTRY_DSN the same app answers the failing route with its 500 page
and goes on.
"""

import tomllib

import pytest

from tests.support.baking import bake, package_of
from tests.support.envelopes import ENVELOPE_PATH, envelope_receiver
from tests.support.runners import background, get, gunicorn
from tests.support.servers import redis_url
from tests.support.venvs import venv_for

pytestmark = pytest.mark.slow

VARIANT = {"error_tracking": "sentry", "database": "none", "use_redis": True, "use_celery": True}
WORKER = ["./run", "worker", "--pool", "solo", "--without-heartbeat", "--without-gossip"]
VIEW_ERROR = "Unhandled in a view"
TASK_ERROR = "Unhandled in a task"

FAILING = f'''"""Written by the template's tests into a throwaway bake: the project's app
with a route that fails, and a task that fails."""

from celery import shared_task

from {{package}}.app import create_app


@shared_task
def fail_in_a_task():
    raise RuntimeError("{TASK_ERROR}")


def fail_in_a_view():
    raise RuntimeError("{VIEW_ERROR}")


def start_a_failing_task():
    fail_in_a_task.delay()
    return "", 202


def app_that_fails():
    app = create_app()
    app.add_url_rule("/fail", view_func=fail_in_a_view)
    app.add_url_rule("/fail-in-a-task", view_func=start_a_failing_task)
    return app
'''


@pytest.fixture(scope="module")
def project(cookies_session):
    project = bake(cookies_session, **VARIANT)
    venv_for(project)
    (project / "failing.py").write_text(FAILING.format(package=package_of(project).name))
    return project


def release_of(project):
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    return f"{metadata['name']}@{metadata['version']}"


def the_exception(event):
    """(type, message, mechanism) of an event's one exception; None for a message."""
    if "exception" not in event:
        return None
    [exception] = event["exception"]["values"]
    return exception["type"], exception["value"], exception["mechanism"]


def test_errors_of_requests_and_tasks_reach_sentry(project):
    env = {"REDIS_URL": redis_url()}
    with envelope_receiver() as sentry:
        env["SENTRY_DSN"] = sentry.dsn
        app = "failing:app_that_fails()"
        with (
            gunicorn(project, app=app, **env) as (base, _),
            background(project, [*WORKER, "--include", "failing"], project / "worker.log", **env),
        ):
            assert get(f"{base}/fail")[0] == 500
            assert get(f"{base}/fail-in-a-task")[0] == 202
            view = sentry.event("the view", lambda e: VIEW_ERROR in (the_exception(e) or ()))
            task = sentry.event("the task", lambda e: TASK_ERROR in (the_exception(e) or ()))
            assert get(f"{base}/up")[0] == 200, "the app stopped answering"

        assert the_exception(view) == (
            "RuntimeError", VIEW_ERROR, {"type": "flask", "handled": False}
        )  # fmt: skip
        assert view["request"]["url"] == f"{base}/fail"
        assert the_exception(task) == (
            "RuntimeError", TASK_ERROR, {"type": "celery", "handled": False}
        )  # fmt: skip
        assert task["transaction"] == "failing.fail_in_a_task"
        for event in (view, task):
            # FLASK_DEBUG is unset, as in production.
            assert event["environment"] == "production"
            assert event["release"] == release_of(project)
        assert {path for path, _ in sentry.posts} == {ENVELOPE_PATH}
        assert all("sentry_key=public" in auth for _, auth in sentry.posts)


def test_without_a_dsn_the_app_still_answers(project):
    """The SDK is not started (the project's own tests check that in process):
    the failing route gets the app's own 500 page, and the app goes on."""
    with gunicorn(project, app="failing:app_that_fails()", REDIS_URL=redis_url()) as (base, _):
        assert get(f"{base}/fail")[0] == 500
        assert get(f"{base}/up")[0] == 200
