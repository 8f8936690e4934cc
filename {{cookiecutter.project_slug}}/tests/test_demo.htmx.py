def test_home_page_loads_the_bundle_and_the_htmx_demo(client):
    html = client.get("/").get_data(as_text=True)
    assert '<script type="module" src="/static/js/app' in html
    assert 'hx-get="/demo/greeting"' in html
    assert 'hx-target="#greeting-slot"' in html


def test_greeting_is_a_fragment_for_htmx_to_swap_in(client):
    response = client.get("/demo/greeting", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.startswith('<p id="greeting">Hello from Flask')
    assert "<html" not in html


def test_the_demo_is_off_in_production(production_app):
    client = production_app.test_client()
    assert client.get("/demo/greeting").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="demo"' not in home.get_data(as_text=True)
