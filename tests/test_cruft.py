"""Projects can be created with cruft and later updated from the template."""

import json

from tests.support.baking import read_env_file
from tests.support.runners import run
from tests.support.template import BIN, TEMPLATE_DIR


def test_cruft_create_bakes_the_default_project_from_a_clone(tmp_path):
    clone = tmp_path / "template"
    run("git", "clone", "--quiet", TEMPLATE_DIR, clone, check=True)
    out = tmp_path / "out"
    run(BIN / "cruft", "create", "--no-input", "--output-dir", out, clone, timeout=120, check=True)
    project = out / "my_flask_app"
    recorded = json.loads((project / ".cruft.json").read_text())
    assert recorded["template"] == str(clone)
    assert recorded["context"]["cookiecutter"]["project_slug"] == "my_flask_app"
    # Secrets come from the hook, never from the recorded (plain-text) context.
    env_secret = read_env_file(project / ".env")["SECRET_KEY"]
    assert len(env_secret) >= 64 and env_secret not in (project / ".cruft.json").read_text()
    assert "cruft update" in (project / "README.md").read_text()
