"""The newcomer tier: a fresh bake, followed word by word through its README.

The commands are read from the generated README's own ```sh blocks, in the
order it gives them, and each one runs as written in the project folder:
*Develop* (`./run setup`, `./run dev`, `./run test`, `./run lint`) and *Run it*
(`./run start`). The default bake starts where a developer starts, with
*Develop* on the fresh bake (no assets built, no migration run); the bake with
every option on reads the README from the top, so `./run dev` follows the
digested copies `./run start` left behind. A command that fails fails the test.

A server command (`./run dev`, `./run start`) runs until it answers, on a free
port instead of 8000 (tests run side by side), and the page it serves must be
what the README promises: every stylesheet and script the home page links
answers 200 with content, the example notes are listed, no notice says the
database is unreachable or has no tables, and /up answers 200.

Not followed here: `./run watch` (a second terminal next to `./run dev`; the
frontend tier drives the watchers), the `docker compose` lines (the docker
tier: tests/docker/test_development.py), and the deployment sections.
"""

import re

import pytest

from tests.support.baking import bake
from tests.support.runners import background, free_port, get, http, project_env, run, wait_for
from tests.support.variants import DEFAULTS, ids, newcomer_variants
from tests.support.venvs import venv_for

pytestmark = pytest.mark.slow

SERVERS = {"./run dev", "./run start"}
# ./run watch runs until stopped; pre-commit needs a git repository:
# tests/test_checks.py runs its hooks with `pre-commit run --all-files` in one.
NOT_FOLLOWED = {
    "./run watch",
    ".venv/bin/pre-commit install",
    ".venv/bin/pre-commit run --all-files",
}
NOTICES = ('id="db-unavailable"', 'id="db-no-tables"', 'id="no-notes"')


def readme_commands(readme, section):
    """The shell commands of a README section's ```sh blocks, comments dropped."""
    body = re.search(rf"^## {section}\n(.*?)(?=^## )", readme, re.M | re.S).group(1)
    blocks = re.findall(r"^```sh\n(.*?)^```", body, re.M | re.S)
    lines = (line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line]


def check_page(base, answers, log):
    status, home = get(f"{base}/")
    assert status == 200, home[:2000]
    linked = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', home)
    assert any(path.endswith(".css") for path in linked), home[:2000]
    if answers["frontend"] != "none":
        assert any(path.endswith(".js") for path in linked), home[:2000]
    for path in linked:
        status, _, body = http(base + path)
        assert status == 200 and body, f"{path} -> {status}\n{log()[-3000:]}"
    shown = [notice for notice in NOTICES if notice in home]
    assert not shown, (shown, home[:3000])
    if answers["database"] != "none":
        assert 'id="notes"' in home, home[:3000]
    status, body = get(f"{base}/up")
    assert status == 200, body


def serve(project, command, answers):
    port = free_port()
    # The README's port is 8000; PORT and GUNICORN_BIND move it to a free one.
    env = {"PORT": str(port), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    log = project / f"newcomer-{port}.log"
    with background(project, command.split(), log, **env) as process:
        # The first run installs the npm packages and builds the assets.
        wait_for(f"http://127.0.0.1:{port}/up", 600, process=process)
        check_page(f"http://127.0.0.1:{port}", answers, log.read_text)


@pytest.mark.parametrize("answers", newcomer_variants(), ids=ids(newcomer_variants()))
def test_the_readme_commands_work_as_written(cookies, answers):
    project = bake(cookies, **answers)
    answers = {**DEFAULTS, **answers}
    readme = (project / "README.md").read_text()
    develop, run_it = readme_commands(readme, "Develop"), readme_commands(readme, "Run it")
    local = [c for c in run_it if c.startswith("./run")]
    assert local == ["./run start"], run_it
    assert develop[:2] == ["./run setup", "./run dev"], develop
    steps = develop + local if answers == DEFAULTS else local + develop
    # The shared environment of these pins: `./run setup` then finds them installed.
    venv_for(project)
    for command in steps:
        if command in NOT_FOLLOWED or command.startswith("docker "):
            continue
        if command in SERVERS:
            serve(project, command, answers)
            continue
        assert command.startswith("./run "), f"a command this tier cannot follow: {command}"
        result = run(*command.split(), cwd=project, env=project_env(project), timeout=900)
        assert result.returncode == 0, (command, result.stdout[-4000:], result.stderr[-4000:])
