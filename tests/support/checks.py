"""The static checks: each takes a baked project and returns its problems.

Every tier runs these same checks; a check that is costly per call (ruff,
hadolint, docker-compose) takes a batch of projects or caches its verdicts by
the files' digest, so the matrix stays within minutes on two cores.
"""

import ast
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

from local_extensions import SQL_DATABASES
from tests.support.baking import files, is_flask_template, parse_structured, text_files
from tests.support.hooks import SHADOWED_NAMES
from tests.support.runners import nginx_check, nginx_main_conf, render_nginx_templates, run
from tests.support.servers import DATABASES
from tests.support.template import BIN, TEMPLATE_DIR
from tests.support.variants import OPTIONS, ROTATED
from tools.standins.build import UV_VERSION

# --- Template debris ------------------------------------------------------------

COOKIECUTTER_DEBRIS = re.compile(r"cookiecutter\.|\{\{-?\s*cookiecutter")
JINJA_DEBRIS = re.compile(r"\{\{|\{%|\{#|%\}|#\}")
# ${{ ... }} is GitHub Actions' own expression syntax, not debris.
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def debris_in(text, path=Path("file")):
    """The first piece of cookiecutter or Jinja syntax left in a generated file's text."""
    if ".github" in path.parts:
        text = GITHUB_EXPRESSION.sub("", text)
    found = COOKIECUTTER_DEBRIS.search(text)
    if not found and not is_flask_template(path) and path.suffix != ".mako":
        found = JINJA_DEBRIS.search(text)
    return found.group() if found else None


def debris_problems(project):
    problems = []
    for path in text_files(project):
        found = debris_in(path.read_text(), path.relative_to(project))
        if found:
            problems.append(f"template debris {found!r} in {path.relative_to(project)}")
    return problems


def parse_problems(project):
    """Python compiles; YAML (every document), TOML and JSON parse."""
    problems = []
    for path in files(project):
        try:
            if path.suffix == ".py":
                compile(path.read_text(), str(path), "exec")
            elif path.suffix in {".yaml", ".yml", ".toml", ".json"}:
                parse_structured(path)
        except Exception as error:  # any parse failure is the finding
            problems.append(f"{path.relative_to(project)} does not parse: {error}")
    return problems


def empty_folder_problems(project):
    empty = [p for p in project.rglob("*") if p.is_dir() and not any(p.iterdir())]
    return [f"empty folder {p.relative_to(project)}" for p in empty]


BLANK_LINE_SUFFIXES = {".py", ".yaml", ".yml", ".toml", ".txt", ".example", ".conf", ".sh"}


def blank_line_problems(project):
    """No blank-line debris: Python and Dockerfile stages may take two blank lines,
    nothing takes three; no file starts with a blank line."""
    problems = []
    for path in files(project):
        if path.suffix not in BLANK_LINE_SUFFIXES and path.name not in {"Dockerfile", "run"}:
            continue
        text = path.read_text()
        limit = "\n\n\n\n" if path.suffix == ".py" or path.name == "Dockerfile" else "\n\n\n"
        if limit in text or text.startswith("\n"):
            problems.append(f"blank-line debris in {path.relative_to(project)}")
    return problems


def file_problems(project):
    """What every bake must be: no debris, everything parses, no empty folder."""
    return debris_problems(project) + parse_problems(project) + empty_folder_problems(project)


# --- What belongs to which answer ------------------------------------------------


