"""Static checks of the default bake and its neighbours: they render, parse, lint
and hold no debris, and their secrets are fresh and private."""

import os
import re
import stat
import sys

import pytest

from tests.support.baking import bake, parse_structured, read_env_file
from tests.support.checks import (
    bandit_problems,
    blank_line_problems,
    compose_problems,
    file_problems,
    hadolint_problems,
    ruff_problems,
    shellcheck_problems,
    trace_problems,
    uv_version_problems,
)
from tests.support.runners import run
from tests.support.template import BIN
from tests.support.variants import DEFAULTS


def test_default_bake_has_the_spine(default_project):
    for relative in [
        "my_flask_app/app.py",
        "config/settings.py",
        "config/gunicorn.py",
        "Dockerfile",
        "compose.yaml",
        ".dockerignore",
        ".env",
        ".env.example",
        "run",
        "README.md",
        "LICENSE",
        "alembic.ini",
        "db/seeds.py",
        "tests/conftest.py",
    ]:
        assert (default_project / relative).is_file(), relative
    assert not (default_project / "licenses").exists()


def test_default_bake_is_static_clean(default_project):
    """No debris, everything parses, no empty folder or blank-line debris, no trace of
    an unchosen option, ruff, hadolint, shellcheck and docker-compose config are clean."""
    assert file_problems(default_project) == []
    assert blank_line_problems(default_project) == []
    assert trace_problems(default_project, DEFAULTS) == []
    assert compose_problems(default_project) == []
    assert ruff_problems([default_project]) == {}
    assert hadolint_problems([default_project]) == {}
    assert shellcheck_problems([default_project]) == {}


@pytest.mark.parametrize(
    "answers",
    [{"database": "postgresql"}, {"database": "sqlite"},
     {"database": "mysql", "auth": "accounts"}, {"database": "mongodb", "auth": "accounts"}],
    ids=lambda answers: "-".join(answers.values()),
)  # fmt: skip
def test_bandit_finds_nothing_of_medium_or_high_severity(cookies, answers):
    assert bandit_problems(bake(cookies, **answers)) == []


