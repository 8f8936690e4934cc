"""The example Celery task: in the app context, eagerly and through a real worker."""

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
def test_a_worker_runs_the_task_started_by_the_route(app, client):
    celery_app = app.extensions["celery"]
    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        response = client.post("/tasks/hello", data={"name": "Grace"})
        assert response.status_code == 202
        task_id = response.json["id"]
        assert response.headers["Location"] == f"/tasks/{task_id}"
        result = celery_app.AsyncResult(task_id)
        assert result.get(timeout=30) == f"Hello Grace, from {app.config['APP_NAME']}!"
    status = client.get(f"/tasks/{task_id}").json
    assert status["state"] == "SUCCESS"
    assert status["result"] == result.result
