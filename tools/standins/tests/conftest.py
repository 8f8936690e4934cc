"""Fixtures of the stand-in images' self-tests (issue 8).

* ``docker_engine``, ``standin_images`` (session): from tools/standins/fixtures.py,
  shared with the template's docker tier (tests/docker).
* ``docker`` (function): a small CLI wrapper that remembers every container,
  volume and network it creates and removes them at teardown, also on failure.

Tests using these are marked ``@pytest.mark.docker`` (the marker is
registered by the project's pytest configuration).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid

import pytest

from tools.standins import fixtures
from tools.standins.fixtures import docker_engine, standin_images  # noqa: F401

# what Docker creates carries TEST_LABEL=SESSION_ID, so docker_engine's session
# sweep removes whatever a test leaked
TEST_LABEL = fixtures.TEST_LABEL
SESSION_ID = fixtures.SESSION_ID


class Docker:
    """docker CLI calls with timeouts; tracks what it creates for cleanup."""

    def __init__(self) -> None:
        self.containers: list[str] = []
        self.volumes: list[str] = []
        self.networks: list[str] = []
        self.prefix = f"cfd-test-{SESSION_ID}-{uuid.uuid4().hex[:6]}"

    def cli(
        self,
        *args: str,
        timeout: float = 120,
        check: bool = True,
        input: str | None = None,
        env: dict | None = None,
    ) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            ["docker", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
            env={**os.environ, "DOCKER_BUILDKIT": "1", **(env or {})},
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"docker {' '.join(args)} -> {proc.returncode}\n"
                f"stdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}"
            )
        return proc

    def name(self, what: str) -> str:
        return f"{self.prefix}-{what}"

    def volume(self, what: str = "vol") -> str:
        name = self.name(what)
        self.cli("volume", "create", "--label", f"{TEST_LABEL}={SESSION_ID}", name, timeout=60)
        self.volumes.append(name)
        return name

    def run_detached(
        self, image: str, *args: str, name: str | None = None, opts: list[str] | None = None
    ) -> str:
        cname = name or self.name(re.sub(r"[^a-z0-9]+", "-", image.lower()))
        self.containers.append(cname)  # before run: cleaned up even if run fails midway
        proc = self.cli(
            "run",
            "-d",
            "--name",
            cname,
            "--label",
            f"{TEST_LABEL}={SESSION_ID}",
            *(opts or []),
            image,
            *args,
            timeout=120,
        )
        return proc.stdout.strip()

    def run_rm(
        self,
        image: str,
        *args: str,
        opts: list[str] | None = None,
        timeout: float = 300,
        check: bool = True,
    ) -> subprocess.CompletedProcess:
        cname = self.name(f"rm-{uuid.uuid4().hex[:6]}")
        self.containers.append(cname)
        return self.cli(
            "run",
            "--rm",
            "--name",
            cname,
            "--label",
            f"{TEST_LABEL}={SESSION_ID}",
            *(opts or []),
            image,
            *args,
            timeout=timeout,
            check=check,
        )

    def exec(
        self,
        container: str,
        *args: str,
        timeout: float = 60,
        check: bool = True,
        user: str | None = None,
    ) -> subprocess.CompletedProcess:
        opts = ["--user", user] if user else []
        return self.cli("exec", *opts, container, *args, timeout=timeout, check=check)

    def port(self, container: str, cport: str) -> int:
        out = self.cli("port", container, cport, timeout=30).stdout.strip().splitlines()
        for line in out:
            host, _, port = line.rpartition(":")
            if host == "127.0.0.1":
                return int(port)
        raise AssertionError(f"{container} {cport} not published on 127.0.0.1: {out}")

    def inspect(self, ref: str) -> dict:
        return json.loads(self.cli("inspect", ref, timeout=30).stdout)[0]

    def logs(self, container: str) -> str:
        p = self.cli("logs", container, timeout=30, check=False)
        return p.stdout + p.stderr

    def health(self, container: str) -> str:
        st = self.inspect(container)["State"]
        if not st.get("Running"):
            raise AssertionError(
                f"{container} is not running: {st}\n{self.logs(container)[-3000:]}"
            )
        return (st.get("Health") or {}).get("Status", "none")

    def cleanup(self) -> list[str]:
        problems = []
        for c in reversed(self.containers):
            p = self.cli("rm", "-f", "-v", c, timeout=60, check=False)
            if p.returncode != 0 and "No such container" not in p.stderr:
                problems.append(f"container {c}: {p.stderr.strip()}")
        for v in self.volumes:
            p = self.cli("volume", "rm", "-f", v, timeout=60, check=False)
            if p.returncode != 0:
                problems.append(f"volume {v}: {p.stderr.strip()}")
        for n in self.networks:
            p = self.cli("network", "rm", n, timeout=60, check=False)
            if p.returncode != 0 and "not found" not in p.stderr:
                problems.append(f"network {n}: {p.stderr.strip()}")
        return problems


@pytest.fixture
def docker(docker_engine):  # noqa: F811 - the imported session fixture
    d = Docker()
    yield d
    problems = d.cleanup()
    assert not problems, f"cleanup failed: {problems}"
