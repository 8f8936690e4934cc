"""The Hotwire demo: a second page that Turbo Drive navigates to."""

from flask import Blueprint, render_template

demo = Blueprint("demo", __name__, template_folder="templates", url_prefix="/demo")


@demo.get("/second-page")
def second_page():
    return render_template("demo/second_page.html")
