"""The option matrix: every combination is refused exactly as documented, or bakes clean.

The combinations come from cookiecutter.json (tests/matrix.py), so a new option
or value extends the matrix by itself. Checks run in batches (ruff and hadolint
once per batch, identical compose files and Dockerfiles checked once) so that
the whole matrix stays within minutes on two cores.
"""

import ast
import contextlib
import hashlib
import io
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

from tests import matrix
from tests.baking import (
    TEMPLATE_DIR,
    files,
    is_flask_template,
    parse_structured,
    text_files,
)
from tests.test_bake_static import COOKIECUTTER_DEBRIS, JINJA_DEBRIS
from tests.test_hooks import cookiecutter_cli

BIN = Path(sys.executable).parent

FULL_PRODUCT = matrix.full_product()
BAKING = [c for c in FULL_PRODUCT if not matrix.expected_refusals(c)]
CHECKED = matrix.rotated_product()
STATIC = matrix.static_matrix()
CHUNK = max(1, min(12, math.ceil(len(STATIC) / 2)))
STATIC_CHUNKS = matrix.chunks(STATIC, CHUNK)
LONGEST_NAME = matrix.hook_constant("MAX_NAME_LENGTH")


@pytest.fixture(scope="module")
def pre_gen_hook():
    return matrix.RenderedHook("pre_gen_project.py")


@pytest.fixture(scope="module")
def post_gen_hook():
    return matrix.RenderedHook("post_gen_project.py")


# --- Refusals ----------------------------------------------------------------

# One test per value of the first option that is not rotated, to spread the work.
FIRST_OPTION = next(o for o in matrix.OPTIONS if o not in matrix.ROTATED)


@pytest.mark.parametrize("first_value", matrix.OPTIONS[FIRST_OPTION], ids=matrix.shown)
def test_the_hook_refuses_exactly_the_documented_combinations(
    pre_gen_hook, record_property, first_value
):
    """The real hook (rendered as cookiecutter does) on every structural combination."""
    combinations = [c for c in CHECKED if c[FIRST_OPTION] == first_value]
    wrong = []
    refused = 0
    for combination in combinations:
        expected = matrix.expected_refusals(combination)
        code, lines = pre_gen_hook.verdict(combination)
        refused += bool(expected)
        if (code != 0) != bool(expected) or lines != expected:
            wrong.append((combination, expected, code, lines))
    record_property("matrix_checked", len(combinations))
    record_property("matrix_refused", refused)
    assert not wrong, f"{len(wrong)} combinations disagree with the rules, e.g. {wrong[:3]}"


def one_rule_at_a_time():
    """For each rule, the default answers changed just enough to break it."""
    defaults = {option: values[0] for option, values in matrix.OPTIONS.items()}
    cases = {}
    for option, value in sorted(matrix.NOT_YET_AVAILABLE, key=str):
        if option in matrix.OPTIONS:
            cases[f"{option}={matrix.shown(value)}"] = {**defaults, option: value}
    for option, values in matrix.OPTIONS.items():
        for value in values:
            combination = {**defaults, option: value}
            for applies, message in matrix.CROSS_OPTION_RULES:
                if applies(combination):
                    cases.setdefault(message.split(":")[0], combination)
    return cases


RULE_CASES = one_rule_at_a_time()


@pytest.mark.parametrize("combination", list(RULE_CASES.values()), ids=list(RULE_CASES))
def test_each_refusal_goes_through_the_real_command_line(tmp_path, combination):
    answers = {
        k: ("yes" if v is True else "no" if v is False else v) for k, v in combination.items()
    }
    result = cookiecutter_cli(tmp_path, answers)
    assert result.returncode != 0
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("ERROR: "))
    assert errors == matrix.expected_refusals(combination), result.stderr
    assert list(tmp_path.iterdir()) == [], "a refused bake left files behind"


def test_the_rules_name_only_real_options_and_values():
    for option, value in matrix.NOT_YET_AVAILABLE:
        assert option in matrix.OPTIONS and value in matrix.OPTIONS[option], (option, value)
    defaults = {option: values[0] for option, values in matrix.OPTIONS.items()}
    assert matrix.expected_refusals(defaults) == [], "the default answers must bake"


def test_the_static_matrix_covers_every_available_value(record_property):
    record_property("matrix_total", len(FULL_PRODUCT))
    record_property("matrix_baking", len(BAKING))
    for option in matrix.OPTIONS:
        chosen = {variant[option] for variant in STATIC}
        possible = {c[option] for c in BAKING}
        assert chosen == possible, option

    def structural(combination):
        return tuple((k, v) for k, v in combination.items() if k not in matrix.rotated_options())

    assert {structural(v) for v in STATIC} == {structural(c) for c in BAKING}, (
        "the static matrix misses a combination"
    )