def manifest_problems(project, answers, post_gen_hook):
    """What the post-generation hook (rendered for this bake) must have done: no path
    of its MANIFEST that belongs only to unchosen values is left, and of every
    versioned file only the chosen version is left, under its final name."""
    names = {"project_slug": project.name, "package_name": project.name}
    hook = post_gen_hook.namespace({**answers, **names})
    chosen, unchosen = set(), set()
    for option, by_value in hook["MANIFEST"].items():
        for value, paths in by_value.items():
            (chosen if answers[option] == value else unchosen).update(paths)
    absent = unchosen - chosen

    def inside_absent(path):
        return any(str(parent) in absent for parent in Path(path).parents)

    # A chosen path inside a folder of an unchosen option goes with that folder;
    # a chosen path may be renamed by the hook, so only absence is an invariant.
    expected = {p for p in chosen if not inside_absent(p)}
    present = {p for p in chosen | unchosen if (project / p).exists()}
    problems = [f"{p} (of an unchosen option) is present" for p in sorted(present - expected)]
    for final, pattern in hook["versioned_files"](answers).items():
        versions = {p.relative_to(project) for p in project.glob(pattern.split("{")[0] + "*")}
        problems += [f"{v} (a version of {final}) is left" for v in versions - {Path(final)}]
    return problems


def _database_traces():
    for database, spec in DATABASES.items():
        words = [database, *sorted(spec.terms)] if database != "none" else []
        if words:
            pattern = re.compile("|".join(map(re.escape, words)), re.I)
            yield (f"database={database}", lambda a, d=database: a["database"] != d, pattern,
                   not spec.named_by_others)  # fmt: skip


def _flag(option):
    return lambda a: not a[option]


def _value(option, value):
    return lambda a: a[option] != value


# The one vocabulary of "an unchosen option leaves no trace": (what, when the
# project lacks it, the words that betray it, whether any text may not name it
# either). Dependencies, services, images, imports and paths are always checked;
# the last column adds every text file (but LICENSE and npm's lockfile).
TRACES = [
    *_database_traces(),
    ("a SQL database", lambda a: a["database"] not in SQL_DATABASES,
     re.compile(r"sqlalchemy|alembic|flask[_-]db|migrat", re.I), True),
    ("a database", lambda a: a["database"] == "none", re.compile(r"database|notes", re.I), True),
    ("use_redis", _flag("use_redis"), re.compile(r"(?i:redis|flask.caching)|\bCACHE_[A-Z]"), True),
    ("use_celery", _flag("use_celery"), re.compile(r"celery|/tasks", re.I), True),
    ("use_nginx", _flag("use_nginx"), re.compile(r"nginx|ProxyFix|PROXY_COUNT", re.I), True),
    ("use_kubernetes", _flag("use_kubernetes"),
     re.compile(r"kubernetes|kustomiz|kubectl|\bk8s\b", re.I), True),
    # The registry the workflow pushes to; uv's own image lives there too.
    ("ci=github", _value("ci", "github"),
     re.compile(r"github actions|\.github/workflows|ghcr\.io(?!/astral-sh/uv:)", re.I), True),
    ("frontend=htmx", _value("frontend", "htmx"), re.compile(r"htmx", re.I), True),
    ("frontend=hotwire", _value("frontend", "hotwire"),
     re.compile(r"hotwire|@hotwired|stimulus|turbo", re.I), True),
    ("frontend=alpinejs", _value("frontend", "alpinejs"), re.compile(r"alpine|x-data", re.I), True),
    ("frontend=vue", _value("frontend", "vue"), re.compile(r"\bvue\b", re.I), True),
    ("frontend=react", _value("frontend", "react"), re.compile(r"react", re.I), True),
    ("frontend=jquery", _value("frontend", "jquery"), re.compile(r"jquery", re.I), True),
    ("css=tailwind", _value("css", "tailwind"), re.compile(r"tailwind", re.I), True),
    ("error_tracking=sentry", _value("error_tracking", "sentry"),
     re.compile(r"sentry|error.tracking", re.I), True),
    ("auth=accounts", _value("auth", "accounts"),
     re.compile(r"(?i:flask.login|flask.limiter|mailman|argon2|\baccounts\b|sign.?up"
                r"|password.reset)|\bMAIL_[A-Z]|RATELIMIT_|REMEMBER_COOKIE"), True),
]  # fmt: skip
# Values that name no dependency, file or service of their own.
NEUTRAL_VALUES = {"none", "plain"}


