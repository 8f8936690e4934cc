"""Behind nginx (PROXY_COUNT=1) the app trusts X-Forwarded-*; otherwise never."""

from flask import request

from {{ cookiecutter.package_name }}.app import create_app

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "example.org",
}


def whoami(app):
    @app.get("/whoami")
    def whoami():
        return {"addr": request.remote_addr, "url": request.url_root}

    return app.test_client().get("/whoami", headers=FORWARDED)


def seen_by(app):
    return whoami(app).json


def test_behind_the_proxy_the_forwarded_headers_count():
    trusted = ["localhost", "example.org"]
    app = create_app({"TESTING": True, "PROXY_COUNT": 1, "TRUSTED_HOSTS": trusted})
    assert seen_by(app) == {"addr": "203.0.113.7", "url": "https://example.org/"}


def test_a_forwarded_host_must_be_trusted_too():
    trusted = ["localhost"]
    app = create_app({"TESTING": True, "PROXY_COUNT": 1, "TRUSTED_HOSTS": trusted})
    assert whoami(app).status_code == 400


def test_without_a_proxy_the_forwarded_headers_are_ignored():
    app = create_app({"TESTING": True, "PROXY_COUNT": 0})
    assert seen_by(app) == {"addr": "127.0.0.1", "url": "http://localhost/"}