def test_dockerfile_runs_as_non_root_with_a_health_check(default_project):
    dockerfile = (default_project / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2
    assert "FROM python:3.14-slim" in dockerfile
    assert re.search(r"^USER \$\{UID\}:\$\{GID\}$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "/up" in dockerfile
    assert "# syntax=" not in dockerfile


def test_env_is_written_with_secrets_and_kept_private(default_project):
    env_file = default_project / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    env = read_env_file(env_file)
    example = read_env_file(default_project / ".env.example")
    assert env.keys() == example.keys()
    assert len(env["SECRET_KEY"]) >= 64
    assert len(env["POSTGRES_PASSWORD"]) >= 24
    assert example["SECRET_KEY"] == "" and example["POSTGRES_PASSWORD"] == ""
    # compose.dev.yaml's containers run as the user who baked the project.
    assert (env["UID"], env["GID"]) == (str(os.getuid()), str(os.getgid()))
    assert example["UID"] == example["GID"] == ""


def test_env_is_ignored_by_git_and_docker(default_project, tmp_path):
    git = ["git", "-c", "init.defaultBranch=main"]
    run(*git, "init", "-q", cwd=default_project, check=True)
    try:
        ignored = run("git", "check-ignore", ".env", cwd=default_project)
        assert ignored.returncode == 0, ".env is not ignored by git"
        example = run("git", "check-ignore", ".env.example", cwd=default_project)
        assert example.returncode == 1, ".env.example must be committed"
    finally:
        run("rm", "-rf", default_project / ".git", check=True)
    dockerignore = (default_project / ".dockerignore").read_text().splitlines()
    assert ".env" in dockerignore and ".env.*" in dockerignore


def test_two_bakes_get_different_secrets(cookies):
    first = read_env_file(bake(cookies) / ".env")
    second = read_env_file(bake(cookies) / ".env")
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    assert first["POSTGRES_PASSWORD"] != second["POSTGRES_PASSWORD"]


def test_a_fresh_clone_writes_its_env_with_run_dotenv(cookies):
    """.env is never committed: `./run dotenv` makes one like the bake's, with new
    secrets, and never overwrites one that exists."""
    project = bake(cookies, database="mysql")
    baked = read_env_file(project / ".env")
    (project / ".env").unlink()
    written = run("./run", "dotenv", cwd=project)
    assert written.returncode == 0, written.stderr
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    env = read_env_file(project / ".env")
    assert env.keys() == baked.keys()
    for key in ("SECRET_KEY", "MYSQL_PASSWORD"):
        assert len(env[key]) == len(baked[key]) and env[key] != baked[key], key
    assert {k: v for k, v in env.items() if k not in ("SECRET_KEY", "MYSQL_PASSWORD")} == {
        k: v for k, v in baked.items() if k not in ("SECRET_KEY", "MYSQL_PASSWORD")
    }
    before = (project / ".env").read_text()
    again = run("./run", "dotenv", cwd=project)
    assert again.returncode == 1 and "error: .env exists" in again.stderr, again
    assert (project / ".env").read_text() == before


def test_shell_scripts_and_dockerfile_keep_lf_endings(default_project):
    attributes = (default_project / ".gitattributes").read_text()
    for pattern in ["run text eol=lf", "Dockerfile text eol=lf", "*.sh text eol=lf"]:
        assert pattern in attributes
    assert os.access(default_project / "run", os.X_OK)


def test_compose_publishes_on_loopback_and_waits_for_healthy_services(default_project):
    compose = parse_structured(default_project / "compose.yaml")
    web = compose["services"]["web"]
    assert web["ports"] == ["${DOCKER_WEB_PORT_FORWARD:-127.0.0.1:8000}:8000"]
    assert web["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert web["depends_on"]["release"] == {"condition": "service_completed_successfully"}
    assert "healthcheck" in compose["services"]["postgres"]
    assert compose["volumes"] == {"postgres": {}}


def test_sqlite_variant_has_only_its_app_services(cookies):
    project = bake(cookies, database="sqlite")
    assert trace_problems(project, {**DEFAULTS, "database": "sqlite"}) == []
    compose = parse_structured(project / "compose.yaml")
    assert set(compose["services"]) == {"release", "web"}
    assert compose["volumes"] == {"instance": {}}


@pytest.mark.parametrize(
    "license_name, expected",
    [
        ("MIT", "MIT License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Apache-2.0", "Apache License"),
        ("Proprietary", "All rights reserved."),
    ],
)
def test_each_license_becomes_the_license_file(cookies, license_name, expected):
    project = bake(cookies, license=license_name, author_name="Ada Lovelace")
    text = (project / "LICENSE").read_text()
    assert expected in text and "Ada Lovelace" in text
    assert not (project / "licenses").exists()


def test_one_uv_version_everywhere(default_project):
    assert uv_version_problems(default_project) == []


@pytest.mark.slow
@pytest.mark.parametrize("slug, version", [("aaa_app", "0.1.0"), ("zz__top", "01.2.0rc01")])
def test_the_lock_is_byte_for_byte_what_uv_writes(cookies, tmp_path, slug, version):
    """Where the project's own entry goes and how its name and version are
    spelled: `uv lock` from scratch (against PyPI) writes the same bytes."""
    project = bake(cookies, project_slug=slug, version=version, auth="accounts")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "pyproject.toml").write_text((project / "pyproject.toml").read_text())
    env = {**os.environ, "UV_PYTHON": sys.executable, "UV_PYTHON_DOWNLOADS": "never"}
    run(BIN / "uv", "lock", "--quiet", cwd=fresh, env=env, check=True)
    assert (fresh / "uv.lock").read_text() == (project / "uv.lock").read_text()
