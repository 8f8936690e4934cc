"""Static checks of baked projects: they render, parse, lint and hold no debris."""

import os
import py_compile
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.baking import (
    bake,
    files,
    is_flask_template,
    parse_structured,
    read_env_file,
    text_files,
)

BIN = Path(sys.executable).parent
COOKIECUTTER_DEBRIS = re.compile(r"cookiecutter\.|\{\{-?\s*cookiecutter")
JINJA_DEBRIS = re.compile(r"\{\{|\{%|\{#|%\}|#\}")


def run(*args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


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


def test_no_template_debris(default_project):
    for path in text_files(default_project):
        text = path.read_text()
        assert not COOKIECUTTER_DEBRIS.search(text), path
        if not is_flask_template(path) and path.suffix != ".mako":
            assert not JINJA_DEBRIS.search(text), path


def test_no_empty_folders(default_project):
    empty = [p for p in default_project.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert empty == []


def test_python_files_compile(default_project, tmp_path):
    for path in files(default_project):
        if path.suffix == ".py":
            py_compile.compile(str(path), cfile=str(tmp_path / "x.pyc"), doraise=True)


def test_structured_files_parse(default_project):
    parsed = [
        parse_structured(p)
        for p in files(default_project)
        if p.suffix in {".yaml", ".yml", ".toml", ".json"}
    ]
    assert len(parsed) >= 3  # compose.yaml, compose.dev.yaml, pyproject.toml


def test_ruff_check_and_format_are_clean(default_project):
    check = run(str(BIN / "ruff"), "check", "--no-cache", ".", cwd=default_project)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", "--no-cache", ".", cwd=default_project)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.parametrize(
    "compose_files", [["compose.yaml"], ["compose.yaml", "compose.dev.yaml"]], ids=["prod", "dev"]
)
def test_compose_file_is_valid(default_project, compose_files):
    args = [arg for name in compose_files for arg in ("-f", name)]
    result = run(str(BIN / "docker-compose"), *args, "config", "--quiet", cwd=default_project)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_bandit_finds_nothing_of_medium_or_high_severity(cookies, database):
    project = bake(cookies, database=database)
    result = run(
        str(BIN / "bandit"), "--quiet", "--recursive", ".", "--exclude", "./tests,./.venv",
        "--severity-level", "medium", cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_lint_clean(default_project):
    result = run(str(BIN / "hadolint"), "--no-color", "Dockerfile", cwd=default_project)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_with_a_health_check(default_project):
    dockerfile = (default_project / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2
    assert "FROM python:3.13-slim" in dockerfile
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


def test_env_is_ignored_by_git_and_docker(default_project, tmp_path):
    git = ["git", "-c", "init.defaultBranch=main"]
    assert run(*git, "init", "-q", cwd=default_project).returncode == 0
    try:
        ignored = run("git", "check-ignore", ".env", cwd=default_project)
        assert ignored.returncode == 0, ".env is not ignored by git"
        example = run("git", "check-ignore", ".env.example", cwd=default_project)
        assert example.returncode == 1, ".env.example must be committed"
    finally:
        subprocess.run(["rm", "-rf", str(default_project / ".git")], check=True)
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


def test_sqlite_variant_leaves_no_trace_of_postgresql(cookies):
    project = bake(cookies, database="sqlite")
    for path in text_files(project):
        assert not re.search(r"postgres|psycopg", path.read_text(), re.I), path
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
