"""Every database × Redis × Celery × nginx combination bakes clean (fast, no servers).

For each variant: nothing of an unchosen option is left (files, requirements,
compose services, settings, README), the code is ruff-clean, the compose file
validates, the Dockerfile is hadolint-clean, and the nginx config passes
`nginx -t` (Debian's nginx; skipped, and said so, where it is not installed).
"""

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.baking import bake, files, parse_structured, read_env_file, text_files

BIN = Path(sys.executable).parent
SQL = {"postgresql", "sqlite", "mysql"}

VARIANTS = [
    {"database": db, "use_redis": redis, "use_celery": celery, "use_nginx": nginx}
    for db, redis, celery, nginx in itertools.product(
        ["postgresql", "sqlite", "mysql", "mongodb", "none"],
        [False, True],
        [False, True],
        [False, True],
    )
    if redis or not celery
]


def variant_id(answers):
    parts = [answers["database"]]
    parts += [name for name in ("redis", "celery", "nginx") if answers[f"use_{name}"]]
    return "-".join(parts)


# What must not appear anywhere in a project that did not choose the option.
TRACES = {
    "postgresql": re.compile(r"postgres|psycopg", re.I),
    "mysql": re.compile(r"mysql|mariadb", re.I),
    "mongodb": re.compile(r"mongo", re.I),
    "sql": re.compile(r"sqlalchemy|alembic|flask[_-]db|migrat", re.I),
    "database": re.compile(r"database|DATABASE_URL|notes", re.I),
    "redis": re.compile(r"(?i:redis|flask.caching)|\bCACHE_[A-Z]"),
    "celery": re.compile(r"celery|/tasks", re.I),
    "nginx": re.compile(r"nginx|ProxyFix|PROXY_COUNT", re.I),
}


def unchosen(answers):
    db = answers["database"]
    names = [name for name in ("postgresql", "mysql", "mongodb") if name != db]
    if db not in SQL:
        names.append("sql")
    if db == "none":
        names.append("database")
    names += [name for name in ("redis", "celery", "nginx") if not answers[f"use_{name}"]]
    return names


def run(*args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", params=VARIANTS, ids=variant_id)
def variant(request, cookies_session):
    answers = request.param
    project = bake(cookies_session, **answers)
    return answers, project


def test_no_trace_of_unchosen_options(variant):
    answers, project = variant
    for name in unchosen(answers):
        pattern = TRACES[name]
        for path in text_files(project):
            if path.name == "LICENSE":
                continue
            found = pattern.search(path.read_text())
            assert not found, f"{path.relative_to(project)} mentions {found.group()!r}"
            assert not pattern.search(str(path.relative_to(project))), path


def test_requirements_hold_only_the_chosen_drivers(variant):
    answers, project = variant
    pins = {
        line.split("==")[0].split("[")[0]
        for line in (project / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    db = answers["database"]
    assert ("psycopg" in pins) == (db == "postgresql")
    assert ("pymysql" in pins) == (db == "mysql")
    assert ("pymongo" in pins) == (db == "mongodb")
    assert ("sqlalchemy" in pins) == (db in SQL)
    assert ("redis" in pins) == ("flask-caching" in pins) == answers["use_redis"]
    assert ("celery" in pins) == answers["use_celery"]
    assert (project / "alembic.ini").exists() == (db in SQL)


def test_ruff_is_clean(variant):
    _, project = variant
    check = run(str(BIN / "ruff"), "check", "--no-cache", ".", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", "--no-cache", ".", cwd=project)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_compose_validates_with_each_chosen_service_healthy(variant):
    answers, project = variant
    result = run(str(BIN / "docker-compose"), "config", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    dev = run(
        str(BIN / "docker-compose"), "-f", "compose.yaml", "-f", "compose.dev.yaml",
        "config", "--quiet", cwd=project,
    )  # fmt: skip
    assert dev.returncode == 0, dev.stderr

    compose = parse_structured(project / "compose.yaml")
    services = compose["services"]
    db_service = {"postgresql": "postgres", "mysql": "mariadb", "mongodb": "mongo"}
    expected = {"web"}
    expected |= {"release"} if answers["database"] != "none" else set()
    expected |= {db_service[answers["database"]]} if answers["database"] in db_service else set()
    expected |= {"redis"} if answers["use_redis"] else set()
    expected |= {"worker", "beat"} if answers["use_celery"] else set()
    expected |= {"nginx"} if answers["use_nginx"] else set()
    assert set(services) == expected

    backing = expected & {"postgres", "mariadb", "mongo", "redis"}
    for name in backing:
        assert "healthcheck" in services[name], name
        assert services[name]["restart"] == "unless-stopped"
        assert services[name]["volumes"], name
        assert services["web"]["depends_on"][name] == {"condition": "service_healthy"}
    for name in expected - {"release"}:
        assert services[name].get("healthcheck") or name == "web", name
    assert set(compose.get("volumes") or {}) == (
        backing | ({"instance"} if answers["database"] == "sqlite" else set())
    )
    published = "nginx" if answers["use_nginx"] else "web"
    assert [s for s in services if services[s].get("ports")] == [published]


def test_env_has_fresh_passwords_for_the_chosen_database(variant):
    answers, project = variant
    env = read_env_file(project / ".env")
    example = read_env_file(project / ".env.example")
    assert env.keys() == example.keys()
    password = {"postgresql": "POSTGRES_PASSWORD", "mysql": "MYSQL_PASSWORD"}
    password["mongodb"] = "MONGO_PASSWORD"
    if answers["database"] in password:
        key = password[answers["database"]]
        assert len(env[key]) >= 24 and example[key] == ""


def test_dockerfile_is_hadolint_clean(variant):
    answers, project = variant
    result = run(str(BIN / "hadolint"), "--no-color", "Dockerfile", cwd=project)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    stages = re.findall(r"^FROM \S+ AS (\w+)$", (project / "Dockerfile").read_text(), re.M)
    assets = ["assets"] if (project / "assets/package.json").exists() else []
    nginx = ["nginx", "web"] if answers["use_nginx"] else []
    assert stages == assets + ["deps", "app"] + nginx


def test_nginx_config_passes_nginx_t(variant, tmp_path):
    answers, project = variant
    if not answers["use_nginx"]:
        assert not (project / "nginx").exists()
        return
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install nginx): nginx -t not run")
    # The server block goes into conf.d/ of the image's stock nginx.conf; this
    # stands in for that file, with its paths moved to a scratch folder.
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n"
        f"  include {project / 'nginx/default.conf'};\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    conf = (project / "nginx/default.conf").read_text()
    assert "gzip_static on;" in conf and "immutable" in conf


def test_no_blank_line_debris(variant):
    _, project = variant
    for path in files(project):
        if path.suffix in {".py", ".yaml", ".txt", ".example", ".conf"} or path.name in {
            "Dockerfile",
            "run",
        }:
            text = path.read_text()
            # Python and Dockerfile stages may take two blank lines; nothing takes three.
            limit = "\n\n\n\n" if path.suffix == ".py" or path.name == "Dockerfile" else "\n\n\n"
            assert limit not in text, path
            assert not text.startswith("\n"), path
