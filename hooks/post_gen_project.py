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
DEMO = f"{PKG}/blueprints/demo"

# The frontends bundled with esbuild from assets/ ("none" has no JavaScript).
JS_FRONTENDS = ("htmx", "hotwire", "alpinejs", "vue", "react", "jquery")
ENTRY = {"react": "app.react.jsx"}  # JSX; every other entry is app.<frontend>.js
# The component frontends share one JSON endpoint (views.json.py) and its tests.
DEMO_VIEWS = {"htmx": "htmx", "hotwire": "hotwire"}
FRONTEND_EXTRAS = {
    "htmx": [f"{DEMO}/templates/demo/greeting.html"],
    "hotwire": ["assets/js/controllers", f"{DEMO}/templates/demo/second_page.html"],
}


def frontend_files(frontend):
    """What a JavaScript frontend adds: the bundle's sources and the demo."""
    return [
        "assets",
        "assets/esbuild.config.mjs",
        f"assets/js/{ENTRY.get(frontend, f'app.{frontend}.js')}",
        f"{PKG}/templates/layouts/base.scripts.html",
        f"{DEMO}/__init__.py",
        f"{DEMO}/views.{DEMO_VIEWS.get(frontend, 'json')}.py",
        f"{DEMO}/templates/demo/panel.{frontend}.html",
        f"tests/test_demo.{DEMO_VIEWS.get(frontend, 'json')}.py",
        *FRONTEND_EXTRAS.get(frontend, []),
    ]


# The manifest: which paths belong to which option value. A path listed under
# any value is kept only when one of the values it is listed under was chosen;
# paths listed nowhere belong to every variant.
SQL = [
    "alembic.ini",
    "db",
    f"{PKG}/models.py",
    "tests/test_migrations.py",
]
MONGODB = [f"{PKG}/mongo.py", f"{PKG}/notes.py"]
# The home page that lists the example notes; without a database, a plain one.
NOTES_PAGE = [f"{PKG}/blueprints/page/templates", "tests/test_notes.py"]
PLAIN_PAGE = [f"{PKG}/templates/page"]
K8S = "deploy/kubernetes/base"
MANIFEST = {
    "database": {
        "postgresql": [*SQL, *NOTES_PAGE, f"{K8S}/release.yaml"],
        "sqlite": [*SQL, *NOTES_PAGE],
        "mysql": [*SQL, *NOTES_PAGE, f"{K8S}/release.yaml"],
        "mongodb": [*MONGODB, *NOTES_PAGE, f"{K8S}/release.yaml"],
        "none": PLAIN_PAGE,
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
        ],
    },
    "use_nginx": {
        True: ["nginx", "tests/test_proxy.py", f"{K8S}/nginx.conf", f"{K8S}/nginx-sidecar.yaml"],
    },
    "use_kubernetes": {True: ["deploy/kubernetes"]},
    "ci": {"github": [".github"]},
    "frontend": {frontend: frontend_files(frontend) for frontend in JS_FRONTENDS},
    "css": {
        "plain": [f"{PKG}/static/css/app.css"],
        "tailwind": ["assets", "assets/css/tailwind.css"],
    },
}

# The lockfiles of assets/package.json, one per frontend and css pair; the
# chosen one becomes assets/package-lock.json.
LOCKS_DIR = "assets/locks"


def chosen_versions(answers):
    """{kept path: the fixed name it takes} for files that come in versions.

    The versions live side by side in the template (NAME.VERSION.EXT) and
    MANIFEST has removed the unchosen ones; the chosen one replaces NAME.EXT.
    """
    frontend, css = answers["frontend"], answers["css"]
    moves = {}
    if frontend in JS_FRONTENDS:
        entry = ENTRY.get(frontend, f"app.{frontend}.js")
        views = DEMO_VIEWS.get(frontend, "json")
        moves |= {
            f"assets/js/{entry}": f"assets/js/{entry.replace(f'.{frontend}', '')}",
            f"{PKG}/templates/layouts/base.scripts.html": f"{PKG}/templates/layouts/base.html",
            f"{DEMO}/views.{views}.py": f"{DEMO}/views.py",
            f"{DEMO}/templates/demo/panel.{frontend}.html": f"{DEMO}/templates/demo/panel.html",
            f"tests/test_demo.{views}.py": "tests/test_demo.py",
        }
        if css == "plain":
            # esbuild bundles the plain stylesheet, so it moves to the sources.
            moves[f"{PKG}/static/css/app.css"] = "assets/css/app.css"
    if css == "tailwind":
        moves["assets/css/tailwind.css"] = "assets/css/app.css"
    if frontend in JS_FRONTENDS or css == "tailwind":
        moves[f"{LOCKS_DIR}/{frontend}-{css}.json"] = "assets/package-lock.json"
    return moves


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


def move_chosen_versions(root, answers):
    for source, target in chosen_versions(answers).items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        (root / source).replace(root / target)
    remove(root / LOCKS_DIR)


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
        "MYSQL_PASSWORD": secrets.token_urlsafe(24),
        "MONGO_PASSWORD": secrets.token_urlsafe(24),
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
    move_chosen_versions(root, ANSWERS)
    install_license(root, ANSWERS["license"])
    remove_empty_dirs(root)
    write_env(root)
    write_kubernetes_secrets(root)
    print(next_steps(ANSWERS["project_slug"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
