"""Prune what the answers did not choose, write .env and say what to do next.

Runs inside the freshly generated project. It never touches the network, so a
bake works offline.
"""

import hashlib
import json
import os
import re
import runpy
import secrets
import shlex
import shutil
import sys
import tomllib
from pathlib import Path

# Every answer, as rendered by cookiecutter (JSON keeps quotes and newlines intact).
ANSWERS = json.loads(r"""{{ cookiecutter|tojson }}""")

# Conditions derived from the answers, stated once in local_extensions.py.
SQL_DATABASE = "{{ cookiecutter.database is sql }}" == "True"
WITH_ASSETS = "{{ cookiecutter is with_assets }}" == "True"

# Where tools/lock_python.py stored the locks (local_extensions.py, absolute).
PYTHON_LOCKS = Path(json.loads(r"""[{{ python_locks|tojson }}]""")[0])

PKG = ANSWERS["package_name"]
DEMO = f"{PKG}/blueprints/demo"
PAGE = f"{PKG}/blueprints/page"
# The switch of the examples: a frontend's demo, Celery's example task.
EXAMPLES = f"{PKG}/examples.py"

# The frontends bundled with esbuild from assets/ ("none" has no JavaScript).
JS_FRONTENDS = ("htmx", "hotwire", "alpinejs", "vue", "react", "jquery")
# Turbo sends the CSRF token of its own accord; the others import assets/js/csrf.js.
CSRF = "assets/js/csrf.js"
FRONTEND_EXTRAS = {
    "htmx": [f"{DEMO}/templates/demo/greeting.html", CSRF],
    "hotwire": ["assets/js/controllers", f"{DEMO}/templates/demo/second_page.html"],
    "alpinejs": [CSRF],
    "vue": [CSRF],
    "react": [CSRF],
    "jquery": [CSRF],
}


def frontend_files(frontend):
    """What a JavaScript frontend adds: the bundle's sources and the demo."""
    return [
        "assets",
        "assets/esbuild.config.mjs",
        f"{PKG}/templates/layouts/scripts.html",
        DEMO,
        EXAMPLES,
        *FRONTEND_EXTRAS.get(frontend, []),
    ]


# The manifest: which paths belong to which option value. A path listed under
# any value is kept only when one of the values it is listed under was chosen;
# paths listed nowhere belong to every variant.
SQL = [
    "alembic.ini",
    "db",
    f"{PKG}/models.py",
    f"{PAGE}/templates/page/no_tables.html",
    "tests/test_migrations.py",
]
MONGODB = [f"{PKG}/mongo.py", f"{PKG}/notes.py"]
K8S = "deploy/kubernetes/base"
MANIFEST = {
    "database": {
        "postgresql": [*SQL, "tests/test_notes.py", f"{K8S}/release.yaml"],
        "sqlite": [*SQL, "tests/test_notes.py"],
        "mysql": [*SQL, "tests/test_notes.py", f"{K8S}/release.yaml"],
        "mongodb": [*MONGODB, "tests/test_notes.py", f"{K8S}/release.yaml"],
    },
    "use_redis": {
        True: ["tests/test_cache.py"],
    },
    "use_celery": {
        True: [
            f"{PKG}/celery_app.py",
            f"{PKG}/tasks.py",
            f"{PKG}/worker.py",
            f"{PKG}/blueprints/tasks",
            "tests/test_tasks.py",
            f"{K8S}/worker.yaml",
            EXAMPLES,
        ],
    },
    "use_nginx": {
        True: [
            "nginx",
            f"{PKG}/static/50x.html",
            "tests/test_proxy.py",
            f"{K8S}/nginx.conf",
            f"{K8S}/nginx-sidecar.yaml",
        ],
    },
    "use_kubernetes": {True: ["deploy/kubernetes"]},
    "ci": {"github": [".github"]},
    "error_tracking": {
        "sentry": [f"{PKG}/error_tracking.py", "tests/test_error_tracking.py"],
    },
    "auth": {
        "accounts": [
            f"{PKG}/accounts.py",
            f"{PKG}/users.py",
            f"{PKG}/blueprints/accounts",
            f"{PKG}/templates/layouts/nav.html",
            "db/versions/20250101_0002_create_users.py",
            "db/versions/20250101_0003_add_users_confirmed_at.py",
            "tests/test_accounts.py",
        ],
    },
    "frontend": {frontend: frontend_files(frontend) for frontend in JS_FRONTENDS},
    "css": {"tailwind": ["assets"]},
}


def versioned_files(answers):
    """{final path: source pattern} for the files that come in versions.

    The versions live side by side in the template, and a pattern names them
    with the answer that picks one in braces (never doubled: cookiecutter renders
    this file with Jinja first): the chosen version takes the
    final name, the others are removed, and when the answers choose none (no
    lockfile without npm) the file is absent.
    """
    entry = "assets/js/app.jsx" if answers["frontend"] == "react" else "assets/js/app.js"
    # esbuild or Tailwind builds the stylesheet from assets/ when there is npm.
    stylesheet = "assets/css/app.css" if WITH_ASSETS else f"{PKG}/static/css/app.css"
    return {
        "LICENSE": "licenses/{license}",
        "assets/package-lock.json": "assets/locks/{frontend}-{css}.json",
        entry: "assets/js/app.{frontend}" + Path(entry).suffix,
        stylesheet: "assets/css/app.{css}.css",
        f"{DEMO}/views.py": DEMO + "/views.{demo}.py",
        f"{DEMO}/templates/demo/panel.html": DEMO + "/templates/demo/panel.{frontend}.html",
        "tests/test_demo.py": "tests/test_demo.{demo}.py",
        # How ./run release treats the example records (no database, no file).
        "tests/test_release.py": "tests/test_release.{page}.py",
        f"{PAGE}/views.py": PAGE + "/views.{page}.py",
        f"{PAGE}/templates/page/card.html": PAGE + "/templates/page/card.{card}.html",
        # The users of the accounts, in the chosen database (gone with auth=none).
        f"{PKG}/users.py": PKG + "/users.{page}.py",
    }


