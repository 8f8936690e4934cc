"""Refuse answers that would produce a broken project, before anything is written.

Each problem is reported on one line that says what is wrong and how to fix it;
cookiecutter then removes the half-made output folder. A last line names the
replay file in which cookiecutter saved the answers, so that fixing one of them
does not mean typing all the others again.
"""

import json
import keyword
import os
import re
import shlex
import sys
from pathlib import Path

# Every answer, as rendered by cookiecutter (JSON keeps quotes and newlines intact).
ANSWERS = json.loads(r"""{{ cookiecutter|tojson }}""")

# Where tools/lock_python.py stored the locks (local_extensions.py, absolute).
PYTHON_LOCKS = Path(json.loads(r"""[{{ python_locks|tojson }}]""")[0])

# Top-level names the generated project or its dependencies import, or that it
# ships; a package with one of these names would shadow it and break the app in
# confusing ways. The template's matrix test fails when the project imports a
# module that is missing here.
SHADOWED_NAMES = {
    "alembic", "app", "brotli", "celery", "click", "config", "db", "environs",
    "flask", "flask_db", "flask_debugtoolbar", "flask_secrets",
    "flask_sqlalchemy", "flask_static_digest", "flask_wtf", "gunicorn", "instance",
    "jinja2", "markupsafe", "psycopg", "pymongo", "pymysql", "pytest",
    "redis", "ruff", "sqlalchemy", "test", "tests", "werkzeug",
    # Imported by the project's tests, or by its pinned dependencies.
    "sqlalchemy_utils", "dotenv", "marshmallow", "itsdangerous", "blinker",
    "mako", "typing_extensions", "setuptools", "packaging", "pluggy",
    "iniconfig", "pygments", "secure", "flask_caching", "wtforms",
    "sentry_sdk", "urllib3", "certifi",
    # Gunicorn's gevent worker imports them.
    "gevent", "greenlet", "zope",
    # User accounts.
    "bson", "argon2", "flask_login", "flask_mailman", "flask_limiter", "limits",
    "email_validator", "dns", "idna", "cffi", "wrapt", "deprecated", "ordered_set",
}  # fmt: skip

# Longer names push the generated import lines (`from <package>.blueprints...`)
# past ruff's 88 columns, and the new project would fail its own lint.
MAX_NAME_LENGTH = 40

SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
EMAIL = re.compile(r"[^@\s\"'<>,;]+@[^@\s\"'<>,;]+\.[A-Za-z]{2,}\Z")
VERSION = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?\Z")

# Option values declared at the prompt whose implementation has not landed yet
# (refused with a clear line until then). Every value is implemented today.
NOT_YET_AVAILABLE = set()


def name_problems(field, value):
    if not value:
        yield f"{field} is empty: give the project a name with at least one letter."
        return
    if len(value) > MAX_NAME_LENGTH:
        yield (
            f"{field} {value!r} is {len(value)} characters long: use {MAX_NAME_LENGTH} or fewer."
        )
    if value[0].isdigit():
        yield f"{field} {value!r} starts with a digit: start it with a letter."
    elif not SLUG.match(value):
        yield (
            f"{field} {value!r} may contain only lowercase ASCII letters, digits and _:"
            f" pass e.g. {field}=my_app."
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        yield f"{field} {value!r} is a Python keyword: choose another name."
    if value in SHADOWED_NAMES or value in sys.stdlib_module_names:
        yield (
            f"{field} {value!r} would shadow the module {value!r} that the project"
            f" imports: choose another name, e.g. my_{value}."
        )


def locked_names():
    """The names of the packages that some answers' uv.lock pins (normalized)."""
    text = (PYTHON_LOCKS / "packages.lock").read_text()
    return set(re.findall(r'^\[\[package]]\nname = "([^"]+)"$', text, re.M))


def distribution_problems(slug):
    """pyproject.toml and uv.lock name the project after its slug, beside the
    packages it pins; such a name ends with a letter or digit (PEP 508)."""
    name = re.sub(r"[-_.]+", "-", slug)
    if slug.endswith("_"):
        yield (
            f"project_slug {slug!r} ends with _, which pyproject.toml's name may not:"
            f" end it with a letter or digit, e.g. {slug.rstrip('_')}."
        )
    elif name in locked_names():
        yield (
            f"project_slug {slug!r} is the name of a package that this template's"
            f" projects install ({name}, in uv.lock): choose another name, e.g. my_{slug}."
        )


def problems(answers):
    if not any(char.isalnum() for char in answers["project_name"]):
        # cookiecutter.json falls back to "_" so that this hook gets to explain.
        yield (
            f"project_name {answers['project_name']!r} has no letter or digit to make a"
            " folder name from: use a name with letters, or pass project_slug=my_app."
        )
        return
    slug_problems = list(name_problems("project_slug", answers["project_slug"]))
    if not slug_problems:
        slug_problems += distribution_problems(answers["project_slug"])
    yield from slug_problems
    # package_name is derived from the slug: report it only when it has its own fault.
    if not slug_problems or answers["package_name"] != answers["project_slug"].replace("-", "_"):
        yield from name_problems("package_name", answers["package_name"])
    if not EMAIL.match(answers["email"]):
        yield f"email {answers['email']!r} is not an email address like you@example.com."
    if not VERSION.match(answers["version"]):
        yield f"version {answers['version']!r} is not a version like 0.1.0 (PEP 440)."
    if answers["use_celery"] and not answers["use_redis"]:
        yield (
            "use_celery needs Redis as its broker: answer yes to use_redis"
            ' ("Add Redis (cache)?"), or no to use_celery.'
        )
    if answers["use_kubernetes"] and answers["database"] == "sqlite":
        yield (
            "use_kubernetes needs a database server that every pod can reach; a SQLite"
            " file lives in one pod: answer database=postgresql (or mysql, mongodb, none),"
            " or use_kubernetes=no."
        )
    if answers["auth"] == "accounts" and answers["database"] == "none":
        yield (
            "auth=accounts keeps the users in the database: answer database=postgresql"
            " (or sqlite, mysql, mongodb), or auth=none."
        )
    for option, value in sorted(NOT_YET_AVAILABLE, key=str):
        if answers[option] == value:
            shown = str(value).lower() if isinstance(value, bool) else value
            yield (
                f"{option}={shown} is not available in this version of the template yet:"
                " choose another value."
            )


def saved_answers(answers):
    """The replay file where cookiecutter saved these very answers before
    running this hook, or None (another config file, answers since changed)."""
    if "_repo_dir" not in answers:
        return None
    try:
        from cookiecutter.config import get_user_config
        from cookiecutter.replay import get_file_name
    except ImportError:
        return None
    template_name = os.path.basename(os.path.abspath(answers["_repo_dir"]))
    path = get_file_name(get_user_config()["replay_dir"], template_name)
    try:
        with open(path, encoding="utf-8") as saved:
            return path if json.load(saved)["cookiecutter"] == answers else None
    except (OSError, ValueError, KeyError):
        return None


def main():
    found = list(problems(ANSWERS))
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    replay = saved_answers(ANSWERS) if found else None
    if replay:
        again = ["cookiecutter", "--replay-file", replay, ANSWERS["_template"]]
        if ANSWERS.get("_output_dir") != os.environ.get("PWD"):
            again += ["-o", ANSWERS["_output_dir"]]
        print(
            f"Your answers are in {replay}: correct them there, then run {shlex.join(again)}",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
