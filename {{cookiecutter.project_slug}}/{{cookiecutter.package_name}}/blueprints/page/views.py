{%- if cookiecutter.database == "none" -%}
from flask import Blueprint, render_template
{%- if cookiecutter.use_redis %}

from {{ cookiecutter.package_name }}.extensions import cache
{%- endif %}

page = Blueprint("page", __name__)


@page.get("/")
{%- if cookiecutter.use_redis %}
@cache.cached(timeout=60)
{%- endif %}
def home():
    return render_template("page/home.html")
{%- else -%}
from flask import Blueprint, current_app, render_template
{%- if cookiecutter.database is sql %}
from sqlalchemy.exc import SQLAlchemyError

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import note_titles
{%- else %}
from pymongo.errors import PyMongoError

from {{ cookiecutter.package_name }}.notes import note_titles
{%- endif %}

page = Blueprint("page", __name__, template_folder="templates")


@page.get("/")
def home():
    try:
        notes = note_titles()
    except {% if cookiecutter.database is sql %}SQLAlchemyError{% else %}PyMongoError{% endif %} as error:
        # The page stays up when the database is not; /up reports the failure.
        current_app.logger.warning("Could not load notes: %s", error.__class__.__name__)
{%- if cookiecutter.database is sql %}
        db.session.rollback()
{%- endif %}
        notes = None
    return render_template("page/home.html", notes=notes)
{%- endif %}
