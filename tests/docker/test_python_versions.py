"""The image builds on every python_version answer and runs that Python.

The build installs the locked dependencies (`uv sync --locked`) and runs `flask digest compile`,
which imports the app, so a pin that does not install, or code that does not
import, on one of the offered Pythons fails here. The default variant's whole
stack is proven in test_variant_stacks.py.
"""

import re
import uuid

import pytest

from tests.support import variants
from tests.support.baking import bake
from tests.support.stacks import build_image, ensure_standins_for, images_named_by, run_in_image, sh

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("python_version", variants.available_values("python_version"))
def test_image_builds_on_and_runs_the_chosen_python(cookies_session, docker_engine, python_version):
    project = bake(cookies_session, python_version=python_version)
    named = images_named_by(project)
    python_bases = [image for image in named if image.startswith("python:")]
    assert python_bases == [f"python:{python_version}-slim"], named
    ensure_standins_for(project)
    tag = f"cfd-test-app-{uuid.uuid4().hex[:10]}:latest"
    try:
        build_image(project, tag)
        out = run_in_image(tag, "python --version; id -u; gunicorn --version").splitlines()
        assert re.fullmatch(rf"Python {re.escape(python_version)}\.\d+", out[0]), out
        assert out[1] == "1000", out
        assert out[2].startswith("gunicorn"), out
    finally:
        sh("docker", "rmi", "--force", tag, check=False, timeout=120)
