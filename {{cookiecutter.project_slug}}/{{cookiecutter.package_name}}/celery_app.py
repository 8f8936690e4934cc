"""Celery, wired to the Flask app: every task runs inside an app context.

`celery --app {{ cookiecutter.package_name }}.worker:celery_app worker` (the worker
service in compose.yaml) builds the Flask app first, which calls init_celery().
"""

from celery import Celery, Task


def init_celery(app):
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(
        app.import_name,
        task_cls=FlaskTask,
        include=["{{ cookiecutter.package_name }}.tasks"],
    )
    celery_app.config_from_object(app.config["CELERY"])
    # shared_task() binds to this app, so tasks.py needs no import of it.
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
