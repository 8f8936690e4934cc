"""Baking variants of the template for the tests."""

import json
import os
import tomllib
from pathlib import Path

import yaml

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())

# Folders whose files are Flask (not cookiecutter) Jinja templates.
FLASK_TEMPLATE_DIRS = {"templates"}
TEXT_SUFFIXES = {
    ".py", ".toml", ".yaml", ".yml", ".json", ".md", ".html", ".css", ".ini",
    ".txt", ".example", ".cfg", ".sh", ".js", ".mjs", ".jsx", ".mako", ".svg",
}  # fmt: skip
TEXT_NAMES = {
    "Dockerfile", "run", "LICENSE", ".env", ".gitignore", ".dockerignore", ".gitattributes",
}  # fmt: skip


def check_keys(extra_context):
    """Cookiecutter silently ignores unknown keys; a typo would bake the default."""
    unknown = set(extra_context) - set(COOKIECUTTER_JSON)
    assert not unknown, f"not options of cookiecutter.json: {sorted(unknown)}"


def bake(cookies, **extra_context):
    """Bake one variant and return its project folder; fail loudly if it did not bake."""
    check_keys(extra_context)
    result = cookies.bake(extra_context=extra_context)
    assert result.exception is None, f"bake failed: {result.exception!r}"
    assert result.exit_code == 0
    return Path(result.project_path)


def files(project):
    return sorted(p for p in project.rglob("*") if p.is_file() and ".venv" not in p.parts)


def text_files(project):
    return [p for p in files(project) if p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES]


def is_flask_template(path):
    return bool(FLASK_TEMPLATE_DIRS & set(path.parts))


def parse_structured(path):
    """Parse a YAML, TOML or JSON file; raises if it is not valid."""
    text = path.read_text()
    if path.suffix in {".yaml", ".yml"}:
        return yaml.safe_load(text)
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    raise ValueError(f"not a structured file: {path}")


def read_env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def clean_env(**overrides):
    """The environment for a generated project's processes: no leaking settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "DATABASE_", "GUNICORN_", "SECRET_", "REDIS_"))
    }
    env.update(overrides)
    return env
