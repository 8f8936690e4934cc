from flask_db.cli import db as db_cli

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Note


def test_seed_adds_the_examples_once(app, app_context):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(db_cli, ["seed"])
        assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Note)) == 3


def test_home_page_lists_the_notes(app, client):
    app.test_cli_runner().invoke(db_cli, ["seed"])
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<title>{app.config['APP_NAME']}</title>" in html
    assert 'id="notes"' in html
    assert "GET /up checks every backing service." in html


def test_home_page_answers_when_the_database_is_down(app_without_database):
    response = app_without_database.test_client().get("/")
    assert response.status_code == 200
    assert 'id="db-unavailable"' in response.get_data(as_text=True)


def test_unknown_page_gets_the_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_gets_the_error_page():
    # A fresh app, because routes cannot be added once one has served requests.
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "500 Internal Server Error" in response.get_data(as_text=True)
