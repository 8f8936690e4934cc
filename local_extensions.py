"""Jinja filters that let free-text answers land safely in every file format,
and the Jinja tests that state each condition derived from the answers once.

Cookiecutter puts the template folder on ``sys.path`` and loads the extension
named in ``cookiecutter.json`` under ``_extensions``; it is never copied into a
generated project.
"""

import logging
import re
from pathlib import Path

from jinja2.ext import Extension

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+!|&~])")
# The Python locks tools/lock_python.py writes and the post-generation hook
# assembles each project's uv.lock from (the hook runs elsewhere: it gets this
# absolute path as the Jinja global python_locks).
PYTHON_LOCKS = Path(__file__).resolve().parent / "locks" / "python"


def oneline(value):
    """Collapse every run of whitespace, newlines included, into one space."""
    return " ".join(str(value).split())


def _escape_char(char, big_escape):
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return big_escape(code)


def quoted(value):
    """A double-quoted string that is valid in TOML, YAML and JSON alike."""

    def big(code):
        # TOML and YAML know \U; JSON does not, but nothing we emit as JSON
        # holds a character this rare without also being printable.
        return f"\\U{code:08x}"

    return '"' + "".join(_escape_char(c, big) for c in oneline(value)) + '"'


def pystr(value):
    """A Python string literal in the quote style ``ruff format`` keeps."""
    text = oneline(value)
    # ruff format (like black) keeps double quotes unless they need more
    # escapes than single quotes would.
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char == "\\" or char == quote:
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return quote + "".join(out) + quote


def markdown(value):
    """Inline Markdown text that renders as the literal characters typed."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", oneline(value))


# Conditions derived from the answers. Templates use them as Jinja tests
# (`{% if cookiecutter.database is sql %}`, `{% if cookiecutter is with_assets %}`);
# the hooks' manifest and the template's own tests import the same definitions.
SQL_DATABASES = ("postgresql", "sqlite", "mysql")
# The compose service (and Kubernetes/CI service) of each database with a server.
DATABASE_SERVICES = {"postgresql": "postgres", "mysql": "mariadb", "mongodb": "mongo"}


def sql(database):
    """The database is one SQLAlchemy and Alembic drive."""
    return database in SQL_DATABASES


def with_server(database):
    """The database runs as a server of its own (not a file, not absent)."""
    return database in DATABASE_SERVICES


def with_servers(answers):
    """The project talks to servers of its own (a database server, Redis): compose
    services it waits for, CI service containers."""
    return with_server(answers["database"]) or answers["use_redis"]


def service(database):
    """The compose (and CI) service name of a database with a server."""
    return DATABASE_SERVICES[database]


def with_assets(answers):
    """The project builds assets with npm: a JavaScript frontend, or Tailwind's CLI."""
    return answers["frontend"] != "none" or answers["css"] == "tailwind"


def with_demo(answers):
    """The project has the frontend demo (/demo/...): any JavaScript frontend."""
    return answers["frontend"] != "none"


def with_examples(answers):
    """The project has example code that production leaves off: a frontend demo
    (/demo/...) or the example Celery task's endpoint and scheduled job."""
    return with_demo(answers) or answers["use_celery"]


def dnslabel(value, max_length=40):
    """A Kubernetes/DNS-1123 label: lowercase letters, digits and '-', short enough
    that suffixes such as "-dev" or "-web" keep it under 63 characters."""
    label = re.sub(r"[^a-z0-9]+", "-", str(value).lower())[:max_length].strip("-")
    return label or "app"


class RefusalIsExplained(logging.Filter):
    """Drops cookiecutter's traceback of a pre-generation hook that refused.

    The hook has already printed why, one line per problem; cookiecutter then
    logs "Stopping generation" with the traceback of its own exception, which
    says nothing more. Only that record of that hook is dropped: any other
    failure keeps its traceback.
    """

    def filter(self, record):
        refused = (
            record.getMessage().startswith("Stopping generation because pre_gen_project hook")
            and record.exc_info is not None
            and type(record.exc_info[1]).__name__ == "FailedHookException"
            and "exit status" in str(record.exc_info[1])
        )
        return not refused


def quiet_refusals():
    # This module is loaded in cookiecutter's own process, each time it renders.
    hooks_log = logging.getLogger("cookiecutter.hooks")
    if not any(isinstance(f, RefusalIsExplained) for f in hooks_log.filters):
        hooks_log.addFilter(RefusalIsExplained())


class TextFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        quiet_refusals()
        environment.filters.update(
            oneline=oneline,
            quoted=quoted,
            pystr=pystr,
            markdown=markdown,
            dnslabel=dnslabel,
            service=service,
        )
        environment.globals["python_locks"] = str(PYTHON_LOCKS)
        environment.tests.update(
            sql=sql,
            with_server=with_server,
            with_servers=with_servers,
            with_assets=with_assets,
            with_demo=with_demo,
            with_examples=with_examples,
        )
