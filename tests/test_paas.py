"""The Render Blueprint and the Railway config of baked projects.

Render and Railway publish no offline schema, so their files are checked for
what the platforms need, field by field.
"""

import pytest

from local_extensions import with_server
from tests.support import variants
from tests.support.baking import bake, parse_structured
from tests.support.checks import tidy_problems
from tests.support.servers import DATABASES

# Every database, with Redis on some and Celery on fewer (the ci variants
# without assets: the platforms build the same Dockerfile either way).
VARIANTS = [v for v in variants.ci_variants() if not variants.has_assets(v)]


@pytest.fixture(scope="module", params=VARIANTS, ids=variants.ids(VARIANTS))
def baked(request, cookies_session):
    return request.param, bake(cookies_session, **request.param)


def test_render_blueprint_and_railway_config_build_the_dockerfile(baked):
    answers, project = baked
    database = answers["database"]
    redis, celery = answers["use_redis"], answers["use_celery"]
    reports = answers["error_tracking"] == "sentry"
    assert tidy_problems(project, [project / "render.yaml", project / "railway.json"]) == []
    blueprint = parse_structured(project / "render.yaml")
    assert set(blueprint) <= {"services", "databases", "envVarGroups"}
    services = {s["name"]: s for s in blueprint["services"]}
    (web,) = [s for s in services.values() if s["type"] == "web"]
    assert web["runtime"] == "docker"
    assert (project / web["dockerfilePath"]).is_file()
    assert web["healthCheckPath"] == "/up"
    if with_server(database):
        assert web["preDeployCommand"] == "./run release"
    else:
        assert "preDeployCommand" not in web
    if database == "sqlite":
        assert web["disk"]["mountPath"] == "/app/instance"
        assert "./run release" in web["dockerCommand"]

    groups = {g["name"]: g for g in blueprint["envVarGroups"]}
    databases = {d["name"] for d in blueprint.get("databases", [])}
    assert (len(databases) == 1) == DATABASES[database].managed_on_render
    for service in services.values():
        if service["type"] == "keyvalue":
            assert service["ipAllowList"] == []
            continue
        env = service["envVars"]
        keys = {e["key"] for e in env if "key" in e}
        for entry in env:
            if "fromGroup" in entry:
                keys |= {e["key"] for e in groups[entry["fromGroup"]]["envVars"]}
            if "fromDatabase" in entry:
                assert entry["fromDatabase"]["name"] in databases
            if "fromService" in entry:
                assert entry["fromService"]["name"] in services
        assert "SECRET_KEY" in keys
        if with_server(database):
            assert DATABASES[database].url_setting in keys
        assert ("REDIS_URL" in keys) == redis
        # The DSN is the Sentry project's key: the Dashboard asks for it.
        sentry = [e for e in env if e.get("key") == "SENTRY_DSN"]
        assert sentry == ([{"key": "SENTRY_DSN", "sync": False}] if reports else [])
    secret = [e for g in groups.values() for e in g["envVars"] if e["key"] == "SECRET_KEY"]
    assert secret == [{"key": "SECRET_KEY", "generateValue": True}]
    types = sorted(s["type"] for s in services.values())
    assert types == sorted(["web"] + ["keyvalue"] * redis + ["worker"] * 2 * celery)

    railway = parse_structured(project / "railway.json")
    assert railway["build"] == {"builder": "DOCKERFILE", "dockerfilePath": "Dockerfile"}
    deploy = railway["deploy"]
    assert deploy["healthcheckPath"] == "/up"
    if with_server(database):
        assert deploy["preDeployCommand"] == ["./run release"]
    else:
        assert "preDeployCommand" not in deploy
    if database == "sqlite":
        assert "./run release" in deploy["startCommand"]

    readme = (project / "README.md").read_text()
    assert "### Deploy to Render" in readme and "### Deploy to Railway" in readme
    dockerignore = (project / ".dockerignore").read_text().splitlines()
    assert {"render.yaml", "railway.json"} <= set(dockerignore)
