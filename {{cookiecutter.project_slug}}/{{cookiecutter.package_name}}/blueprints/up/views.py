"""GET /up: 200 when the app and every backing service answer, 503 otherwise."""

from flask import Blueprint, current_app

from {{ cookiecutter.package_name }}.blueprints.up.checks import CHECKS

up = Blueprint("up", __name__)


@up.get("/up")
def index():
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means the service is unusable
            current_app.logger.warning("Health check %s failed: %r", name, error)
            results[name] = f"failed: {type(error).__name__}"
        else:
            results[name] = "ok"
    failed = sorted(name for name, result in results.items() if result != "ok")
    status = 503 if failed else 200
    body = {
        "status": "ok" if not failed else "failing",
        "failed": failed,
        "checks": results,
    }
    return body, status, {"Cache-Control": "no-store"}
