"""Every database x Redis x Celery x nginx combination bakes clean (fast, no servers).

For each variant: every static check (no trace of an unchosen option, ruff,
hadolint, compose config, blank lines, nginx -t with Debian's nginx), only the
chosen drivers pinned, the compose services, volumes and health checks that
the answers call for, fresh passwords for the chosen database, and the
Dockerfile's stages.
"""

import re

import pytest

from local_extensions import DATABASE_SERVICES, SQL_DATABASES
from tests.support import variants
from tests.support.baking import bake, package_of, parse_structured, read_env_file
from tests.support.checks import locked_names, nginx_problems, static_problems
from tests.support.servers import DATABASES

VARIANTS = variants.services_static()


@pytest.fixture(scope="module", params=VARIANTS, ids=variants.ids(VARIANTS))
def variant(request, cookies_session):
    answers = {**variants.DEFAULTS, **request.param}
    return answers, bake(cookies_session, **request.param)


def test_every_static_check_passes(variant):
    answers, project = variant
    assert static_problems([project], lambda _: answers)[project] == []


def test_nginx_config_passes_nginx_t(variant, tmp_path):
    answers, project = variant
    assert (project / "nginx").exists() == answers["use_nginx"]
    # nginx's page for its own 502/503/504, served from the static files.
    assert (package_of(project) / "static/50x.html").exists() == answers["use_nginx"]
    if answers["use_nginx"]:
        assert nginx_problems(project, tmp_path) == []
        conf = (project / "nginx/default.conf.template").read_text()
        assert "gzip_static on;" in conf and "immutable" in conf


def test_the_lock_holds_only_the_chosen_drivers(variant):
    answers, project = variant
    pins = locked_names(project)
    db = answers["database"]
    for database, spec in DATABASES.items():
        if spec.driver:
            assert (spec.driver in pins) == (db == database), spec.driver
    assert ("sqlalchemy" in pins) == (db in SQL_DATABASES)
    assert ("redis" in pins) == ("flask-caching" in pins) == answers["use_redis"]
    assert ("celery" in pins) == answers["use_celery"]
    assert (project / "alembic.ini").exists() == (db in SQL_DATABASES)


def test_compose_has_each_chosen_service_healthy(variant):
    answers, project = variant
    services = (compose := parse_structured(project / "compose.yaml"))["services"]
    database = answers["database"]
    expected = {"web"}
    expected |= {"release"} if database != "none" else set()
    expected |= {DATABASE_SERVICES[database]} if database in DATABASE_SERVICES else set()
    expected |= {"redis"} if answers["use_redis"] else set()
    expected |= {"worker", "beat"} if answers["use_celery"] else set()
    expected |= {"nginx"} if answers["use_nginx"] else set()
    assert set(services) == expected

    backing = expected & {*DATABASE_SERVICES.values(), "redis"}
    for name in backing:
        assert "healthcheck" in services[name], name
        assert services[name]["restart"] == "unless-stopped"
        assert services[name]["volumes"], name
        assert services["web"]["depends_on"][name] == {"condition": "service_healthy"}
    for name in expected - {"release"}:
        assert services[name].get("healthcheck") or name == "web", name
    assert set(compose.get("volumes") or {}) == (
        backing | ({"instance"} if database == "sqlite" else set())
    )
    published = "nginx" if answers["use_nginx"] else "web"
    assert [s for s in services if services[s].get("ports")] == [published]


def test_env_has_fresh_passwords_for_the_chosen_database(variant):
    answers, project = variant
    env = read_env_file(project / ".env")
    example = read_env_file(project / ".env.example")
    assert env.keys() == example.keys()
    for database, spec in DATABASES.items():
        if spec.password:
            chosen = database == answers["database"]
            assert (spec.password in env) == chosen, spec.password
            if chosen:
                assert len(env[spec.password]) >= 24 and example[spec.password] == ""


def test_dockerfile_stages_follow_the_answers(variant):
    answers, project = variant
    stages = re.findall(r"^FROM \S+ AS (\w+)$", (project / "Dockerfile").read_text(), re.M)
    assets = ["assets"] if variants.has_assets(answers) else []
    nginx = ["nginx", "web"] if answers["use_nginx"] else []
    assert stages == assets + ["deps", "app"] + nginx
