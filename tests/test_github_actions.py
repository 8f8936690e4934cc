"""The GitHub Actions workflow and Dependabot config of baked projects (ci=github).

Validated with check-jsonschema's vendored GitHub workflow and Dependabot
schemas and audited by zizmor (all offline), then read for what they must do:
lint, test against the chosen services, build the assets, start the compose
stack as users do, build the image; update every ecosystem weekly, grouped.
"""

import re
from pathlib import Path

import pytest
import yaml

from local_extensions import DATABASE_SERVICES
from tests.support import variants
from tests.support.baking import bake
from tests.support.checks import tidy_problems
from tests.support.runners import run
from tests.support.servers import DATABASES
from tests.support.template import BIN

VARIANTS = variants.ci_variants()


@pytest.fixture(scope="module")
def workflows(cookies_session):
    """{variant id: project} of every ci=github variant, baked once."""
    return {variants.variant_id(a): bake(cookies_session, **a) for a in VARIANTS}


def test_workflows_validate_against_the_github_workflow_schema(workflows):
    paths = [p / ".github/workflows/ci.yml" for p in workflows.values()]
    assert paths
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_configs_validate_against_the_dependabot_schema(workflows):
    paths = [p / ".github/dependabot.yml" for p in workflows.values()]
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.dependabot", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dependabot_schema_check_rejects_a_broken_config(tmp_path):
    broken = tmp_path / "dependabot.yml"
    broken.write_text("version: 2\nupdates:\n  - package-ecosystem: pipx\n    directory: /\n")
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.dependabot", broken)
    assert result.returncode == 1 and "pipx" in result.stdout + result.stderr


def zizmor(*paths):
    return run(BIN / "zizmor", "--offline", "--no-progress", "--color=never", *paths)


def test_zizmor_finds_nothing_in_any_variant(workflows):
    """Every variant in one offline audit: its workflow, its Dependabot config and
    whatever else zizmor audits (the pre-commit config)."""
    result = zizmor(*workflows.values())
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "No findings to report" in output, output
    audited = {Path(p).resolve() for p in re.findall(r"completed (\S+)", output)}
    for project in workflows.values():
        for config in (".github/workflows/ci.yml", ".github/dependabot.yml"):
            assert (project / config).resolve() in audited, (project / config, output)


def test_zizmor_reports_a_planted_injection(tmp_path):
    """The audit really runs offline: a pull request's title in a script is caught."""
    folder = tmp_path / ".github/workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(
        "on: pull_request_target\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    result = zizmor(tmp_path / ".github")
    assert result.returncode != 0 and "template-injection" in result.stdout, result.stdout


@pytest.mark.parametrize("answers", VARIANTS, ids=variants.ids(VARIANTS))
def test_dependabot_updates_every_ecosystem_weekly_in_groups(workflows, answers):
    project = workflows[variants.variant_id(answers)]
    config = yaml.safe_load((project / ".github/dependabot.yml").read_text())
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    expected = {"uv", "docker", "docker-compose", "github-actions"}
    assert set(updates) == expected | ({"npm"} if variants.has_assets(answers) else set())
    assert (project / "uv.lock").exists() and (project / "compose.yaml").exists()
    if "npm" in updates:
        assert updates["npm"]["directory"] == "/assets"
        assert (project / "assets/package-lock.json").exists()
    for ecosystem, update in updates.items():
        assert update["schedule"]["interval"] == "weekly", ecosystem
        (group,) = update["groups"].values()
        assert group == {"patterns": ["*"], "update-types": ["minor", "patch"]}, ecosystem
        assert update["cooldown"]["default-days"] >= 7, ecosystem


