"""One cache of virtual environments, keyed by what they install.

A generated project's .venv becomes a link to the environment made from its
exact pins (and this Python), made once per distinct set and shared by every
test and worker that needs the same (a file lock keeps two xdist workers from
building one twice). pip's own cache is shared too. VENV_CACHE moves it.
"""

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.support.template import BUILD_DIR

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


def _key(project, requirements, python):
    sha = hashlib.sha256(f"{python}\0{requirements}\0".encode())
    for path in sorted(project.glob("requirements*.txt")):
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


def venv_for(project, requirements="requirements-dev.txt", python=sys.executable):
    """Link project/.venv to the environment of its pins; returns that environment."""
    venv = VENVS / _key(project, requirements, python)
    with _locked(VENVS / f"{venv.name}.lock"):
        if not (venv / "complete").exists():
            subprocess.run(["rm", "-rf", str(venv)], check=True)
            subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
            # --no-compile: byte-compiling every package costs minutes on 2 busy cores.
            subprocess.run(
                [str(venv / "bin/pip"), "install", "--quiet", "--no-compile",
                 "--disable-pip-version-check", "-r", str(project / requirements)],
                check=True, timeout=900,
            )  # fmt: skip
            (venv / "complete").write_text("")
    link = project / ".venv"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(venv, target_is_directory=True)
    return venv
