from flask import Blueprint, current_app, render_template
from pymongo.errors import PyMongoError

from {{ cookiecutter.package_name }}.notes import note_titles

page = Blueprint("page", __name__, template_folder="templates")


@page.get("/")
def home():
    try:
        notes = note_titles()
    except PyMongoError as error:
        # The page stays up when the database is not; /up reports the failure.
        current_app.logger.warning("Could not load notes: %s", error.__class__.__name__)
        notes = None
    return render_template("page/home.html", notes=notes)
