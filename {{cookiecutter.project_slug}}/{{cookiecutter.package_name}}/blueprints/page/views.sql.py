from flask import Blueprint, current_app, render_template
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Note, note_titles

page = Blueprint("page", __name__, template_folder="templates")


@page.get("/")
def home():
    try:
        notes = note_titles()
    except SQLAlchemyError as error:
        # The page stays up when the database is not; /up reports the failure.
        current_app.logger.warning("Could not load notes: %s", error.__class__.__name__)
        return render_template(
            "page/home.html", notes=None, missing_tables=tables_missing()
        )
    return render_template("page/home.html", notes=notes)


def tables_missing():
    """True when the database answers but has no notes table: no migration ran.

    /up only connects, so it reports such a database as ok; the page says
    what is missing instead of blaming the connection.
    """
    try:
        return not inspect(db.engine).has_table(Note.__tablename__)
    except SQLAlchemyError:
        return False
