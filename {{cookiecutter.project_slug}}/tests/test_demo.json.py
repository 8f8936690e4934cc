from datetime import datetime


def test_home_page_loads_the_bundle_and_the_demo(client):
    html = client.get("/").get_data(as_text=True)
    assert '<script type="module" src="/static/js/app' in html
    assert 'id="demo"' in html
    assert 'data-url="/demo/server-info"' in html


def test_server_info_is_json_for_the_component(app, client):
    response = client.get("/demo/server-info")
    assert response.status_code == 200
    assert response.is_json
    info = response.get_json()
    assert info["message"] == f"Hello from {app.config['APP_NAME']}"
    assert datetime.fromisoformat(info["served_at"]).tzinfo is not None


def test_the_demo_is_off_in_production(production_app):
    client = production_app.test_client()
    assert client.get("/demo/server-info").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="demo"' not in home.get_data(as_text=True)
