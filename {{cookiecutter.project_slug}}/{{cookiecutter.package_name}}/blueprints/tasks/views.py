"""Start the example task and look up its result, e.g. with curl (a POST carries
the CSRF token of its session, which a page's <meta name="csrf-token"> holds):

curl -c cookies.txt -s http://127.0.0.1:8000/ | grep csrf-token
curl -b cookies.txt -H "X-CSRFToken: <token>" -d name=Ada http://127.0.0.1:8000/tasks/hello
curl http://127.0.0.1:8000/tasks/<id>
"""

from flask import Blueprint, current_app, request, url_for

from {{ cookiecutter.package_name }}.tasks import say_hello

tasks = Blueprint("tasks", __name__, url_prefix="/tasks")


@tasks.post("/hello")
def start_hello():
    name = request.form.get("name", "world")[:100]
    result = say_hello.delay(name)
    location = url_for("tasks.status", task_id=result.id)
    return {"id": result.id, "url": location}, 202, {"Location": location}


@tasks.get("/<task_id>")
def status(task_id):
    result = current_app.extensions["celery"].AsyncResult(task_id)
    body = {"id": task_id, "state": result.state, "ready": result.ready()}
    if result.successful():
        body["result"] = result.result
    return body, 200, {"Cache-Control": "no-store"}
