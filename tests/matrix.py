"""The option matrix, derived from cookiecutter.json and the hooks themselves.

Nothing here is a hand-kept list of variants: the options and their values come
from cookiecutter.json, the values that are not available yet come from the
pre-generation hook's NOT_YET_AVAILABLE (read with ast), and the cross-option
rules are this file's own statement of what the README documents. The tests
compare that statement with what the real hook does on every combination.
"""

import ast
import contextlib
import hashlib
import io
import itertools
import os
import sys
from collections import OrderedDict

from tests.baking import COOKIECUTTER_JSON, TEMPLATE_DIR

HOOKS_DIR = TEMPLATE_DIR / "hooks"

# Options the static matrix rotates across the product of the others (each of
# their values appears at least once) instead of multiplying it: license and
# python_version change a line or two of text; css and ci add files of their own
# that no other option touches, and test_frontend.py bakes every frontend x css
# pair, test_deploy.py every ci value. Multiplying would take the matrix from
# about 380 to about 18,000 bakes; MATRIX_FULL=1 does it.
ROTATED = ("license", "python_version", "css", "ci")


def options():
    """{option: [values]} for every choice (list) and yes/no (boolean) option, in file order."""
    found = OrderedDict()
    for key, default in COOKIECUTTER_JSON.items():
        if key.startswith("_"):
            continue
        if isinstance(default, list):
            found[key] = list(default)
        elif isinstance(default, bool):
            found[key] = [default, not default]
    return found


OPTIONS = options()


def _module_assignment(path, name):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
    raise LookupError(f"{path.name} assigns no {name}")


def hook_constant(name):
    """A literal constant of the pre-generation hook, read with ast."""
    node = _module_assignment(HOOKS_DIR / "pre_gen_project.py", name)
    return ast.literal_eval(ast.unparse(node))


def not_yet_available():
    """The hook's NOT_YET_AVAILABLE set, evaluated on its own (no other hook code runs)."""
    node = _module_assignment(HOOKS_DIR / "pre_gen_project.py", "NOT_YET_AVAILABLE")
    expression = compile(ast.Expression(node), "NOT_YET_AVAILABLE", "eval")
    return set(eval(expression, {"__builtins__": {"set": set, "frozenset": frozenset}}))  # noqa: S307 - literals and a comprehension


NOT_YET_AVAILABLE = not_yet_available()


def shown(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def cli_value(value):
    """How a value is typed on cookiecutter's command line."""
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


# The documented cross-option rules: (condition, message). A combination that
# meets a condition is refused with that message.
CROSS_OPTION_RULES = [
    (
        lambda c: c["use_celery"] and not c["use_redis"],
        "use_celery needs Redis as its broker: answer use_redis=yes, or use_celery=no.",
    ),
    (
        lambda c: c["use_kubernetes"] and c["database"] == "sqlite",
        "use_kubernetes needs a database server that every pod can reach; a SQLite"
        " file lives in one pod: answer database=postgresql (or mysql, mongodb, none),"
        " or use_kubernetes=no.",
    ),
]


def expected_refusals(combination):
    """The ERROR lines the hook must print for these option values (empty: it bakes)."""
    messages = [message for applies, message in CROSS_OPTION_RULES if applies(combination)]
    for option, value in combination.items():
        if (option, value) in NOT_YET_AVAILABLE:
            messages.append(
                f"{option}={shown(value)} is not available in this version of the template"
                " yet: choose another value."
            )
    return sorted(f"ERROR: {message}" for message in messages)


def available_values(option):
    return [v for v in OPTIONS[option] if (option, v) not in NOT_YET_AVAILABLE]


def product(options_):
    names = list(options_)
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*options_.values())
    ]


def full_product():
    """Every combination of every choice option: what the refusal check covers."""
    return product(OPTIONS)


def rotated_product():
    """The full product of the structural options, the rotated options taking turns.

    What the refusal check runs the real hook on: each structural combination
    once, each value of a rotated option thousands of times. (Cookiecutter
    renders the whole context into the hook, so 12 times as many combinations
    would cost 12 times as many hook compilations; MATRIX_FULL=1 does that.)
    """
    rotated = [o for o in rotated_options() if o in OPTIONS]
    structural = OrderedDict((k, v) for k, v in OPTIONS.items() if k not in rotated)
    combinations = []
    for index, combination in enumerate(product(structural)):
        for option in rotated:
            combination[option] = OPTIONS[option][index % len(OPTIONS[option])]
        combinations.append({k: combination[k] for k in OPTIONS})
    return combinations


def rotated_options():
    return () if os.environ.get("MATRIX_FULL") else ROTATED


