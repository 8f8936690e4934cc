"""The examples, on while developing (FLASK_DEBUG=1) and off in production unless
EXAMPLES_ENABLED=1 (config/settings.py). Off, their routes are not registered and
answer 404. The README's "Deleting the examples" lists what to remove to drop
them for good. They are:
{%- if cookiecutter is with_demo %}
- the frontend demo (/demo/...).
{%- endif %}
{%- if cookiecutter.use_celery %}
- the example task's endpoint, /tasks/..., and its hourly job in the beat
  schedule, which celery beat never sends while the examples are off.
{%- endif %}
"""
{% if cookiecutter is with_demo %}
from {{ cookiecutter.package_name }}.blueprints.demo import demo
{%- endif %}
{%- if cookiecutter.use_celery %}
from {{ cookiecutter.package_name }}.blueprints.tasks import tasks

# The example job: celery beat sends it every hour.
EXAMPLE_BEAT_SCHEDULE = {
    "hello-every-hour": {
        "task": "{{ cookiecutter.package_name }}.tasks.say_hello",
        "schedule": 60 * 60,
        "args": ["the scheduler"],
    },
}
{%- endif %}


def init_examples(app):
    if not app.config["EXAMPLES_ENABLED"]:
        return
{%- if cookiecutter is with_demo %}
    app.register_blueprint(demo)
{%- endif %}
{%- if cookiecutter.use_celery %}
    app.register_blueprint(tasks)
    celery_conf = app.extensions["celery"].conf
    # A new dict: settings.CELERY["beat_schedule"] stays as written.
    celery_conf.beat_schedule = {**celery_conf.beat_schedule, **EXAMPLE_BEAT_SCHEDULE}
{%- endif %}
