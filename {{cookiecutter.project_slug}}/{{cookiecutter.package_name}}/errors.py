"""Error pages that never depend on a backing service being up."""

from flask import render_template, request


def wants_json():
    """The client sent JSON or prefers it to HTML (Accept: application/json)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def render_error(error):
    # Flask hands unhandled exceptions here as InternalServerError, after
    # logging them, and only once the debugger has had its chance. A refused
    # CSRF token arrives as a 400 whose description says what was wrong.
    if wants_json():
        return {"error": error.name, "message": error.description}, error.code
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    return render_template(template, error=error), error.code
