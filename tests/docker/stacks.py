"""A generated project's compose stack, driven the way its README tells users to.

Each Stack has a unique compose project name and publishes its web port (or
nginx's) on a random 127.0.0.1 port. `down()` removes its containers,
networks, volumes and the images compose built, and fails naming anything of
the project that is still there.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.baking import clean_env
from tools.standins import build as builder
from tools.standins.build import wait_for


def sh(*cmd: str, cwd=None, env=None, timeout: float = 120, check: bool = True):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} -> {proc.returncode}\n"
            f"stdout: {proc.stdout[-4000:]}\nstderr: {proc.stderr[-4000:]}"
        )
    return proc


def http(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) without following the host's proxy settings."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def images_named_by(project: Path) -> list[str]:
    """The official images the generated Dockerfile and compose.yaml name."""
    text = (project / "Dockerfile").read_text()
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.M | re.I))
    named = [i for i in re.findall(r"^FROM\s+(\S+)", text, re.M | re.I) if i not in stages]
    out = sh(
        "docker", "compose", "-p", "cfdimages", "config", "--images", cwd=project, env=clean_env()
    ).stdout.split()
    named += [i for i in out if not i.startswith("cfdimages-")]
    return sorted(set(named))


def ensure_standins_for(project: Path) -> list[str]:
    """Build the stand-ins for the images the project names (when missing);
    the names no stand-in provides."""
    named = images_named_by(project)
    provided = {tag for standin in builder.STANDINS for tag in standin.tags}
    builder.ensure_standins([image for image in named if image in provided])
    return [image for image in named if image not in provided]


class Stack:
    def __init__(self, project: Path, *files: str, **env: str):
        self.project = project
        self.name = f"cfdtest{uuid.uuid4().hex[:10]}"
        self.files = [arg for f in files for arg in ("--file", f)]
        self.env = clean_env(DOCKER_BUILDKIT="1", DOCKER_WEB_PORT_FORWARD="127.0.0.1:", **env)

    def compose(self, *args: str, timeout: float = 120, check: bool = True):
        return sh(
            "docker", "compose", "--project-name", self.name, *self.files, *args,
            cwd=self.project, env=self.env, timeout=timeout, check=check,
        )  # fmt: skip

    def services(self) -> list[str]:
        return self.compose("config", "--services").stdout.split()

    def build(self) -> None:
        self.compose("build", timeout=1800)

    def up(self, *services: str) -> None:
        """`docker compose up --build --wait`: every service running and healthy."""
        self.compose(
            "up", "--build", "--wait", "--wait-timeout", "300", "--detach", *services,
            timeout=1800,
        )  # fmt: skip

    def image(self, service: str) -> str:
        return f"{self.name}-{service}"

    def states(self) -> dict[str, tuple]:
        """{service: (state, health, exit code)} of every container, stopped ones too."""
        out = self.compose("ps", "--all", "--format", "json").stdout
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        if len(rows) == 1 and isinstance(rows[0], list):
            rows = rows[0]
        return {r["Service"]: (r["State"], r.get("Health", ""), r.get("ExitCode")) for r in rows}

    @functools.cached_property
    def base_url(self) -> str:
        """The published loopback address: nginx's when the stack has it, else web's.
        Read once the stack is up; it holds until `down()`."""
        service, port = ("nginx", "80") if "nginx" in self.services() else ("web", "8000")
        address = self.compose("port", service, port).stdout.strip()
        host, _, port = address.rpartition(":")
        assert host == "127.0.0.1", f"{service} is published on {address}, not on loopback"
        return f"http://127.0.0.1:{port}"

    def get(self, path: str, **headers: str):
        return wait_for(
            lambda: http(self.base_url + path, headers=headers),
            timeout=30,
            what=f"GET {path}",
        )

    def logs(self, *services: str, tail: str = "all") -> str:
        out = self.compose("logs", "--no-color", "--tail", tail, *services, check=False)
        return out.stdout + out.stderr

    def down(self) -> None:
        """Remove the stack and the images compose built for it; fail naming
        anything of it that is left."""
        self.compose("down", "--volumes", "--remove-orphans", "--timeout", "10", timeout=300)
        # Not `down --rmi local`: it also sweeps dangling images, and fails when
        # another build removed one of those first.
        built = self.images()
        if built:
            sh("docker", "image", "rm", "--force", *built, check=False)
        label = f"label=com.docker.compose.project={self.name}"
        left = {
            kind: sh("docker", kind, "ls", *flags, "--quiet", "--filter", label).stdout.split()
            for kind, flags in (("container", ["--all"]), ("volume", []), ("network", []))
        }
        left["image"] = self.images()
        assert left == {"container": [], "volume": [], "network": [], "image": []}, left

    def images(self) -> list[str]:
        """The images compose built and named for this stack."""
        out = sh("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}",
                 "--filter", f"reference={self.name}-*").stdout  # fmt: skip
        return sorted(set(out.split()))
