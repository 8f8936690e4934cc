import importlib
import json
import logging.config

import pytest
from flask import request, session

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.log import logging_config

from config import settings

PRODUCTION = {"DEBUG": False, "TESTING": False, "SECRET_KEY": "s" * 64}


def production_app(**settings):
    app = create_app({**PRODUCTION, **settings})

    @app.get("/login")
    def login():
        session["user"] = "ada"
        return "ok"

    return app


def test_production_responses_carry_security_headers():
    response = production_app().test_client().get("/up")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" in headers


@pytest.fixture
def production_defaults(monkeypatch):
    """config.settings as read in production with no HSTS_* variable set."""
    monkeypatch.setenv("FLASK_DEBUG", "0")
    for name in ("HSTS_SECONDS", "HSTS_INCLUDE_SUBDOMAINS", "HSTS_PRELOAD"):
        monkeypatch.delenv(name, raising=False)
    yield importlib.reload(settings)
    monkeypatch.undo()
    importlib.reload(settings)


@pytest.mark.usefixtures("production_defaults")
def test_hsts_starts_short_and_for_this_host_only():
    response = production_app().test_client().get("/up")
    assert response.headers["Strict-Transport-Security"] == "max-age=300"


def test_hsts_subdomains_and_preload_are_opt_in():
    year = 31536000
    subdomains = production_app(HSTS_SECONDS=year, HSTS_INCLUDE_SUBDOMAINS=True)
    response = subdomains.test_client().get("/up")
    assert response.headers["Strict-Transport-Security"] == (
        f"max-age={year}; includeSubDomains"
    )
    preload = production_app(HSTS_SECONDS=year, HSTS_PRELOAD=True)
    response = preload.test_client().get("/up")
    assert response.headers["Strict-Transport-Security"] == (
        f"max-age={year}; includeSubDomains; preload"
    )


def test_hsts_preload_refuses_less_than_a_year():
    with pytest.raises(ValueError, match="at least 31536000"):
        production_app(HSTS_SECONDS=300, HSTS_PRELOAD=True)


def test_hsts_can_be_turned_off():
    response = production_app(HSTS_SECONDS=0).test_client().get("/up")
    assert "Strict-Transport-Security" not in response.headers
    assert "Content-Security-Policy" in response.headers


def test_debugging_leaves_the_headers_off():
    app = create_app({"DEBUG": True, "SECRET_KEY": "s" * 64})
    assert "Content-Security-Policy" not in app.test_client().get("/up").headers


def test_production_session_cookie_is_secure_httponly_and_lax():
    app = production_app(SESSION_COOKIE_SECURE=True)
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_large_request_bodies_are_refused():
    app = production_app(MAX_CONTENT_LENGTH=1024)

    @app.post("/echo")
    def echo():
        return str(len(request.get_data()))

    response = app.test_client().post("/echo", data=b"x" * 2048)
    assert response.status_code == 413


def test_json_log_format_writes_one_object_per_line(capsys):
    logging.config.dictConfig(logging_config("INFO", "json"))
    try:
        logging.getLogger("demo").info("hello %s", "json")
    finally:
        logging.config.dictConfig(logging_config("INFO", "text"))
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["message"] == "hello json"
    assert record["level"] == "INFO"
    assert record["logger"] == "demo"
