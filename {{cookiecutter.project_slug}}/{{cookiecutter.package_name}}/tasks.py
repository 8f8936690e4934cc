"""Background jobs. Each runs in a worker, inside an app context."""

from celery import shared_task
from flask import current_app


@shared_task(ignore_result=False)
def say_hello(name):
    """The example task: its answer shows it ran with the app's settings."""
    # %r: the name comes from a request, and a newline in it must not start a
    # log line of its own.
    current_app.logger.info("Saying hello to %r", name)
    return f"Hello {name}, from {current_app.config['APP_NAME']}!"
