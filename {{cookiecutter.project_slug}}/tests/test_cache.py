"""Flask-Caching backed by the real Redis (REDIS_URL)."""

import pytest

from {{ cookiecutter.package_name }}.extensions import cache


@pytest.mark.usefixtures("redis_server")
def test_the_cache_is_redis(app, app_context):
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert cache.set("greeting", "hello", timeout=30)
    assert cache.get("greeting") == "hello"
    # The key really is in Redis, under the app's prefix.
    key = app.config["CACHE_KEY_PREFIX"] + "greeting"
    assert app.extensions["redis"].exists(key)
    cache.delete("greeting")
    assert cache.get("greeting") is None
{%- if cookiecutter.database == "none" %}


def test_the_home_page_is_not_shared_between_visitors(app):
    # Each page carries its visitor's own CSRF token: a cached page would hand
    # the first visitor's token to everyone.
    first, second = (app.test_client().get("/").get_data(as_text=True) for _ in "ab")
    assert 'name="csrf-token"' in first
    assert first != second
{%- else %}


@pytest.mark.usefixtures("redis_server")
def test_the_home_page_caches_the_note_titles(client, app_context{% if cookiecutter.database is not sql %}, mongo_server{% endif %}):
    cache.set("note_titles", ["Served from the cache"])
    assert "Served from the cache" in client.get("/").get_data(as_text=True)
    cache.delete("note_titles")
    assert "Served from the cache" not in client.get("/").get_data(as_text=True)
    assert cache.get("note_titles") is not None
{%- endif %}


def test_pages_still_answer_when_redis_is_down(app_without_redis):
    assert app_without_redis.test_client().get("/").status_code == 200