# --- Static checks of every baking combination ------------------------------


def bake_quietly(combination, output_dir, slug):
    with contextlib.redirect_stdout(io.StringIO()):
        path = cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            output_dir=str(output_dir),
            extra_context={**combination, "project_slug": slug},
        )
    return Path(path)


GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def file_problems(project):
    problems = []
    for path in text_files(project):
        text = path.read_text()
        if ".github" in path.parts:
            text = GITHUB_EXPRESSION.sub("", text)  # ${{ ... }} is GitHub Actions' own syntax
        if COOKIECUTTER_DEBRIS.search(text) or (
            not is_flask_template(path) and path.suffix != ".mako" and JINJA_DEBRIS.search(text)
        ):
            problems.append(f"template debris in {path.relative_to(project)}")
    for path in files(project):
        relative = path.relative_to(project)
        try:
            if path.suffix == ".py":
                compile(path.read_text(), str(path), "exec")
            elif path.suffix in {".yaml", ".yml"}:
                list(yaml.safe_load_all(path.read_text()))  # Kubernetes files hold several
            elif path.suffix in {".toml", ".json"}:
                parse_structured(path)
        except Exception as error:  # any parse failure is the finding
            problems.append(f"{relative} does not parse: {error}")
    empty = [p for p in project.rglob("*") if p.is_dir() and not any(p.iterdir())]
    problems += [f"empty folder {p.relative_to(project)}" for p in empty]
    return problems


def manifest_problems(project, combination, post_gen_hook):
    """The post-generation hook's MANIFEST, read from the hook as rendered for this bake."""
    names = {"project_slug": project.name, "package_name": project.name}
    manifest = post_gen_hook.namespace({**combination, **names})["MANIFEST"]
    chosen, unchosen = set(), set()
    for option, by_value in manifest.items():
        for value, paths in by_value.items():
            (chosen if combination[option] == value else unchosen).update(paths)
    absent = unchosen - chosen

    def inside_absent(path):
        return any(str(parent) in absent for parent in Path(path).parents)

    # A chosen path inside a folder of an unchosen option goes with that folder.
    expected = {p for p in chosen if not inside_absent(p)}
    present = {p for p in chosen | unchosen if (project / p).exists()}
    # A chosen path may be renamed by the hook (app.htmx.js becomes app.js), so
    # only the absence of the unchosen ones is an invariant.
    problems = [f"{p} (of an unchosen option) is present" for p in sorted(present - expected)]
    return problems


PACKAGE_JSON_DEPENDENCIES = (
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
)
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def dependency_words(project):
    """(where, word) for every name that says what a project depends on or runs."""
    words = []
    for path in files(project):
        relative = path.relative_to(project)
        words += [(f"path {relative}", part) for part in relative.parts]
        if path.name.startswith("requirements") and path.suffix == ".txt":
            for line in path.read_text().splitlines():
                match = REQUIREMENT_NAME.match(line)
                if match and not line.lstrip().startswith("-"):
                    words.append((f"{relative}", match.group(1)))
        elif path.name == "package.json":
            data = json.loads(path.read_text())
            for key in (
                "dependencies",
                "devDependencies",
                "peerDependencies",
                "optionalDependencies",
            ):
                words += [(f"{relative} {key}", name) for name in data.get(key, {})]
        elif path.name.startswith(("compose", "docker-compose")) and path.suffix in {
            ".yaml",
            ".yml",
        }:
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


def trace_problems(project, combination):
    forbidden = matrix.forbidden_terms(combination)
    if not forbidden:
        return []
    pattern = re.compile(
        r"(?<![a-z0-9])("
        + "|".join(re.escape(t) for t in sorted(forbidden, key=len, reverse=True))
        + ")",
        re.I,
    )
    problems = []
    for where, word in dependency_words(project):
        match = pattern.search(word)
        if match:
            problems.append(f"{where}: {word!r} belongs to {forbidden[match.group(1).lower()]}")
    return problems


SHADOWED_NAMES = matrix.hook_constant("SHADOWED_NAMES")


def shadow_problems(project):
    """Every module the project imports must be one the hook keeps a package from shadowing."""
    own = {p.name.removesuffix(".py") for p in project.iterdir() if p.suffix == ".py" or p.is_dir()}
    problems = set()
    for where, module in dependency_words(project):
        top = module.split(".")[0]
        protected = own | SHADOWED_NAMES | sys.stdlib_module_names
        if where.endswith(" import") and top not in protected:
            problems.add(f"imports {top!r}, missing from the hook's SHADOWED_NAMES")
    return sorted(problems)


