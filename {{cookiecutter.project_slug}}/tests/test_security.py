import json
import logging.config

from flask import request, session

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.log import logging_config

PRODUCTION = {"DEBUG": False, "TESTING": False, "SECRET_KEY": "s" * 64}


def production_app(**settings):
    app = create_app({**PRODUCTION, **settings})

    @app.get("/login")
    def login():
        session["user"] = "ada"
        return "ok"

    return app


def test_production_responses_carry_security_headers():
    response = production_app(HSTS_SECONDS=63072000).test_client().get("/up")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


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
