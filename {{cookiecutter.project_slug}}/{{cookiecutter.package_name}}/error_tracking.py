"""Error tracking with Sentry: unhandled errors are reported with their traceback.

Every setting comes from the environment (see config/settings.py). While
SENTRY_DSN is empty the SDK is never started: nothing is sent, nothing changes.
create_app() starts it in every process that builds the app.
{%- if cookiecutter.use_celery %} The Celery worker
and scheduler build one too (worker.py), so failed tasks are reported as well.
{%- endif %}
"""

import sentry_sdk
{%- if cookiecutter.use_celery %}
from sentry_sdk.integrations.celery import CeleryIntegration
{%- endif %}
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.scrubber import EventScrubber
from sentry_sdk.utils import BadDsn


def init_error_tracking(app):
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    try:
        sentry_sdk.init(
            dsn=dsn,
            environment=app.config["SENTRY_ENVIRONMENT"],
            release=app.config["SENTRY_RELEASE"],
            traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
            # No personal data: the SDK leaves out cookies and the Authorization
            # header by itself; request bodies hold whatever users typed, and the
            # recursive scrubber also blanks the client's address (REMOTE_ADDR)
            # inside the frames' local variables, such as the WSGI environ.
            max_request_body_size="never",
            event_scrubber=EventScrubber(recursive=True),
{%- if cookiecutter.use_celery %}
            integrations=[FlaskIntegration(), CeleryIntegration()],
{%- else %}
            integrations=[FlaskIntegration()],
{%- endif %}
        )
    except BadDsn as error:
        raise ValueError(
            f"SENTRY_DSN is not a Sentry DSN ({error}): copy it from the Sentry"
            " project's Settings > Client Keys (DSN), or leave it empty to turn"
            " error tracking off."
        ) from error
