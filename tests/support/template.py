"""Where the template is, what it asks, and the tools the tests run."""

import json
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[2]
HOOKS_DIR = TEMPLATE_DIR / "hooks"
PROJECT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
COOKIECUTTER_JSON = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
BUILD_DIR = TEMPLATE_DIR / "build"
# ruff, hadolint, docker-compose, kubectl, bandit, cruft: installed next to this Python.
BIN = Path(sys.executable).parent

# Cookiecutter puts the template folder on sys.path to load local_extensions;
# the tests do the same to import the conditions it states.
if str(TEMPLATE_DIR) not in sys.path:
    sys.path.insert(0, str(TEMPLATE_DIR))
