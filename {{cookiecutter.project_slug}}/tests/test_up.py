def test_up_is_200_when_every_service_answers(client):
    response = client.get("/up")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "failed": [], "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_up_is_503_and_names_the_database_when_it_is_down(app_without_database):
    response = app_without_database.test_client().get("/up")
    assert response.status_code == 503
    assert response.json["status"] == "failing"
    assert response.json["failed"] == ["database"]
    assert response.json["checks"]["database"].startswith("failed: ")
