"""One cache of virtual environments, keyed by what they install.

A generated project's .venv becomes a link to the environment that
`uv sync --locked` made from its uv.lock (and this Python), made once per
distinct set of locked packages and shared by every test and worker that needs
the same (a file lock keeps two xdist workers from building one twice). uv's
own cache is shared too. VENV_CACHE moves it.
"""

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.support.template import BIN, BUILD_DIR

VENVS = Path(os.environ.get("VENV_CACHE", BUILD_DIR / "venvs"))


@contextlib.contextmanager
def _locked(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _key(project, dev, python):
    """What the environment holds: the locked packages, not the project's own
    name and version (bakes with other names share it)."""
    sha = hashlib.sha256(f"{python}\0{dev}\0".encode())
    for block in sorted((project / "uv.lock").read_text().split("\n[[package]]\n")):
        if 'source = { virtual = "." }' not in block:
            sha.update(block.encode() + b"\0")
    return sha.hexdigest()[:16]


def venv_for(project, dev=True, python=sys.executable):
    """Link project/.venv to the environment of its lock; returns that environment.

    dev=False leaves out the development tools, as the Docker image does.
    """
    venv = VENVS / _key(project, dev, python)
    with _locked(VENVS / f"{venv.name}.lock"):
        if not (venv / "complete").exists():
            subprocess.run(["rm", "-rf", str(venv)], check=True)
            subprocess.run(
                [str(BIN / "uv"), "sync", "--locked", "--quiet", "--python", python,
                 *([] if dev else ["--no-dev"])],
                cwd=project, check=True, timeout=900,
                env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv),
                     "UV_PYTHON_DOWNLOADS": "never"},
            )  # fmt: skip
            (venv / "complete").write_text("")
    link = project / ".venv"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(venv, target_is_directory=True)
    return venv
