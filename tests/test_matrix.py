"""The option matrix: every combination is refused exactly as documented, or bakes clean.

The combinations come from cookiecutter.json (tests/support/variants.py), so a
new option or value extends the matrix by itself. Checks run in batches (ruff,
hadolint and shellcheck once per batch, identical compose files, Dockerfiles
and shell scripts checked once) so that the whole matrix stays within minutes
on two cores.
"""

import math
import time

import pytest

from tests.support import variants
from tests.support.baking import bake_cli, bake_in_process
from tests.support.checks import manifest_problems, static_problems
from tests.support.hooks import MAX_NAME_LENGTH, NOT_YET_AVAILABLE, RenderedHook

FULL_PRODUCT = variants.full_product()
BAKING = [c for c in FULL_PRODUCT if variants.bakes(c)]
CHECKED = variants.rotated_product()
STATIC = variants.static_matrix()
CHUNK = max(1, min(12, math.ceil(len(STATIC) / 2)))
STATIC_CHUNKS = variants.chunks(STATIC, CHUNK)


@pytest.fixture(scope="module")
def pre_gen_hook():
    return RenderedHook("pre_gen_project.py")


@pytest.fixture(scope="module")
def post_gen_hook():
    return RenderedHook("post_gen_project.py")


# --- Refusals ----------------------------------------------------------------

# One test per value of the first option that is not rotated, to spread the work.
FIRST_OPTION = next(o for o in variants.OPTIONS if o not in variants.ROTATED)


@pytest.mark.parametrize("first_value", variants.OPTIONS[FIRST_OPTION], ids=variants.shown)
def test_the_hook_refuses_exactly_the_documented_combinations(
    pre_gen_hook, record_property, first_value
):
    """The real hook (rendered as cookiecutter does) on every structural combination."""
    combinations = [c for c in CHECKED if c[FIRST_OPTION] == first_value]
    wrong = []
    refused = 0
    for combination in combinations:
        expected = variants.expected_refusals(combination)
        code, lines = pre_gen_hook.verdict(combination)
        refused += bool(expected)
        if (code != 0) != bool(expected) or lines != expected:
            wrong.append((combination, expected, code, lines))
    record_property("matrix_checked", len(combinations))
    record_property("matrix_refused", refused)
    assert not wrong, f"{len(wrong)} combinations disagree with the rules, e.g. {wrong[:3]}"


def one_rule_at_a_time():
    """For each rule, the default answers changed just enough to break it."""
    defaults = variants.DEFAULTS
    cases = {}
    for option, value in sorted(NOT_YET_AVAILABLE, key=str):
        if option in variants.OPTIONS:
            cases[f"{option}={variants.shown(value)}"] = {**defaults, option: value}
    for option, values in variants.OPTIONS.items():
        for value in values:
            combination = {**defaults, option: value}
            for applies, message in variants.CROSS_OPTION_RULES:
                if applies(combination):
                    cases.setdefault(message.split(":")[0], combination)
    return cases


RULE_CASES = one_rule_at_a_time()


@pytest.mark.parametrize("combination", list(RULE_CASES.values()), ids=list(RULE_CASES))
def test_each_refusal_goes_through_the_real_command_line(tmp_path, combination):
    result = bake_cli(tmp_path, combination)
    assert result.returncode != 0
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("ERROR: "))
    assert errors == variants.expected_refusals(combination), result.stderr
    assert list(tmp_path.iterdir()) == [], "a refused bake left files behind"


def test_the_rules_name_only_real_options_and_values():
    for option, value in NOT_YET_AVAILABLE:
        assert option in variants.OPTIONS and value in variants.OPTIONS[option], (option, value)
    assert variants.expected_refusals(variants.DEFAULTS) == [], "the default answers must bake"


def test_the_static_matrix_covers_every_available_value(record_property):
    record_property("matrix_total", len(FULL_PRODUCT))
    record_property("matrix_baking", len(BAKING))
    for option in variants.OPTIONS:
        chosen = {variant[option] for variant in STATIC}
        possible = {c[option] for c in BAKING}
        assert chosen == possible, option

    def structural(combination):
        return tuple((k, v) for k, v in combination.items() if k not in variants.rotated_options())

    assert {structural(v) for v in STATIC} == {structural(c) for c in BAKING}, (
        "the static matrix misses a combination"
    )


# --- Static checks of every baking combination ------------------------------


@pytest.mark.parametrize(
    "batch",
    STATIC_CHUNKS,
    ids=[f"batch{i:03d}" for i in range(len(STATIC_CHUNKS))],
)
def test_every_baking_combination_is_static_clean(batch, tmp_path, post_gen_hook, record_property):
    started = time.perf_counter()
    answers_of = {}
    for index, combination in enumerate(batch):
        # The longest name the hook accepts: generated lines must fit it too.
        slug = variants.longest_name(f"v{index:02d}", MAX_NAME_LENGTH)
        project = bake_in_process({**combination, "project_slug": slug}, tmp_path)
        answers_of[project] = combination
    record_property("matrix_baked", len(answers_of))
    problems = static_problems(list(answers_of), answers_of.get)
    for project, combination in answers_of.items():
        problems[project] += manifest_problems(project, combination, post_gen_hook)
    failing = {
        variants.variant_id(answers_of[project]): lines
        for project, lines in problems.items()
        if lines
    }
    record_property("matrix_static_clean", len(batch) - len(failing))
    record_property("matrix_seconds", time.perf_counter() - started)
    assert not failing, "\n".join(f"{name}: {lines}" for name, lines in failing.items())
