"""Projects can be created with cruft and later updated from the template."""

import json
import subprocess
import sys
from pathlib import Path

from tests.baking import TEMPLATE_DIR

BIN = Path(sys.executable).parent


def test_cruft_create_bakes_the_default_project_from_a_clone(tmp_path):
    clone = tmp_path / "template"
    subprocess.run(["git", "clone", "--quiet", str(TEMPLATE_DIR), str(clone)], check=True)
    out = tmp_path / "out"
    result = subprocess.run(
        [str(BIN / "cruft"), "create", "--no-input", "--output-dir", str(out), str(clone)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    project = out / "my_flask_app"
    recorded = json.loads((project / ".cruft.json").read_text())
    assert recorded["template"] == str(clone)
    assert recorded["context"]["cookiecutter"]["project_slug"] == "my_flask_app"
    # Secrets come from the hook, never from the recorded (plain-text) context.
    env_secret = next(
        line.split("=", 1)[1]
        for line in (project / ".env").read_text().splitlines()
        if line.startswith("SECRET_KEY=")
    )
    assert len(env_secret) >= 64 and env_secret not in (project / ".cruft.json").read_text()
    assert "cruft update" in (project / "README.md").read_text()
