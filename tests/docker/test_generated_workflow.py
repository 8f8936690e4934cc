"""The generated GitHub workflow's compose steps, run here as Actions runs them.

A checkout has no .env (it is git-ignored), so the steps write one with
`./run dotenv`, start the stack with `docker compose up --build --wait` and
GET /up on the port .env.example publishes (127.0.0.1:8000). Each `run:`
script goes through `bash -eo pipefail`, as on GitHub's runners; the
`if: always()` cleanup step runs afterwards whatever happened.
"""

import socket

import pytest
import yaml

from tests.support.baking import bake
from tests.support.runners import clean_env, run
from tests.support.stacks import Stack, ensure_standins_for

pytestmark = pytest.mark.docker

PUBLISHED = ("127.0.0.1", 8000)  # DOCKER_WEB_PORT_FORWARD in .env.example


def port_is_free(address):
    with socket.socket() as sock:
        return sock.connect_ex(address) != 0


def run_step(script, project, env):
    run("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script,
        cwd=project, env=env, timeout=1200, check=True)  # fmt: skip


def test_the_workflow_starts_the_stack_from_a_fresh_checkout(cookies_session, docker_engine):
    project = bake(cookies_session, ci="github")
    assert not ensure_standins_for(project)
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    steps = [s for s in workflow["jobs"]["docker"]["steps"] if "run" in s]
    (project / ".env").unlink()
    if not port_is_free(PUBLISHED):
        pytest.skip(f"docker tier: {PUBLISHED}, which the workflow publishes on, is taken")
    stack = Stack(project)
    env = clean_env(COMPOSE_PROJECT_NAME=stack.name)
    try:
        for step in steps:
            if "if" not in step:
                run_step(step["run"], project, env)
        assert (project / ".env").is_file()
    finally:
        for step in steps:
            if step.get("if") == "always()":
                run_step(step["run"], project, env)
        stack.down()
