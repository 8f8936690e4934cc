"""Regenerate the Python locks that every baked project's uv.lock is made from.

    .venv/bin/python tools/lock_python.py             keep the locked versions, add what is new
    .venv/bin/python tools/lock_python.py --upgrade   take the newest versions the pins allow

A project's dependencies (pyproject.toml) depend on its answers. This renders
pyproject.toml for every combination of the options it names, and runs
`uv lock` (against PyPI) once for each distinct set of dependencies, in a
project named PLACEHOLDER. The results are stored once for all variants in
locks/python/:

- packages.lock: every distinct [[package]] block of those locks, as uv wrote it;
- variants.json: per set of dependencies, the lock's header, the project's
  own block and which package blocks it holds.

The post-generation hook assembles the project's uv.lock from them without
any network: the same bytes that `uv lock` wrote, with the project's own name
and version. The static matrix proves each bake's lock with
`uv lock --locked --offline`. Run this after changing a pin in the template's
pyproject.toml, then run the tests.
"""

import argparse
import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE_DIR))

from tests.support.baking import effective_answers  # noqa: E402
from tests.support.template import BIN, PROJECT_TEMPLATE  # noqa: E402
from tests.support.variants import DEFAULTS, OPTIONS, bakes  # noqa: E402

STORE = TEMPLATE_DIR / "locks" / "python"
PACKAGES = STORE / "packages.lock"
VARIANTS = STORE / "variants.json"
PLACEHOLDER = "lock_placeholder"
BLOCK_START = "[[package]]\n"
# How uv.lock names the placeholder project (normalized: "-" for "_").
PLACEHOLDER_BLOCK = BLOCK_START + 'name = "lock-placeholder"\n'


def requirements(pyproject):
    """What a lock is made for: the part of pyproject.toml that uv resolves.

    The post-generation hook compares the same three keys of the baked project.
    """
    import tomllib

    data = tomllib.loads(pyproject)
    return {
        "requires-python": data["project"]["requires-python"],
        "dependencies": data["project"]["dependencies"],
        "dependency-groups": data.get("dependency-groups", {}),
    }


def rendered_pyprojects():
    """{json of requirements: pyproject.toml text} over every combination that bakes."""
    from cookiecutter.environment import StrictEnvironment

    template = (PROJECT_TEMPLATE / "pyproject.toml").read_text()
    named = [o for o in OPTIONS if re.search(rf"cookiecutter\.{o}\b", template)]
    found = {}
    for values in itertools.product(*(OPTIONS[o] for o in named)):
        combination = dict(zip(named, values, strict=True))
        if not bakes({**DEFAULTS, **combination}):
            continue
        # The post-generation hook swaps this name and version for the project's.
        answers = effective_answers(
            {"project_slug": PLACEHOLDER, "version": "0.1.0", **combination}
        )
        env = StrictEnvironment(context={"cookiecutter": answers}, keep_trailing_newline=True)
        text = env.from_string(template).render(cookiecutter=answers)
        found.setdefault(json.dumps(requirements(text), sort_keys=True), text)
    return found


def block_id(block):
    return hashlib.sha256(block.encode()).hexdigest()[:16]


def split_lock(text):
    """(header, [package blocks]) of a uv.lock, each block ending in one newline."""
    header, *blocks = text.split("\n" + BLOCK_START)
    return header + "\n", [BLOCK_START + block.rstrip("\n") + "\n" for block in blocks]


def stored():
    """The current store: ({id: block}, [variant entries])."""
    if not VARIANTS.exists():
        return {}, []
    _, blocks = split_lock("\n" + PACKAGES.read_text())
    return {block_id(b): b for b in blocks}, json.loads(VARIANTS.read_text())


def assemble(entry, blocks):
    """The placeholder project's uv.lock, as uv wrote it (the hook does the same)."""
    return entry["header"] + "\n".join(
        [blocks[i] for i in entry["packages"][: entry["project_at"]]]
        + [entry["project"]]
        + [blocks[i] for i in entry["packages"][entry["project_at"] :]]
    )


def lock(pyproject, previous, upgrade, workdir):
    """uv.lock for this pyproject.toml, starting from the previous lock if any."""
    (workdir / "pyproject.toml").write_text(pyproject)
    if previous and not upgrade:
        (workdir / "uv.lock").write_text(previous)
    subprocess.run(
        [BIN / "uv", "lock", "--quiet", *(["--upgrade"] if upgrade else [])],
        cwd=workdir,
        check=True,
        env={**os.environ, "UV_PYTHON": sys.executable, "UV_PYTHON_DOWNLOADS": "never"},
    )
    return (workdir / "uv.lock").read_text()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="uv lock --upgrade")
    upgrade = parser.parse_args().upgrade
    old_blocks, old_entries = stored()
    previous = {json.dumps(e["requires"], sort_keys=True): e for e in old_entries}
    blocks, entries = {}, []
    for n, (key, pyproject) in enumerate(sorted(rendered_pyprojects().items()), 1):
        print(f"locking set {n}: {len(json.loads(key)['dependencies'])} dependencies", flush=True)
        before = previous.get(key)
        with tempfile.TemporaryDirectory() as workdir:
            text = lock(pyproject, before and assemble(before, old_blocks), upgrade, Path(workdir))
        header, package_blocks = split_lock(text)
        own = [i for i, b in enumerate(package_blocks) if b.startswith(PLACEHOLDER_BLOCK)]
        assert len(own) == 1, "the placeholder project should appear once"
        project = package_blocks.pop(own[0])
        for block in package_blocks:
            blocks[block_id(block)] = block
        entries.append(
            {
                "requires": json.loads(key),
                "header": header,
                "project": project,
                "project_at": own[0],
                "packages": [block_id(b) for b in package_blocks],
            }
        )
    STORE.mkdir(parents=True, exist_ok=True)
    PACKAGES.write_text("\n".join(blocks[i] for i in sorted(blocks, key=lambda i: blocks[i])))
    VARIANTS.write_text(json.dumps(entries, indent=1) + "\n")
    print(f"{len(entries)} locks, {len(blocks)} distinct package blocks in {STORE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
