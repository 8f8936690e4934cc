"""The frontend demo's JSON endpoint, fetched by the component on the home page."""

from datetime import UTC, datetime

from flask import Blueprint, current_app

demo = Blueprint("demo", __name__, template_folder="templates", url_prefix="/demo")


@demo.get("/server-info")
def server_info():
    return {
        "message": f"Hello from {current_app.config['APP_NAME']}",
        "served_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
