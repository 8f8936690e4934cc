"""Prune what the answers did not choose, write .env and say what to do next.

Runs inside the freshly generated project. It never touches the network, so a
bake works offline.
"""

import json
import secrets
import shutil
import sys
from pathlib import Path

# Every answer, as rendered by cookiecutter (JSON keeps quotes and newlines intact).
ANSWERS = json.loads(r"""{{ cookiecutter|tojson }}""")

PKG = ANSWERS["package_name"]

# The manifest: which paths belong to which option value. A path listed under
# any value is kept only when one of the values it is listed under was chosen;
# paths listed nowhere belong to every variant.
K8S = "deploy/kubernetes/base"
MANIFEST = {
    "database": {
        "postgresql": ["alembic.ini", "db", f"{PKG}/models.py", f"{K8S}/release.yaml"],
        "sqlite": ["alembic.ini", "db", f"{PKG}/models.py"],
        "mysql": [f"{K8S}/release.yaml"],
        "mongodb": [f"{K8S}/release.yaml"],
    },
    "use_kubernetes": {True: ["deploy/kubernetes"]},
    "use_nginx": {True: [f"{K8S}/nginx.conf", f"{K8S}/nginx-sidecar.yaml"]},
    "use_celery": {True: [f"{K8S}/worker.yaml"]},
    "ci": {"github": [".github"]},
}

# The license texts live side by side; the chosen one becomes LICENSE.
LICENSES_DIR = "licenses"


def unchosen_paths(answers, manifest):
    """Paths that belong only to option values the answers did not choose."""
    keep, drop = set(), set()
    for option, by_value in manifest.items():
        for value, paths in by_value.items():
            (keep if answers[option] == value else drop).update(paths)
    return sorted(drop - keep)


def remove(path):
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def remove_empty_dirs(root):
    for folder in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def install_license(root, chosen):
    licenses = root / LICENSES_DIR
    (licenses / chosen).replace(root / "LICENSE")
    shutil.rmtree(licenses)


def write_env(root):
    """Copy .env.example to .env with secrets made for this bake alone."""
    fresh = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
    }
    lines = []
    for line in (root / ".env.example").read_text().splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}={fresh[key]}" if key in fresh and "=" in line else line)
    env = root / ".env"
    env.write_text("\n".join(lines) + "\n")
    env.chmod(0o600)


def write_kubernetes_secrets(root):
    """Give each Kubernetes overlay a git-ignored secrets.env with its own SECRET_KEY."""
    for example in sorted(root.glob("deploy/kubernetes/overlays/*/secrets.env.example")):
        lines = [
            f"SECRET_KEY={secrets.token_urlsafe(64)}" if line.startswith("SECRET_KEY=") else line
            for line in example.read_text().splitlines()
        ]
        target = example.with_name("secrets.env")
        target.write_text("\n".join(lines) + "\n")
        target.chmod(0o600)


def next_steps(slug):
    return f"""
Your project is ready in ./{slug}

  Run it with Docker:     cd {slug} && docker compose up --build
  Run it without Docker:  cd {slug} && ./run start

Then open http://127.0.0.1:8000 . ./run help lists every task.
"""


def main():
    root = Path.cwd()
    for relative in unchosen_paths(ANSWERS, MANIFEST):
        remove(root / relative)
    install_license(root, ANSWERS["license"])
    remove_empty_dirs(root)
    write_env(root)
    write_kubernetes_secrets(root)
    print(next_steps(ANSWERS["project_slug"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
