def test_home_page_loads_the_bundle_and_the_hotwire_demo(client):
    html = client.get("/").get_data(as_text=True)
    assert '<script type="module" src="/static/js/app' in html
    assert 'data-controller="counter"' in html
    assert 'data-action="counter#increment"' in html
    assert 'href="/demo/second-page"' in html


def test_second_page_is_a_full_page_for_turbo_drive(client):
    response = client.get("/demo/second-page")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert 'id="second-page"' in html
    assert 'data-controller="counter"' in html


def test_the_demo_is_off_in_production(production_app):
    client = production_app.test_client()
    assert client.get("/demo/second-page").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="demo"' not in home.get_data(as_text=True)
