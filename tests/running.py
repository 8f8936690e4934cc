"""Running generated projects for real: virtual environments, servers, HTTP."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager

from tests.baking import clean_env

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


def create_venv(project, requirements="requirements-dev.txt", python="python3"):
    """A fresh virtual environment in the project, built from its pinned requirements."""
    venv = project / ".venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin/pip"), "install", "--quiet", "--disable-pip-version-check",
         "-r", str(project / requirements)],
        check=True,
        timeout=900,
    )  # fmt: skip
    return venv


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_database_url(admin_url=POSTGRES_ADMIN_URL):
    """A database name no other test run uses, on the given server."""
    return f"{admin_url}/t_{uuid.uuid4().hex[:12]}"


def get(url, timeout=5):
    """(status, body) of a GET, without raising on HTTP error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(url, deadline_seconds=60, process=None):
    deadline = time.monotonic() + deadline_seconds
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode} before answering")
        try:
            return get(url, timeout=2)
        except OSError as error:
            last = error
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer within {deadline_seconds}s: {last!r}")


@contextmanager
def background(project, command, log, **env):
    """Run a command in the project with its output in `log`; SIGTERM it (and its
    children) afterwards, SIGKILL when it does not stop within 30 s."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=clean_env(PATH=f"{project / '.venv/bin'}:{os.environ['PATH']}", **env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            process.output = log.read_text()


@contextmanager
def served(project, command, port, startup_seconds=60, **env):
    """Run a server command in the project until /up answers; stop it afterwards."""
    with background(project, command, project / f"server-{port}.log", **env) as process:
        wait_for(f"http://127.0.0.1:{port}/up", startup_seconds, process=process)
        yield process
