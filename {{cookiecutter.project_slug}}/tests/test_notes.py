{%- set server = ", mongo_server" if cookiecutter.database == "mongodb" else "" -%}
"""The example notes: seeded once, listed on the home page, which survives an outage."""

import pytest
{%- if cookiecutter.database is sql %}
from flask_db.cli import db as db_cli
{%- endif %}
{% if cookiecutter.database is sql %}
from {{ cookiecutter.package_name }}.app import create_app
{%- endif %}
from {{ cookiecutter.package_name }}.extensions import {% if cookiecutter.use_redis %}cache, {% endif %}{% if cookiecutter.database is sql %}db{% else %}mongo{% endif %}
{%- if cookiecutter.database is sql %}
from {{ cookiecutter.package_name }}.models import Note
{%- else %}
from {{ cookiecutter.package_name }}.notes import db_cli
{%- endif %}


def count_notes():
{%- if cookiecutter.database is sql %}
    return db.session.scalar(db.select(db.func.count()).select_from(Note))
{%- else %}
    return mongo.db.notes.count_documents({})
{%- endif %}


@pytest.fixture
def seeded(app{{ server }}):
    result = app.test_cli_runner().invoke(db_cli, ["seed"])
    assert result.exit_code == 0, result.output
{%- if cookiecutter.use_redis %}
    with app.app_context():
        # The home page may have cached the list before the seeds went in.
        cache.delete("note_titles")
{%- endif %}


def test_seed_adds_the_examples_once(app, app_context{{ server }}):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(db_cli, ["seed"])
        assert result.exit_code == 0, result.output
    assert count_notes() == 3


def test_home_page_lists_the_notes(seeded, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="notes"' in html
    assert "GET /up checks every backing service." in html


def test_home_page_answers_when_the_database_is_down(app_without_database):
    response = app_without_database.test_client().get("/")
    assert response.status_code == 200
    assert 'id="db-unavailable"' in response.get_data(as_text=True)
{%- if cookiecutter.database is sql %}


def test_home_page_says_to_migrate_a_database_without_tables(
    overrides, own_cache, tmp_path
):
    # A database that answers but that no migration has reached: /up says ok,
    # so the page must not blame the connection.
    empty = create_app(
        {
            **overrides,
            **own_cache,
            # An empty SQLite file, whatever server DATABASE_URL names: without
            # that server's connect_args.
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        }
    )
    html = empty.test_client().get("/").get_data(as_text=True)
    assert 'id="db-no-tables"' in html and "./run migrate" in html
    assert 'id="db-unavailable"' not in html
{%- endif %}
