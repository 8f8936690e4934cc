"""Error pages that never depend on a backing service being up."""

from flask import render_template


def render_error(error):
    # Flask hands unhandled exceptions here as InternalServerError, after
    # logging them, and only once the debugger has had its chance.
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    # The exception's own headers come along: Allow on a 405, Retry-After, ...
    return render_template(template, error=error), error.code, error.get_headers()
