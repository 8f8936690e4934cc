"""The htmx demo: an HTML fragment that htmx swaps into the home page."""

from datetime import UTC, datetime

from flask import Blueprint, render_template

demo = Blueprint("demo", __name__, template_folder="templates", url_prefix="/demo")


@demo.get("/greeting")
def greeting():
    return render_template("demo/greeting.html", now=datetime.now(UTC))
