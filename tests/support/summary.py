"""The matrix summary, as pytest hooks that tests/conftest.py takes in.

Tests record their counts with record_property("matrix_...", n), ("pairwise_...", n)
or ("fuzz_...", n); pytest-xdist carries them from the workers to the
controller, which adds them up here, prints one table at the end and writes it
to build/matrix-summary.json, where `./run bench` reads the timings.
"""

import json
import time

from tests.support.template import BUILD_DIR

SUMMARY_FILE = BUILD_DIR / "matrix-summary.json"
KINDS = ("matrix", "pairwise", "fuzz")
_COUNTS = {}
_SPANS = {}  # kind -> [first start, last stop, summed test seconds]

ROWS = [
    ("matrix_total", "combinations of every choice option in cookiecutter.json"),
    ("matrix_checked", "run through the real hook (the options of ROTATED taking turns)"),
    ("matrix_refused", "of those refused by the hook, exactly as the rules say"),
    ("matrix_baking", "combinations that bake (of the full product)"),
    ("matrix_baked", "baked by the static matrix"),
    (
        "matrix_static_clean",
        "static-clean (debris, parse, ruff, compose, hadolint, shellcheck, traces)",
    ),
    ("pairwise_variants", "pairwise variants run for real"),
    ("pairwise_passed", "fully run (install, own tests, assets, gunicorn, / and /up)"),
    ("fuzz_examples", "hostile-input examples"),
    ("fuzz_refused", "hostile-input examples refused cleanly"),
    ("fuzz_baked", "hostile-input examples baked sound"),
]


def _kind(nodeid):
    return next((kind for kind in KINDS if f"test_{kind}.py" in nodeid), None)


def pytest_runtest_logreport(report):
    kind = _kind(report.nodeid)
    if kind is None:
        return
    span = _SPANS.setdefault(kind, [float("inf"), 0.0, 0.0])
    start, stop = getattr(report, "start", None), getattr(report, "stop", None)
    if start is not None and stop is not None:
        span[0], span[1] = min(span[0], start), max(span[1], stop)
    span[2] += report.duration
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name.startswith(tuple(f"{k}_" for k in KINDS)) and isinstance(value, int | float):
            _COUNTS[name] = _COUNTS.get(name, 0) + value
    if kind == "pairwise" and "pairwise_variants" in dict(report.user_properties):
        _COUNTS["pairwise_passed"] = _COUNTS.get("pairwise_passed", 0) + int(report.passed)


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "workerinput") or not _COUNTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("template matrix summary")
    for key, label in ROWS:
        if key in _COUNTS:
            write(f"{_COUNTS[key]:>8}  {label}")
    walls = {}
    for kind, (start, stop, summed) in sorted(_SPANS.items()):
        wall = stop - start if stop >= start else None
        walls[kind] = {"wall_seconds": wall, "test_seconds": summed}
        shown = f"{wall:.1f}s wall, " if wall is not None else ""
        write(f"{kind:>8}  {shown}{summed:.1f}s summed over tests")
    SUMMARY_FILE.parent.mkdir(exist_ok=True)
    SUMMARY_FILE.write_text(
        json.dumps({"finished": time.time(), "counts": _COUNTS, "timings": walls}, indent=2) + "\n"
    )
