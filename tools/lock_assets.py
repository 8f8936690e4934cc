"""Regenerate the lockfiles of assets/package.json, one per frontend and css pair.

    .venv/bin/python tools/lock_assets.py [htmx-plain ...]   (default: every pair)

Each pair is baked into a temporary folder, `npm install --package-lock-only`
resolves its exact pins against the registry, and the lockfile is stored as
{{cookiecutter.project_slug}}/assets/locks/<frontend>-<css>.json with the
project's name put back as a cookiecutter variable. Run it after changing a
version in assets/package.json, then run the frontend tests.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
LOCKS = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "assets" / "locks"
SLUG = "lock_assets"
NPM_NAME = "lock-assets-assets"
NPM_NAME_VARIABLE = "{{ cookiecutter.project_slug|replace('_', '-') }}-assets"


def pairs():
    options = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    for frontend in options["frontend"]:
        for css in options["css"]:
            if (frontend, css) != ("none", "plain"):
                yield frontend, css


def lock(frontend, css, workdir):
    stored = LOCKS / f"{frontend}-{css}.json"
    if not stored.exists():
        stored.write_text("{}\n")  # a first bake needs a lockfile to move into place
    project = Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            output_dir=str(workdir / f"{frontend}-{css}"),
            extra_context={"project_slug": SLUG, "frontend": frontend, "css": css},
        )
    )
    assets = project / "assets"
    (assets / "package-lock.json").unlink()
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--no-audit", "--no-fund"],
        cwd=assets,
        check=True,
    )
    text = (assets / "package-lock.json").read_text()
    assert text.count(NPM_NAME) == 2, "the project name should appear twice"
    stored.write_text(text.replace(NPM_NAME, NPM_NAME_VARIABLE))


def main():
    wanted = set(sys.argv[1:])
    with tempfile.TemporaryDirectory() as workdir:
        for frontend, css in pairs():
            if wanted and f"{frontend}-{css}" not in wanted:
                continue
            print(f"locking {frontend} + {css}", flush=True)
            lock(frontend, css, Path(workdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
