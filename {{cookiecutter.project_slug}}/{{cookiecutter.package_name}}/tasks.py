"""Background jobs. Each runs in a worker, inside an app context."""

from celery import shared_task
from flask import current_app


@shared_task(ignore_result=False)
def say_hello(name):
    """The example task: its answer shows it ran with the app's settings."""
    current_app.logger.info("Saying hello to %s", name)
    return f"Hello {name}, from {current_app.config['APP_NAME']}!"
