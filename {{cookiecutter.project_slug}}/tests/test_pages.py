from {{ cookiecutter.package_name }}.app import create_app


def test_home_page_answers(app):
    response = app.test_client().get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<title>{app.config['APP_NAME']}</title>" in html


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


def test_error_pages_keep_the_headers_of_their_error(client):
    response = client.post("/up")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert "405 Method Not Allowed" in response.get_data(as_text=True)
    assert response.content_type == "text/html; charset=utf-8"


def test_robots_txt_is_served_at_the_root(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "User-agent: *" in response.get_data(as_text=True)
