"""The harness's own rule: test modules import only tests.support; tests.support,
bench/ and tools/ never import a test module."""

import ast

import pytest

from tests.support.template import TEMPLATE_DIR


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def python_files(*folders):
    return sorted(p for folder in folders for p in (TEMPLATE_DIR / folder).rglob("*.py"))


def is_support(module):
    return module == "tests.support" or module.startswith("tests.support.")


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("tests") if "support" not in p.relative_to(TEMPLATE_DIR).parts],
    ids=lambda p: str(p.relative_to(TEMPLATE_DIR)),
)
def test_a_test_module_imports_only_tests_support(path):
    wrong = [
        m for m in imported_modules(path)
        if (m == "tests" or m.startswith(("tests.", "tools.", "bench."))) and not is_support(m)
    ]  # fmt: skip
    assert not wrong, f"{path.name} imports {wrong}: move what it needs into tests/support"


@pytest.mark.parametrize(
    "path",
    python_files("tests/support", "bench", "tools"),
    ids=lambda p: str(p.relative_to(TEMPLATE_DIR)),
)
def test_support_bench_and_tools_import_no_test_module(path):
    wrong = [
        m for m in imported_modules(path)
        if (m == "tests" or m.startswith("tests.")) and not is_support(m)
    ]  # fmt: skip
    assert not wrong, f"{path.relative_to(TEMPLATE_DIR)} imports test modules {wrong}"


def test_the_rule_sees_a_violation(tmp_path):
    """The reader finds an import of a test module however it is spelled."""
    bad = tmp_path / "test_bad.py"
    bad.write_text(
        "import tests.test_matrix\nfrom tests import test_hooks\nfrom tests.docker import x\n"
    )
    assert list(imported_modules(bad)) == ["tests.test_matrix", "tests", "tests.docker"]
