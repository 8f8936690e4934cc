{%- set needs = [] -%}
{%- if cookiecutter.database == "mongodb" %}{% set _ = needs.append("mongo_server") %}{% endif -%}
{%- if cookiecutter.use_redis %}{% set _ = needs.append("redis_server") %}{% endif -%}
{%- if needs -%}
import pytest

{% endif -%}
from {{ cookiecutter.package_name }}.blueprints.up.checks import CHECKS

{% if needs %}
@pytest.mark.usefixtures({{ needs|map("tojson")|join(", ") }})
{%- endif %}
def test_up_is_200_when_every_service_answers(client):
    response = client.get("/up")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "failed": [],
        "checks": dict.fromkeys(CHECKS, "ok"),
    }
    assert response.headers["Cache-Control"] == "no-store"
{%- if cookiecutter.database != "none" %}


def test_up_is_503_and_names_the_database_when_it_is_down(app_without_database):
    response = app_without_database.test_client().get("/up")
    assert response.status_code == 503
    assert response.json["status"] == "failing"
    assert "database" in response.json["failed"]
    assert response.json["checks"]["database"].startswith("failed: ")
{%- endif %}
{%- if cookiecutter.use_redis %}


def test_up_is_503_and_names_redis_when_it_is_down(app_without_redis):
    response = app_without_redis.test_client().get("/up")
    assert response.status_code == 503
    assert "redis" in response.json["failed"]
    assert response.json["checks"]["redis"].startswith("failed: ")
{%- endif %}
