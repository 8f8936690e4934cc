"""The example Celery task: in the app context, eagerly and through a real worker;
its route and scheduled job only while the examples are on."""

import logging

import pytest
from celery.contrib.testing.worker import start_worker

from {{ cookiecutter.package_name }}.log import FORMATTERS
from {{ cookiecutter.package_name }}.tasks import say_hello


def test_the_task_runs_inside_the_app_context(app):
    result = say_hello.apply(args=["Ada"])
    assert result.get() == f"Hello Ada, from {app.config['APP_NAME']}!"


def test_the_task_logs_a_name_from_a_request_on_one_line(app, caplog):
    forged = "Ada\n2025-01-01 00:00:00,000 ERROR [auth] forged"
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        say_hello.apply(args=[forged])
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    line = logging.Formatter(FORMATTERS["text"]["format"]).format(record)
    assert len(line.splitlines()) == 1
    assert repr(forged) in line


@pytest.mark.usefixtures("redis_server")
def test_a_worker_runs_the_task_started_by_the_route(app, client, csrf_token):
    celery_app = app.extensions["celery"]
    headers = {"X-CSRFToken": csrf_token(client)}
    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        response = client.post("/tasks/hello", data={"name": "Grace"}, headers=headers)
        assert response.status_code == 202
        task_id = response.json["id"]
        assert response.headers["Location"] == f"/tasks/{task_id}"
        result = celery_app.AsyncResult(task_id)
        assert result.get(timeout=30) == f"Hello Grace, from {app.config['APP_NAME']}!"
    status = client.get(f"/tasks/{task_id}").json
    assert status["state"] == "SUCCESS"
    assert status["result"] == result.result


def test_the_example_job_is_scheduled_while_the_examples_are_on(app):
    job = app.extensions["celery"].conf.beat_schedule["hello-every-hour"]
    assert job["task"] == say_hello.name


def test_the_route_and_the_example_job_are_off_in_production(production_app):
    response = production_app.test_client().post("/tasks/hello", data={"name": "Eve"})
    assert response.status_code == 404
    assert production_app.extensions["celery"].conf.beat_schedule == {}


def test_starting_a_task_needs_the_csrf_token(client):
    response = client.post("/tasks/hello", json={"name": "Grace"})
    assert response.status_code == 400
    assert response.json["message"] == "The CSRF token is missing."
