"""The application factory."""

import secrets
from functools import cache
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.exceptions import HTTPException
{%- if cookiecutter.use_nginx %}
from werkzeug.middleware.proxy_fix import ProxyFix
{%- endif %}

{% if cookiecutter.auth == "accounts" -%}
from {{ cookiecutter.package_name }}.accounts import init_accounts
from {{ cookiecutter.package_name }}.blueprints.accounts import accounts
{% endif -%}
from {{ cookiecutter.package_name }}.blueprints.page import page
from {{ cookiecutter.package_name }}.blueprints.up import up
{%- if cookiecutter.error_tracking == "sentry" %}
from {{ cookiecutter.package_name }}.error_tracking import init_error_tracking
{%- endif %}
from {{ cookiecutter.package_name }}.errors import render_error
{%- if cookiecutter is with_examples %}
from {{ cookiecutter.package_name }}.examples import init_examples
{%- endif %}
from {{ cookiecutter.package_name }}.extensions import init_extensions
from {{ cookiecutter.package_name }}.log import configure_logging
{%- if cookiecutter.database == "mongodb" %}
from {{ cookiecutter.package_name }}.notes import db_cli
{%- endif %}
from {{ cookiecutter.package_name }}.security import init_security_headers

# A SECRET_KEY shorter than this, or one of these examples, is not a real one.
MIN_SECRET_KEY_LENGTH = 32
EXAMPLE_SECRET_KEYS = {"", "change-me", "changeme", "secret", "dev", "insecure"}


class ConfigError(RuntimeError):
    """A setting makes it unsafe or impossible to start."""


def create_app(settings_override=None):
    app = Flask(__name__)
    app.config.from_object("config.settings")
    if settings_override:
        app.config.update(settings_override)

    # {% if cookiecutter.database is sql %}Home of the default SQLite file{% else %}Flask's instance folder, for local files{% endif %}; never inside the package,
    # and private to this user.
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)

    configure_logging(app)
{%- if cookiecutter.error_tracking == "sentry" %}
    init_error_tracking(app)
{%- endif %}
    ensure_secret_key(app)
    init_extensions(app)
    init_security_headers(app)
{%- if cookiecutter.auth == "accounts" %}
    init_accounts(app)
{%- endif %}

    app.register_blueprint(page)
    app.register_blueprint(up)
{%- if cookiecutter.auth == "accounts" %}
    app.register_blueprint(accounts)
{%- endif %}
    app.add_url_rule("/robots.txt", view_func=robots_txt)
    init_layout_links(app)
{%- if cookiecutter is with_examples %}
    init_examples(app)
{%- endif %}
    app.register_error_handler(HTTPException, render_error)
{%- if cookiecutter.database == "mongodb" %}
    app.cli.add_command(db_cli)
{%- endif %}
{%- if cookiecutter.use_nginx %}

    if app.config["PROXY_COUNT"]:
        # Behind nginx: take the client's address, scheme and host from the
        # X-Forwarded-* headers that the proxy sets, and from nobody else.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
{%- endif %}

    return app


def init_layout_links(app):
    """The links of every page's layout (templates/layouts/), built once.

    url_for() and static_url_for() look a URL up on every call, and every page
    would ask again for the same few links; they change only with the root the
    app is served under (SCRIPT_NAME), so they are kept per root.
    """
    static_url_for = app.jinja_env.globals["static_url_for"]

    @cache
    def links(script_root):
        return {
            "home": url_for("page.home"),
            "health_check": url_for("up.index"),
            "favicon": static_url_for("static", filename="images/favicon.svg"),
            "stylesheet": static_url_for("static", filename="css/app.css"),
{%- if cookiecutter.frontend != "none" %}
            "script": static_url_for("static", filename="js/app.js"),
{%- endif %}
        }

    @app.context_processor
    def layout_links():
        if not has_request_context():
            return {}
        return {"links": links(request.script_root)}


def robots_txt():
    """static/robots.txt at the root of the site, where crawlers look for it."""
    return current_app.send_static_file("robots.txt")


def ensure_secret_key(app):
    key = app.config.get("SECRET_KEY") or ""
    weak = len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in EXAMPLE_SECRET_KEYS
    if not weak:
        return
    if app.debug or app.testing:
        # Sessions then last one process lifetime, which is fine while developing.
        app.logger.warning("SECRET_KEY is unset or weak; using a random one.")
        app.config["SECRET_KEY"] = secrets.token_urlsafe(64)
        return
    raise ConfigError(
        f"SECRET_KEY must be set to a random value of at least "
        f"{MIN_SECRET_KEY_LENGTH} characters in production: "
        "put the output of `./run secrets` (or `flask secrets`) in .env."
    )
