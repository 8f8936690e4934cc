"""Error pages that never depend on a backing service being up."""

from flask import current_app, render_template, request
from flask.globals import request_ctx


def wants_json():
    """The client sent JSON or prefers it to HTML (Accept: application/json)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def render_error(error):
    if request_ctx.url_adapter is None:
        # A Host header outside TRUSTED_HOSTS leaves the request without URLs to
        # build. The page's links are paths, so a trusted name builds them.
        request_ctx.url_adapter = current_app.url_map.bind(
            "localhost", script_name=request.root_path
        )
    # Flask hands unhandled exceptions here as InternalServerError, after
    # logging them, and only once the debugger has had its chance. A refused
    # CSRF token arrives as a 400 whose description says what was wrong.
    # The exception's own headers come along (Allow on a 405, Retry-After, ...),
    # but not its Content-Type: the body is this page, or JSON.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if wants_json():
        return {"error": error.name, "message": error.description}, error.code, headers
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    return render_template(template, error=error), error.code, headers
