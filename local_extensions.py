"""Jinja filters that let free-text answers land safely in every file format.

Cookiecutter puts the template folder on ``sys.path`` and loads the extension
named in ``cookiecutter.json`` under ``_extensions``; it is never copied into a
generated project.
"""

import re

from jinja2.ext import Extension

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+!|&~])")


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


def dnslabel(value, max_length=40):
    """A Kubernetes/DNS-1123 label: lowercase letters, digits and '-', short enough
    that suffixes such as "-dev" or "-web" keep it under 63 characters."""
    label = re.sub(r"[^a-z0-9]+", "-", str(value).lower())[:max_length].strip("-")
    return label or "app"


class TextFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            oneline=oneline, quoted=quoted, pystr=pystr, markdown=markdown, dnslabel=dnslabel
        )
