"""Every POST, PUT, PATCH and DELETE carries the session's CSRF token, or gets 400.

The tests act as a browser does: they read the token from a page's
<meta name="csrf-token"> and send it back with the session cookie.
"""

import pytest
from flask import request

from {{ cookiecutter.package_name }}.app import create_app
{%- if cookiecutter.database is sql %}
from {{ cookiecutter.package_name }}.extensions import db
{%- endif %}


@pytest.fixture
def client(overrides):
    # A fresh app, because routes cannot be added once one has served requests.
    app = create_app(overrides)

    @app.route("/echo", methods=["POST", "PUT", "PATCH", "DELETE"])
    def echo():
        return {"method": request.method, "name": request.form.get("name")}
{%- if cookiecutter.database is sql %}

    yield app.test_client()
    with app.app_context():
        db.engine.dispose()
{%- else %}

    return app.test_client()
{%- endif %}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_with_the_token_header_pass(client, method, csrf_token):
    headers = {"X-CSRFToken": csrf_token(client)}
    response = getattr(client, method)("/echo", headers=headers)
    assert response.status_code == 200
    assert response.json["method"] == method.upper()


def test_a_form_with_the_token_field_is_accepted(client, csrf_token):
    data = {"csrf_token": csrf_token(client), "name": "Ada"}
    response = client.post("/echo", data=data)
    assert (response.status_code, response.json["name"]) == (200, "Ada")


def test_a_post_without_the_token_gets_the_error_page(client, csrf_token):
    csrf_token(client)  # the session exists: only the token is missing
    response = client.post("/echo", data={"name": "Ada"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "400 Bad Request" in page
    assert "The CSRF token is missing." in page


def test_a_json_client_without_the_token_gets_json(client, csrf_token):
    csrf_token(client)
    response = client.post("/echo", json={"name": "Ada"})
    assert response.status_code == 400
    assert response.json == {
        "error": "Bad Request",
        "message": "The CSRF token is missing.",
    }


def test_a_forged_token_is_refused(client, csrf_token):
    csrf_token(client)
    response = client.post(
        "/echo", headers={"X-CSRFToken": "forged", "Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["message"] == "The CSRF token is invalid."


def test_a_token_from_another_session_is_refused(client, csrf_token):
    token = csrf_token(client)
    client.delete_cookie("session")
    response = client.post(
        "/echo", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["message"] == "The CSRF session token is missing."


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_safe_requests_need_no_token(client, method):
    assert getattr(client, method)("/").status_code == 200
