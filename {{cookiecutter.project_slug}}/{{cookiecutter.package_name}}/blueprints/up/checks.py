"""One check per backing service; each raises when its service does not answer."""
{%- if cookiecutter.use_redis %}

from flask import current_app
{%- endif %}
{%- if cookiecutter.database is sql %}
{%- if not cookiecutter.use_redis %}{{ "\n" }}{% endif %}
from sqlalchemy import text
{%- endif %}
{%- if cookiecutter.database is sql %}

from {{ cookiecutter.package_name }}.extensions import {% if cookiecutter.database == "postgresql" %}read_connection{% else %}db{% endif %}
{%- elif cookiecutter.database == "mongodb" %}

from {{ cookiecutter.package_name }}.extensions import mongo
{%- endif %}
{%- if cookiecutter.database is sql %}


def database():
    with {% if cookiecutter.database == "postgresql" %}read_connection(){% else %}db.engine.connect(){% endif %} as connection:
        connection.execute(text("SELECT 1"))
{%- elif cookiecutter.database == "mongodb" %}


def database():
    mongo.client.admin.command("ping")
{%- endif %}
{%- if cookiecutter.use_redis %}


def redis():
    current_app.extensions["redis"].ping()
{%- endif %}
{%- if cookiecutter.database != "none" or cookiecutter.use_redis %}


CHECKS = {
{%- if cookiecutter.database != "none" %}
    "database": database,
{%- endif %}
{%- if cookiecutter.use_redis %}
    "redis": redis,
{%- endif %}
}
{%- else %}

# Add a check here for each backing service the app comes to rely on.
CHECKS = {}
{%- endif %}