def choices(answers):
    """The answers, and the names of the versions that several values share."""
    frontend, database = answers["frontend"], answers["database"]
    return {
        **answers,
        # The component frontends share one JSON endpoint and its tests.
        "demo": frontend if frontend in ("htmx", "hotwire", "none") else "json",
        "page": "sql" if SQL_DATABASE else database,
        "card": "notes" if database != "none" else "next_steps",
    }


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


def install_versions(root, answers):
    chosen = choices(answers)
    moves = {}
    for final, pattern in versioned_files(answers).items():
        source = root / pattern.format_map(chosen)
        # Every version's name starts as the pattern does, up to the first brace.
        for version in root.glob(pattern.split("{")[0] + "*"):
            if version != source:
                remove(version)
        if source.exists():
            moves[source] = root / final
    for source, final in moves.items():
        final.parent.mkdir(parents=True, exist_ok=True)
        source.replace(final)


def remove_empty_dirs(root):
    for folder in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def write_env(root):
    """Write .env with secrets made for this bake alone, as `./run dotenv` does."""
    env_file = runpy.run_path(str(root / "config" / "env_file.py"))
    env_file["write_env"](root / ".env.example", root / ".env")


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


def python_lock(pyproject, store):
    """The project's uv.lock, from the locks tools/lock_python.py stored.

    uv wrote one lock per set of dependencies, for a project named
    lock-placeholder; this takes the one made for this pyproject.toml and puts
    the project's own name and version in it, at its place in uv's order.
    """
    data = tomllib.loads(pyproject)
    wanted = {
        "requires-python": data["project"]["requires-python"],
        "dependencies": data["project"]["dependencies"],
        "dependency-groups": data.get("dependency-groups", {}),
    }
    entries = json.loads((store / "variants.json").read_text())
    entry = next((e for e in entries if e["requires"] == wanted), None)
    if entry is None:
        sys.exit("ERROR: no stored uv.lock for these dependencies: run tools/lock_python.py.")
    blocks = (store / "packages.lock").read_text().split("\n[[package]]\n")
    blocks = ["[[package]]\n" + b.removeprefix("[[package]]\n").rstrip("\n") + "\n" for b in blocks]
    by_id = {hashlib.sha256(b.encode()).hexdigest()[:16]: b for b in blocks}
    packages = [by_id[i] for i in entry["packages"]]
    # uv normalizes the name (PEP 503) and the version (no leading zeros).
    name = re.sub(r"[-_.]+", "-", data["project"]["name"]).lower()
    version = re.sub(r"\d+", lambda m: str(int(m.group())), data["project"]["version"])
    own = entry["project"].replace(
        'name = "lock-placeholder"\nversion = "0.1.0"\n',
        f'name = "{name}"\nversion = "{version}"\n',
        1,
    )
    at = sum(1 for b in packages if re.match(r'\[\[package]]\nname = "([^"]+)"', b)[1] < name)
    return entry["header"] + "\n".join([*packages[:at], own, *packages[at:]])


def shown_path(project, shell_cwd):
    """The project's folder as the user's shell reaches it: relative to where
    cookiecutter was run ($PWD; the hook itself runs inside the project) when it
    lies below, else absolute. Quoted when it needs to be."""
    project = project.resolve()
    if shell_cwd:
        try:
            return shlex.quote(f"./{project.relative_to(Path(shell_cwd).resolve())}")
        except ValueError:
            pass
    return shlex.quote(str(project))


def next_steps(project, answers, shell_cwd):
    where = shown_path(project, shell_cwd)
    worker = ""
    if answers["use_celery"]:
        worker = (
            "\n  Background tasks need a Celery worker: compose starts one; without"
            "\n  Docker, run ./run worker in a second terminal (Redis must be running).\n"
        )
    return f"""
Your project is ready in {where}

  Run it with Docker:     cd {where} && docker compose up --build
  Run it without Docker:  cd {where} && ./run start
{worker}
Then open http://127.0.0.1:8000 . ./run help lists every task.
"""


def main():
    root = Path.cwd()
    # Versions first: the chosen one may leave a folder that the manifest removes.
    install_versions(root, ANSWERS)
    for relative in unchosen_paths(ANSWERS, MANIFEST):
        remove(root / relative)
    remove_empty_dirs(root)
    pyproject = (root / "pyproject.toml").read_text()
    (root / "uv.lock").write_text(python_lock(pyproject, PYTHON_LOCKS))
    write_env(root)
    write_kubernetes_secrets(root)
    print(next_steps(root, ANSWERS, os.environ.get("PWD")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