def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def digest(*paths):
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


_COMPOSE_VERDICTS = {}
_HADOLINT_VERDICTS = {}


def compose_problems(project):
    """`docker-compose config -q` on compose.yaml alone and with each override file."""
    base = project / "compose.yaml"
    if not base.exists():
        return ["compose.yaml is missing"]
    overrides = sorted(p for p in project.glob("compose.*.y*ml"))
    env_keys = sorted(line.split("=", 1)[0] for line in (project / ".env").read_text().splitlines())
    problems = []
    for extra in [[], *[[o] for o in overrides]]:
        stack = [base, *extra]
        key = digest(*stack) + "|".join(env_keys)
        if key not in _COMPOSE_VERDICTS:
            args = [arg for p in stack for arg in ("-f", p.name)]
            result = run(str(BIN / "docker-compose"), *args, "config", "--quiet", cwd=project)
            _COMPOSE_VERDICTS[key] = "" if result.returncode == 0 else result.stderr.strip()
        if _COMPOSE_VERDICTS[key]:
            problems.append(f"compose {[p.name for p in stack]}: {_COMPOSE_VERDICTS[key]}")
    return problems


def hadolint_problems(projects):
    """hadolint once over every distinct Dockerfile of the batch."""
    by_digest = {}
    for project in projects:
        for path in project.rglob("Dockerfile*"):
            by_digest.setdefault(digest(path), []).append((project, path))
    todo = [paths[0][1] for key, paths in by_digest.items() if key not in _HADOLINT_VERDICTS]
    for path in todo:
        result = run(str(BIN / "hadolint"), "--no-color", str(path))
        _HADOLINT_VERDICTS[digest(path)] = (result.stdout + result.stderr).strip()
    problems = {}
    for key, paths in by_digest.items():
        if _HADOLINT_VERDICTS[key]:
            for project, path in paths:
                problems.setdefault(project, []).append(
                    f"hadolint {path.relative_to(project)}: {_HADOLINT_VERDICTS[key]}"
                )
    return problems


def ruff_problems(projects, base):
    """ruff check and ruff format --check once over the batch; each project keeps its own config."""
    problems = {}
    names = [str(p.relative_to(base)) for p in projects]
    ruff = str(BIN / "ruff")
    check = run(ruff, "check", "--no-cache", "--output-format=concise", *names, cwd=base)
    fmt = run(ruff, "format", "--check", "--no-cache", *names, cwd=base)
    for result, what in [(check, "ruff check"), (fmt, "ruff format")]:
        if result.returncode == 0:
            continue
        for line in (result.stdout + result.stderr).splitlines():
            for project, name in zip(projects, names, strict=True):
                if name + "/" in line:
                    problems.setdefault(project, []).append(f"{what}: {line.strip()}")
                    break
        if not any(problems.get(p) for p in projects):
            raise AssertionError(
                f"{what} failed without naming a project: {result.stdout}{result.stderr}"
            )
    return problems


@pytest.mark.parametrize(
    "batch",
    STATIC_CHUNKS,
    ids=[f"batch{i:03d}" for i in range(len(STATIC_CHUNKS))],
)
def test_every_baking_combination_is_static_clean(batch, tmp_path, post_gen_hook, record_property):
    started = time.perf_counter()
    projects, problems = [], {}
    for index, combination in enumerate(batch):
        # The longest name the hook accepts: generated lines must fit it too.
        slug = matrix.longest_name(f"v{index:02d}", LONGEST_NAME)
        project = bake_quietly(combination, tmp_path, slug)
        projects.append(project)
        problems[project] = (
            file_problems(project)
            + manifest_problems(project, combination, post_gen_hook)
            + trace_problems(project, combination)
            + shadow_problems(project)
            + compose_problems(project)
        )
    record_property("matrix_baked", len(projects))
    for found in (hadolint_problems(projects), ruff_problems(projects, tmp_path)):
        for project, lines in found.items():
            problems[project] += lines
    failing = {
        matrix.variant_id(combination): problems[project]
        for combination, project in zip(batch, projects, strict=True)
        if problems[project]
    }
    record_property("matrix_static_clean", len(batch) - len(failing))
    record_property("matrix_seconds", time.perf_counter() - started)
    assert not failing, "\n".join(f"{name}: {lines}" for name, lines in failing.items())
