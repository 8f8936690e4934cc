"""Three ways to bake, and reading what was baked.

- bake(cookies, **answers): pytest-cookies, for a test that reads one project;
- bake_cli(output_dir, answers): the real command line, as a user types it;
- bake_in_process(answers, output_dir): cookiecutter's own function, quiet, for
  the tiers that bake hundreds (matrix, pairwise, fuzz, bench); with
  capture=True it returns how the bake ended instead of raising.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

from tests.support.template import COOKIECUTTER_JSON, TEMPLATE_DIR
from tests.support.variants import cli_answers

# Folders whose files are Flask (not cookiecutter) Jinja templates.
FLASK_TEMPLATE_DIRS = {"templates"}
TEXT_SUFFIXES = {
    ".py", ".toml", ".yaml", ".yml", ".json", ".md", ".html", ".css", ".ini",
    ".txt", ".example", ".cfg", ".sh", ".js", ".mjs", ".jsx", ".mako", ".svg", ".conf",
}  # fmt: skip
TEXT_NAMES = {
    "Dockerfile", "run", "LICENSE", ".env", ".gitignore", ".dockerignore", ".gitattributes",
}  # fmt: skip


def check_keys(answers):
    """Cookiecutter silently ignores unknown keys; a typo would bake the default."""
    unknown = set(answers) - set(COOKIECUTTER_JSON)
    assert not unknown, f"not options of cookiecutter.json: {sorted(unknown)}"


def bake(cookies, **answers):
    """Bake one variant with pytest-cookies; fail loudly if it did not bake."""
    check_keys(answers)
    result = cookies.bake(extra_context=answers)
    assert result.exception is None, f"bake failed: {result.exception!r}"
    assert result.exit_code == 0
    return Path(result.project_path)


def bake_cli(output_dir, answers, cwd=None, env=None):
    """`cookiecutter --no-input TEMPLATE -o DIR key=value...`, as a user runs it
    (from the shell folder cwd, which the shell passes on as $PWD; env adds to
    the environment)."""
    check_keys(answers)
    env = {**os.environ, **(env or {}), **({"PWD": str(cwd)} if cwd else {})}
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE_DIR),
         "-o", str(output_dir), *cli_answers(answers)],
        capture_output=True, text=True, timeout=120, cwd=cwd, env=env,
    )  # fmt: skip


@contextlib.contextmanager
def _captured_fd2():
    """Capture file descriptor 2, where the hook subprocesses write."""
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        box = {}
        try:
            yield box
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            box["text"] = sink.read().decode(errors="replace")


def bake_in_process(answers, output_dir, capture=False):
    """Bake with cookiecutter's own function, its output hidden.

    Returns the project folder; with capture=True, how the bake ended instead:
    ("baked", project) | ("hook", the hooks' stderr) | ("cookiecutter", the error).
    """
    import jinja2
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    def run():
        return Path(
            cookiecutter(
                str(TEMPLATE_DIR), no_input=True, output_dir=str(output_dir), extra_context=answers
            )
        )

    if not capture:
        check_keys(answers)
        with contextlib.redirect_stdout(io.StringIO()):
            return run()
    with _captured_fd2() as err, contextlib.redirect_stdout(io.StringIO()):
        try:
            outcome = ("baked", run())
        except FailedHookException:
            outcome = ("hook", None)
        except (CookiecutterException, jinja2.TemplateError) as error:
            outcome = ("cookiecutter", error)
    return ("hook", err["text"]) if outcome[0] == "hook" else outcome


def effective_answers(answers):
    """The answers after cookiecutter's own rendering (it renders command-line values)."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    context = generate_context(
        context_file=str(TEMPLATE_DIR / "cookiecutter.json"), extra_context=answers
    )
    return prompt_for_config(context, no_input=True)


# --- Reading a baked project ------------------------------------------------------


def files(project):
    return sorted(
        p
        for p in project.rglob("*")
        if p.is_file() and not {".venv", "node_modules"} & set(p.parts)
    )


def text_files(project):
    return [p for p in files(project) if p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES]


def is_flask_template(path):
    return bool(FLASK_TEMPLATE_DIRS & set(path.parts))


def parse_structured(path):
    """Parse a YAML (every document), TOML or JSON file; raises if it is not valid."""
    text = path.read_text()
    if path.suffix in {".yaml", ".yml"}:
        documents = list(yaml.safe_load_all(text))
        return documents[0] if len(documents) == 1 else documents
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


def package_of(project):
    """The project's Python package: the folder with app.py."""
    return next(p.parent for p in project.glob("*/app.py"))


FAILING_PATH = "/boom"


def add_failing_route(project, message):
    """A bug of the developer's: GET /boom raises RuntimeError(message), unhandled.
    Written into the page blueprint, the way a user's own code would be."""
    views = package_of(project) / "blueprints" / "page" / "views.py"
    views.write_text(
        views.read_text()
        + f'\n\n@page.get("{FAILING_PATH}")\ndef boom():\n    raise RuntimeError({message!r})\n'
    )
