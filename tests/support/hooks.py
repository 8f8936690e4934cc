"""The hooks: their constants, read once, and the hooks rendered as cookiecutter does."""

import ast
import contextlib
import functools
import hashlib
import io

from tests.support.template import HOOKS_DIR, TEMPLATE_DIR


@functools.cache
def hook_constant(name, hook="pre_gen_project.py"):
    """A module-level constant of a hook, evaluated on its own (no other hook code runs).

    Literals, and set()/frozenset() calls, are all a constant may hold.
    """
    path = HOOKS_DIR / hook
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            code = compile(ast.Expression(node.value), f"{hook}:{name}", "eval")
            return eval(code, {"__builtins__": {"set": set, "frozenset": frozenset}})  # noqa: S307
    raise LookupError(f"{hook} assigns no {name}")


NOT_YET_AVAILABLE = frozenset(hook_constant("NOT_YET_AVAILABLE"))
SHADOWED_NAMES = frozenset(hook_constant("SHADOWED_NAMES"))
MAX_NAME_LENGTH = hook_constant("MAX_NAME_LENGTH")


@functools.cache
def default_context():
    """The answers of `cookiecutter --no-input`, derived fields rendered."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"))
    return {"cookiecutter": prompt_for_config(context, no_input=True)}


class RenderedHook:
    """A hook script as cookiecutter renders it, run in this process.

    Cookiecutter renders the hook with Jinja and runs the result with Python;
    this does the same rendering with cookiecutter's own environment and runs
    the result's main(), so thousands of combinations cost milliseconds each.
    Identical rendered scripts are run once.
    """

    def __init__(self, name):
        from cookiecutter.utils import create_env_with_context

        self.base = default_context()
        source = (HOOKS_DIR / name).read_text()
        self.template = create_env_with_context(self.base).from_string(source)
        self.name = name
        self._verdicts = {}

    def render(self, combination):
        answers = {**self.base["cookiecutter"], **combination}
        return self.template.render(cookiecutter=answers)

    def namespace(self, combination):
        ns = {"__name__": self.name.removesuffix(".py")}
        exec(compile(self.render(combination), self.name, "exec"), ns)  # noqa: S102
        return ns

    def verdict(self, combination):
        """(exit code, sorted ERROR lines) of the hook's main() for these answers."""
        rendered = self.render(combination)
        key = hashlib.sha256(rendered.encode()).hexdigest()
        if key not in self._verdicts:
            ns = {"__name__": self.name.removesuffix(".py")}
            exec(compile(rendered, self.name, "exec"), ns)  # noqa: S102
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr):
                code = ns["main"]()
            lines = sorted(line for line in stderr.getvalue().splitlines() if line)
            self._verdicts[key] = (code, lines)
        return self._verdicts[key]
