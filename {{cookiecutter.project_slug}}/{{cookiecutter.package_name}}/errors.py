"""Error pages that never depend on a backing service being up."""

from flask import current_app, render_template, request
from flask.globals import request_ctx


def render_error(error):
    if request_ctx.url_adapter is None:
        # A Host header outside TRUSTED_HOSTS leaves the request without URLs to
        # build. The page's links are paths, so a trusted name builds them.
        request_ctx.url_adapter = current_app.url_map.bind(
            "localhost", script_name=request.root_path
        )
    # Flask hands unhandled exceptions here as InternalServerError, after
    # logging them, and only once the debugger has had its chance.
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    # The exception's own headers come along: Allow on a 405, Retry-After, ...
    return render_template(template, error=error), error.code, error.get_headers()
