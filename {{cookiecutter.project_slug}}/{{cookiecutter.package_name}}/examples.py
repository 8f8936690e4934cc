{%- set demo = cookiecutter.frontend != "none" -%}
"""The examples: {% if demo %}the frontend demo (/demo/...){% endif %}{% if demo and cookiecutter.use_celery %}, {% endif %}{% if cookiecutter.use_celery %}the example task's endpoint
(/tasks/...) and its hourly job in the beat schedule{% endif %}.

They are on while developing (FLASK_DEBUG=1) and off in production unless
EXAMPLES_ENABLED=1 (config/settings.py): off, their routes are not registered
and answer 404{% if cookiecutter.use_celery %}, and celery beat never sends the example job{% endif %}. The README's
"Deleting the examples" lists what to remove to drop them for good.
"""
{% if demo %}
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
{%- if demo %}
    app.register_blueprint(demo)
{%- endif %}
{%- if cookiecutter.use_celery %}
    app.register_blueprint(tasks)
    celery_conf = app.extensions["celery"].conf
    # A new dict: settings.CELERY["beat_schedule"] stays as written.
    celery_conf.beat_schedule = {**celery_conf.beat_schedule, **EXAMPLE_BEAT_SCHEDULE}
{%- endif %}