def test_actions_are_pinned_to_commits_and_uv_to_the_runs_version(default_ci_workflow):
    project, text = default_ci_workflow
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)
    run_version = re.search(r'^UV_VERSION="(.+)"$', (project / "run").read_text(), re.M)
    workflow = yaml.safe_load(text)
    setup_uv = [
        step["with"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("astral-sh/setup-uv@")
    ]
    assert setup_uv and all(w["version"] == run_version.group(1) for w in setup_uv)
    assert all(w["cache-dependency-glob"] == "uv.lock" for w in setup_uv)


def test_the_workflow_schema_check_rejects_a_broken_workflow(tmp_path):
    """The vendored schema is really applied (and needs no network)."""
    broken = tmp_path / "ci.yml"
    broken.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: true\n")
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", broken)
    assert result.returncode == 1 and "runs-on" in result.stdout + result.stderr


@pytest.mark.parametrize("answers", VARIANTS, ids=variants.ids(VARIANTS))
def test_workflow_lints_tests_with_services_builds_assets_and_image(workflows, answers):
    project = workflows[variants.variant_id(answers)]
    path = project / ".github/workflows/ci.yml"
    assert tidy_problems(project, [path]) == []
    workflow = yaml.safe_load(path.read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"lint", "test", "docker"}

    def runs(job):
        return [step.get("run") for step in jobs[job]["steps"]]

    # the same tasks as on a laptop, after ./run setup installs from uv.lock
    assert runs("lint")[-2:] == ["./run setup", "./run lint"]
    assert runs("test")[-2:] == ["./run setup", "./run test"]
    for job in ("lint", "test", "docker"):
        checkout = jobs[job]["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@"), job
        assert checkout["with"]["persist-credentials"] is False, job
    setup_python = [s for s in jobs["test"]["steps"] if "setup-python" in s.get("uses", "")]
    assert setup_python[0]["with"]["python-version"] == "3.14"

    services = jobs["test"].get("services", {})
    env = jobs["test"].get("env", {})
    database = answers["database"]
    service = DATABASE_SERVICES.get(database)
    assert set(services) == {service} - {None} | ({"redis"} if answers["use_redis"] else set())
    setting = DATABASES[database].url_setting
    if service:
        port = services[service]["ports"][0].split(":")[0]
        assert re.match(rf"{database}://(.*@)?127\.0\.0\.1:{port}/", env[setting]), env[setting]
    else:
        assert setting not in env
    assert ("REDIS_URL" in env) == answers["use_redis"]
    # the services and Node.js that CI tests on are those compose and the image run
    compose = yaml.safe_load((project / "compose.yaml").read_text())["services"]
    assert {name: s["image"] for name, s in services.items()} == {
        name: compose[name]["image"] for name in services
    }

    assets = variants.has_assets(answers)
    assert ("./run assets" in runs("test")) == assets
    setup_node = [s for s in jobs["test"]["steps"] if "setup-node" in s.get("uses", "")]
    if assets:
        dockerfile = (project / "Dockerfile").read_text()
        stage = re.search(r"^FROM node:(\d+)-slim AS assets$", dockerfile, re.M)
        assert setup_node[0]["with"]["node-version"] == stage.group(1) == "24"
    else:
        assert not setup_node
    assert (project / "assets/package.json").exists() == assets

    docker = jobs["docker"]
    assert docker["needs"] == ["lint", "test"]
    # the stack starts as users start it (a fresh checkout has no .env), before a push
    steps = [step.get("run", step.get("uses", "")) for step in docker["steps"]]
    up = next(i for i, run in enumerate(steps) if "docker compose up" in run)
    assert steps[up].split("\n")[:2] == [
        "./run dotenv",
        "docker compose up --build --wait --wait-timeout 300",
    ]
    assert "http://127.0.0.1:8000/up" in steps[up + 1]
    assert docker["steps"][-1]["uses"].startswith("docker/build-push")
    down = next(s for s in docker["steps"] if "docker compose down" in s.get("run", ""))
    assert down["if"] == "always()" and "--volumes" in down["run"]
    build = [s for s in docker["steps"] if s.get("uses", "").startswith("docker/build-push")]
    assert build and build[0]["with"]["context"] == "."
    assert build[0]["with"]["target"] == "app"


@pytest.fixture(scope="module")
def default_ci_workflow(workflows):
    project = workflows[variants.variant_id({"ci": "github"})]
    return project, (project / ".github/workflows/ci.yml").read_text()


def test_no_ci_leaves_no_trace(default_project):
    """(The static checks find no workflow word anywhere in such a project.)"""
    assert not (default_project / ".github").exists()
    assert "### Continuous integration" not in (default_project / "README.md").read_text()