def static_matrix():
    """The combinations the static matrix bakes.

    The full product of every option except the rotated ones, minus the
    refused combinations; the rotated options take their available values in
    turn along that list (cycled until each value has appeared at least once).
    """
    rotated = [o for o in rotated_options() if o in OPTIONS]
    structural = OrderedDict((k, v) for k, v in OPTIONS.items() if k not in rotated)
    rotation = {option: available_values(option) for option in rotated}
    base = [c for c in product(structural) if not _refused_structurally(c, rotated)]
    if not base:
        return []
    length = max([len(base)] + [len(values) for values in rotation.values()])
    variants = []
    for index in range(length):
        combination = dict(base[index % len(base)])
        for option, values in rotation.items():
            combination[option] = values[index % len(values)]
        # Keep cookiecutter.json's order of keys.
        variants.append({k: combination[k] for k in OPTIONS})
    return [v for v in variants if not expected_refusals(v)]


def _refused_structurally(combination, rotated):
    filled = dict(combination)
    for option in rotated:
        filled[option] = available_values(option)[0]
    return bool(expected_refusals(filled))


def variant_id(combination):
    """A short readable name: the values that differ from the defaults."""
    parts = []
    for option, value in combination.items():
        if value == OPTIONS[option][0]:
            continue
        if isinstance(value, bool):
            parts.append(option.removeprefix("use_") if value else f"no_{option}")
        else:
            parts.append(f"{value}")
    return "-".join(parts) or "default"


def longest_name(prefix, length):
    """A valid slug and package name of exactly `length` characters."""
    return (prefix + "_" + "x" * length)[:length]


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- The real hook, rendered by cookiecutter's own Jinja environment --------


def default_context():
    """The answers of `cookiecutter --no-input`, derived fields rendered."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    if str(TEMPLATE_DIR) not in sys.path:
        sys.path.insert(0, str(TEMPLATE_DIR))  # local_extensions, as cookiecutter does
    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"))
    answers = prompt_for_config(context, no_input=True)
    return {"cookiecutter": answers}


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


# --- Pairwise covering set ---------------------------------------------------


def pairwise_options():
    return OrderedDict((option, available_values(option)) for option in OPTIONS)


def pairwise_set():
    """A deterministic set of baking combinations covering every possible pair of values."""
    from allpairspy import AllPairs

    params = pairwise_options()
    names = list(params)

    def allowed(row):
        # allpairspy passes partial rows: judge only the rules whose options are filled.
        partial = dict(zip(names, row, strict=False))
        for applies, _ in CROSS_OPTION_RULES:
            try:
                if applies(partial):
                    return False
            except KeyError:
                continue
        return True

    if len(names) < 2:
        return [
            dict(zip(names, values, strict=True)) for values in itertools.product(*params.values())
        ]
    rows = AllPairs(list(params.values()), filter_func=allowed)
    variants = [dict(zip(names, row, strict=True)) for row in rows]
    variants = [v for v in variants if not expected_refusals(v)]
    # With a filter, allpairspy can leave a possible pair out: add, greedily and
    # deterministically, the baking combination that covers most of what is missing.
    missing = possible_pairs() - {pair for v in variants for pair in pairs_of(v)}
    if missing:
        candidates = [c for c in product(params) if not expected_refusals(c)]
        while missing:
            best = max(candidates, key=lambda c: len(pairs_of(c) & missing))
            variants.append(best)
            missing -= pairs_of(best)
    return variants


def pairs_of(combination):
    items = list(combination.items())
    return {(a, b) for a, b in itertools.combinations(items, 2)}


def possible_pairs():
    """Every pair of option values that some baking combination contains."""
    found = set()
    for combination in product(pairwise_options()):
        if not expected_refusals(combination):
            found |= pairs_of(combination)
    return found


# --- What an unchosen option must leave no trace of -------------------------

# Option values that name no dependency, file or service of their own.
NEUTRAL_VALUES = {"none", "plain"}
# Options whose values name no dependency (they pick a text or a base image).
NEUTRAL_OPTIONS = set(ROTATED)
# More names by which a value shows up in dependencies, services and paths.
ALIASES = {
    ("database", "postgresql"): {"postgres", "psycopg"},
    ("database", "mysql"): {"mariadb", "pymysql"},
    ("database", "mongodb"): {"mongo", "pymongo"},
    ("frontend", "hotwire"): {"hotwired"},
    ("use_kubernetes", True): {"k8s"},
}


def value_terms(option, value):
    """The words that betray this option value in a project that did not choose it."""
    if option in NEUTRAL_OPTIONS:
        return set()
    if isinstance(value, bool):
        # use_redis=yes brings "redis"; answering no brings nothing.
        own = {option.removeprefix("use_")} if value else set()
    else:
        own = set() if value in NEUTRAL_VALUES else {str(value).lower()}
    return own | ALIASES.get((option, value), set())


def forbidden_terms(combination):
    """{term: "option=value"} for every value the combination did not choose.

    A term that also belongs to a chosen value (celery's "redis" when Redis is
    chosen, say) is not forbidden.
    """
    allowed = set()
    for option, value in combination.items():
        allowed |= value_terms(option, value)
    forbidden = {}
    for option, values in OPTIONS.items():
        for value in values:
            if value == combination[option]:
                continue
            for term in value_terms(option, value) - allowed:
                forbidden.setdefault(term, f"{option}={shown(value)}")
    return forbidden
