"""The image builds on every python_version answer and runs that Python.

The build installs the pinned requirements and runs `flask digest compile`,
which imports the app, so a pin that does not install, or code that does not
import, on one of the offered Pythons fails here. The default variant's whole
stack is proven in test_variant_stacks.py.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests import matrix
from tests.baking import bake, clean_env
from tests.docker.stacks import images_named_by, sh
from tools.standins import build as builder

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("python_version", matrix.available_values("python_version"))
def test_image_builds_on_and_runs_the_chosen_python(cookies_session, docker_engine, python_version):
    project = bake(cookies_session, python_version=python_version)
    named = images_named_by(project)
    python_bases = [image for image in named if image.startswith("python:")]
    assert python_bases == [f"python:{python_version}-slim"], named
    builder.ensure_standins(python_bases)
    tag = f"cfd-test-app-{uuid.uuid4().hex[:10]}:latest"
    try:
        sh(
            "docker", "build", "--tag", tag, str(project),
            env=clean_env(DOCKER_BUILDKIT="1"), timeout=1200,
        )  # fmt: skip
        out = sh(
            "docker", "run", "--rm", "--entrypoint", "sh", tag,
            "-c", "python --version; id -u; gunicorn --version",
        ).stdout.splitlines()  # fmt: skip
        assert re.fullmatch(rf"Python {re.escape(python_version)}\.\d+", out[0]), out
        assert out[1] == "1000", out
        assert out[2].startswith("gunicorn"), out
    finally:
        sh("docker", "rmi", "--force", tag, check=False, timeout=120)
