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
def settings_from(monkeypatch):
    """config.settings read again from these variables (None: unset); afterwards
    as before."""

    def read(**variables):
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        return importlib.reload(settings)

    yield read
    monkeypatch.undo()
    importlib.reload(settings)


def test_hsts_starts_short_and_for_this_host_only(settings_from):
    settings_from(
        FLASK_DEBUG="0",
        HSTS_SECONDS=None,
        HSTS_INCLUDE_SUBDOMAINS=None,
        HSTS_PRELOAD=None,
    )
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


def test_a_foreign_host_gets_400_and_never_a_redirect():
    client = production_app().test_client()
    # Werkzeug redirects this path to its canonical form, on the request's host.
    response = client.get("/static//css/app.css", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "400 Bad Request" in response.get_data(as_text=True)


def test_the_trusted_hosts_are_served():
    app = production_app(TRUSTED_HOSTS=["localhost", "127.0.0.1", ".example.com"])
    client = app.test_client()
    for host in ("localhost", "127.0.0.1:8000", "example.com", "www.example.com"):
        response = client.get("/static//css/app.css", headers={"Host": host})
        assert response.status_code == 308, host
        assert response.headers["Location"].startswith(f"http://{host}/static/")
    response = client.get("/", headers={"Host": "example.com.evil.example"})
    assert response.status_code == 400


def test_trusted_hosts_come_from_the_environment_and_the_platform(settings_from):
    read = settings_from(
        TRUSTED_HOSTS="example.com, .example.org",
        RENDER_EXTERNAL_HOSTNAME=None,
        RAILWAY_PUBLIC_DOMAIN=None,
    )
    assert read.TRUSTED_HOSTS == [
        "localhost",
        "127.0.0.1",
        "example.com",
        ".example.org",
    ]
    read = settings_from(
        TRUSTED_HOSTS=None, RENDER_EXTERNAL_HOSTNAME="app.onrender.com"
    )
    assert read.TRUSTED_HOSTS == ["localhost", "127.0.0.1", "app.onrender.com"]
    read = settings_from(
        RENDER_EXTERNAL_HOSTNAME=None, RAILWAY_PUBLIC_DOMAIN="app.up.railway.app"
    )
    assert read.TRUSTED_HOSTS == [
        "localhost",
        "127.0.0.1",
        "app.up.railway.app",
        "healthcheck.railway.app",
    ]


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