def _generic_traces():
    """Every other yes/no option and value betrays itself by its own name in the
    dependencies, services, imports and paths: a new option is checked unlisted."""
    listed = {what for what, *_ in TRACES}
    for option, values in OPTIONS.items():
        for value in values:
            if option in ROTATED or value is False or value in NEUTRAL_VALUES:
                continue
            if value is True:
                what, word, lacks = option, option.removeprefix("use_"), _flag(option)
            else:
                what, word, lacks = f"{option}={value}", str(value), _value(option, value)
            if what not in listed:
                yield what, lacks, re.compile(rf"(?<![a-z0-9]){re.escape(word)}", re.I), False


TRACES += list(_generic_traces())
# Texts that name other projects' words by nature; .env is .env.example (checked)
# plus random secrets, which spell "HTMX" or "Vue" now and then.
TRACE_FREE_TEXTS = {"LICENSE", "package-lock.json", ".env"}
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
PACKAGE_JSON_DEPENDENCIES = (
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
)


def dependency_words(project):
    """(where, word) for every name that says what a project depends on or runs."""
    words = []
    for path in files(project):
        relative = path.relative_to(project)
        words += [(f"path {relative}", part) for part in relative.parts]
        if path.name == "pyproject.toml":
            words += [(f"{relative}", REQUIREMENT_NAME.match(d).group(1)) for d in declared(path)]
        elif path.name == "uv.lock":
            words += [(f"{relative}", name) for name in locked_names(path.parent)]
        elif path.name == "package.json":
            data = json.loads(path.read_text())
            for key in PACKAGE_JSON_DEPENDENCIES:
                words += [(f"{relative} {key}", name) for name in data.get(key, {})]
        elif path.name.startswith("compose") and path.suffix in {".yaml", ".yml"}:
            data = parse_structured(path) or {}
            for name, service in (data.get("services") or {}).items():
                words.append((f"{relative} service", name))
                if isinstance(service, dict) and "image" in service:
                    words.append((f"{relative} image", str(service["image"])))
            words += [(f"{relative} volume", name) for name in data.get("volumes") or {}]
        elif path.name.startswith("Dockerfile"):
            for line in path.read_text().splitlines():
                if line.upper().startswith("FROM "):
                    words += [(f"{relative} FROM", word) for word in line.split()[1:]]
        elif path.suffix == ".py":
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    words += [(f"{relative} import", a.name) for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    words.append((f"{relative} import", node.module))
    return words


def declared(pyproject):
    """Every requirement pyproject.toml declares: the app's and each group's."""
    data = tomllib.loads(pyproject.read_text())
    groups = data.get("dependency-groups", {}).values()
    return data["project"].get("dependencies", []) + [d for group in groups for d in group]


def locked_names(project):
    """The names of the packages uv.lock pins (the project's own included)."""
    return {p["name"] for p in tomllib.loads((project / "uv.lock").read_text())["package"]}


def trace_problems(project, answers):
    """Nothing of an option value the answers did not choose is left."""
    absent = [(what, words, text) for what, lacks, words, text in TRACES if lacks(answers)]
    problems = []
    for where, word in dependency_words(project):
        for what, words, _ in absent:
            if found := words.search(word):
                problems.append(f"{where}: {word!r} ({found.group()!r}) belongs to {what}")
    in_text = [(what, words) for what, words, text in absent if text]
    for path in text_files(project):
        if path.name in TRACE_FREE_TEXTS:
            continue
        content = path.read_text()
        for what, words in in_text:
            if found := words.search(content):
                line = content.count("\n", 0, found.start()) + 1
                problems.append(
                    f"{path.relative_to(project)}:{line} names {found.group()!r} of {what}"
                )
    return problems


def shadow_problems(project):
    """Every module the project imports is one the hook keeps a package from shadowing."""
    own = {p.name.removesuffix(".py") for p in project.iterdir() if p.suffix == ".py" or p.is_dir()}
    protected = own | SHADOWED_NAMES | sys.stdlib_module_names
    problems = set()
    for where, module in dependency_words(project):
        top = module.split(".")[0]
        if where.endswith(" import") and top not in protected:
            problems.add(f"imports {top!r}, missing from the hook's SHADOWED_NAMES")
    return sorted(problems)


# --- Linters, batched and cached ----------------------------------------------------


def _digest(*paths):
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


_COMPOSE_VERDICTS = {}
_HADOLINT_VERDICTS = {}
_LOCK_VERDICTS = {}
_NGINX_VERDICTS = {}


def compose_problems(project):
    """`docker-compose config -q` on compose.yaml alone and with each override file."""
    base = project / "compose.yaml"
    if not base.exists():
        return ["compose.yaml is missing"]
    overrides = sorted(project.glob("compose.*.y*ml"))
    env_keys = sorted(line.split("=", 1)[0] for line in (project / ".env").read_text().splitlines())
    problems = []
    for extra in [[], *[[o] for o in overrides]]:
        stack = [base, *extra]
        key = _digest(*stack) + "|".join(env_keys)
        if key not in _COMPOSE_VERDICTS:
            args = [arg for p in stack for arg in ("-f", p.name)]
            result = run(BIN / "docker-compose", *args, "config", "--quiet", cwd=project)
            _COMPOSE_VERDICTS[key] = "" if result.returncode == 0 else result.stderr.strip()
        if _COMPOSE_VERDICTS[key]:
            problems.append(f"compose {[p.name for p in stack]}: {_COMPOSE_VERDICTS[key]}")
    return problems


def hadolint_problems(projects):
    """{project: problems}: hadolint once over every distinct Dockerfile of the batch."""
    by_digest = {}
    for project in projects:
        for path in project.rglob("Dockerfile*"):
            by_digest.setdefault(_digest(path), []).append((project, path))
    for key, paths in by_digest.items():
        if key not in _HADOLINT_VERDICTS:
            result = run(BIN / "hadolint", "--no-color", paths[0][1])
            _HADOLINT_VERDICTS[key] = (result.stdout + result.stderr).strip()
    problems = {}
    for key, paths in by_digest.items():
        if _HADOLINT_VERDICTS[key]:
            for project, path in paths:
                problems.setdefault(project, []).append(
                    f"hadolint {path.relative_to(project)}: {_HADOLINT_VERDICTS[key]}"
                )
    return problems


def lock_problems(projects):
    """{project: problems}: `uv lock --locked --offline` once per distinct
    pyproject.toml and uv.lock of the batch, with an empty cache: the shipped
    lock matches the project exactly, with nothing fetched."""
    by_digest = {}
    for project in projects:
        key = _digest(project / "pyproject.toml", project / "uv.lock")
        by_digest.setdefault(key, []).append(project)
    for key, batch in by_digest.items():
        if key not in _LOCK_VERDICTS:
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / "project"
                copy.mkdir()
                for name in ("pyproject.toml", "uv.lock"):
                    shutil.copy(batch[0] / name, copy / name)
                result = run(
                    BIN / "uv", "lock", "--locked", "--offline", "--quiet", cwd=copy,
                    env={**os.environ, "UV_CACHE_DIR": f"{scratch}/cache",
                         "UV_PYTHON": sys.executable, "UV_PYTHON_DOWNLOADS": "never"},
                )  # fmt: skip
            failed = result.returncode != 0
            _LOCK_VERDICTS[key] = (result.stdout + result.stderr).strip() if failed else ""
    return {
        project: [f"uv.lock does not match pyproject.toml: {_LOCK_VERDICTS[key]}"]
        for key, batch in by_digest.items()
        if _LOCK_VERDICTS[key]
        for project in batch
    }


def uv_version_problems(project):
    """The image's uv, ./run's bootstrap, the template's own uv (which made the
    locks) and the docker tier's stand-in are one version."""
    patterns = {
        project / "Dockerfile": r"ghcr\.io/astral-sh/uv:(\S+) ",
        project / "run": r'^UV_VERSION="(.+)"$',
        TEMPLATE_DIR / "requirements-dev.txt": r"^uv==(\S+)$",
    }
    found = {
        path.name: re.findall(pattern, path.read_text(), re.M) for path, pattern in patterns.items()
    }
    return [
        f"{where} names uv {versions}, the stand-in is {UV_VERSION}"
        for where, versions in found.items()
        if versions != [UV_VERSION]
    ]


def ruff_problems(projects):
    """{project: problems}: ruff check and ruff format --check once over the batch,
    from the projects' common folder; each project keeps its own config."""
    base = Path(os.path.commonpath([p.parent for p in projects]))
    names = [str(p.relative_to(base)) for p in projects]
    problems = {}
    ruff = BIN / "ruff"
    for what, args in (
        ("ruff check", ["check", "--no-cache", "--output-format=concise"]),
        ("ruff format", ["format", "--check", "--no-cache"]),
    ):
        result = run(ruff, *args, *names, cwd=base)
        if result.returncode == 0:
            continue
        named = False
        for line in (result.stdout + result.stderr).splitlines():
            for project, name in zip(projects, names, strict=True):
                if name + "/" in line:
                    problems.setdefault(project, []).append(f"{what}: {line.strip()}")
                    named = True
                    break
        assert named, f"{what} failed without naming a project: {result.stdout}{result.stderr}"
    return problems


# TRUSTED_HOSTS as .env may set it: none, or names with a subdomain wildcard.
NGINX_CHECKED_HOSTS = ("", "example.com, .example.org")


def nginx_problems(project, scratch):
    """The nginx server block, rendered from its template as the image does at
    start (with each of NGINX_CHECKED_HOSTS), passes `nginx -t` inside a stand-in
    for the image's stock nginx.conf (Debian's nginx; skipped where it is not
    installed)."""
    folder = project / "nginx"
    if not folder.exists():
        return []
    key = _digest(*sorted(folder.iterdir()))
    if key not in _NGINX_VERDICTS:
        verdicts = []
        for index, hosts in enumerate(NGINX_CHECKED_HOSTS):
            templates, output = scratch / f"templates-{index}", scratch / f"conf.d-{index}"
            templates.mkdir()
            for template in folder.glob("*.template"):
                shutil.copy(template, templates)
            envsh = sorted(folder.glob("*.envsh"))
            render_nginx_templates(templates, output, envsh, TRUSTED_HOSTS=hosts)
            conf = output / "default.conf"
            main = nginx_main_conf(scratch, conf)
            verdict = nginx_check(main, scratch)
            verdicts += [f"TRUSTED_HOSTS={hosts!r}: {verdict}"] if verdict else []
        _NGINX_VERDICTS[key] = "; ".join(verdicts)
    return [f"nginx -t: {_NGINX_VERDICTS[key]}"] if _NGINX_VERDICTS[key] else []


def bandit_problems(project):
    """bandit finds nothing of medium or high severity outside the tests."""
    result = run(
        BIN / "bandit", "--quiet", "--recursive", ".", "--exclude", "./tests,./.venv",
        "--severity-level", "medium", cwd=project,
    )  # fmt: skip
    return [] if result.returncode == 0 else [f"bandit: {result.stdout}{result.stderr}"]


def static_problems(projects, answers_of):
    """{project: problems} of every static check above, for a batch of projects;
    answers_of(project) gives the answers it was baked with."""
    problems = {
        project: file_problems(project)
        + blank_line_problems(project)
        + trace_problems(project, answers_of(project))
        + shadow_problems(project)
        + compose_problems(project)
        for project in projects
    }
    for found in (hadolint_problems(projects), ruff_problems(projects), lock_problems(projects)):
        for project, lines in found.items():
            problems[project] += lines
    return problems


def tidy_problems(project, paths):
    """Hand-written-looking files: no debris, no three newlines in a row, no
    trailing whitespace."""
    problems = []
    for path in paths:
        text, relative = path.read_text(), path.relative_to(project)
        if found := debris_in(text, relative):
            problems.append(f"template debris {found!r} in {relative}")
        if "\n\n\n" in text:
            problems.append(f"blank-line debris in {relative}")
        if re.search(r"[ \t]$", text, re.M):
            problems.append(f"trailing whitespace in {relative}")
    return problems
