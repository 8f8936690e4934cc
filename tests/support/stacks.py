"""A generated project's compose stack, driven the way its README tells users to.

Each Stack has a unique compose project name and publishes its web port (or
nginx's) on a random 127.0.0.1 port. `down()` removes its containers,
networks, volumes and the images compose built, and fails naming anything of
the project that is still there. The engine and the stand-in images come from
tools/standins (no registry is reachable here).
"""

import functools
import json
import re
import uuid

from tests.support.runners import clean_env, http, run, wait_until
from tools.standins import build as standins
from tools.standins.fixtures import docker_engine, standin_images  # noqa: F401 - fixtures


def sh(*cmd, cwd=None, env=None, timeout=120, check=True):
    return run(*cmd, cwd=cwd, env=env, timeout=timeout, check=check)


def images_named_by(project):
    """The official images the generated Dockerfile and compose.yaml name."""
    text = (project / "Dockerfile").read_text()
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.M | re.I))
    named = [i for i in re.findall(r"^FROM\s+(\S+)", text, re.M | re.I) if i not in stages]
    named += [i for i in re.findall(r"^COPY\s+--from=(\S+)", text, re.M | re.I) if i not in stages]
    out = sh(
        "docker", "compose", "-p", "cfdimages", "config", "--images", cwd=project, env=clean_env()
    ).stdout.split()
    named += [i for i in out if not i.startswith("cfdimages-")]
    return sorted(set(named))


def ensure_standins_for(project):
    """Build the stand-ins for the images the project names (when missing);
    the names no stand-in provides."""
    named = images_named_by(project)
    provided = {tag for standin in standins.STANDINS for tag in standin.tags}
    standins.ensure_standins([image for image in named if image in provided])
    return [image for image in named if image not in provided]


def build_image(context, tag, timeout=1200):
    """`docker build` of a folder, tagged; the caller removes the tag."""
    sh("docker", "build", "--tag", tag, str(context),
       env=clean_env(DOCKER_BUILDKIT="1"), timeout=timeout)  # fmt: skip


def add_to_dotenv(project, **settings):
    """Set settings in the project's .env, as a user would (compose reads it at `up`)."""
    dotenv = project / ".env"
    lines = [f"{name}={value}" for name, value in settings.items()]
    dotenv.write_text(dotenv.read_text() + "\n".join(lines) + "\n")


def run_in_image(image, script, timeout=300):
    """The output of a shell script run in a throwaway container of the image."""
    return sh("docker", "run", "--rm", "--entrypoint", "sh", image, "-c", script,
              timeout=timeout).stdout  # fmt: skip


class Stack:
    def __init__(self, project, *files, **env):
        self.project = project
        self.name = f"cfdtest{uuid.uuid4().hex[:10]}"
        self.files = [arg for f in files for arg in ("--file", f)]
        self.env = clean_env(DOCKER_BUILDKIT="1", DOCKER_WEB_PORT_FORWARD="127.0.0.1:", **env)

    def compose(self, *args, timeout=120, check=True):
        return sh(
            "docker", "compose", "--project-name", self.name, *self.files, *args,
            cwd=self.project, env=self.env, timeout=timeout, check=check,
        )  # fmt: skip

    def services(self):
        return self.compose("config", "--services").stdout.split()

    def build(self):
        self.compose("build", timeout=1800)

    def up(self, *services):
        """`docker compose up --build --wait`: every service running and healthy."""
        self.compose(
            "up", "--build", "--wait", "--wait-timeout", "300", "--detach", *services,
            timeout=1800,
        )  # fmt: skip

    def image(self, service):
        """The image a service runs: the one its compose file names, else the
        one compose names after the service when it builds it."""
        config = json.loads(self.compose("config", "--format", "json").stdout)
        return config["services"][service].get("image", f"{self.name}-{service}")

    def states(self):
        """{service: (state, health, exit code)} of every container, stopped ones too."""
        out = self.compose("ps", "--all", "--format", "json").stdout
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        if len(rows) == 1 and isinstance(rows[0], list):
            rows = rows[0]
        return {r["Service"]: (r["State"], r.get("Health", ""), r.get("ExitCode")) for r in rows}

    @functools.cached_property
    def base_url(self):
        """The published loopback address: nginx's when the stack has it, else web's.
        Read once the stack is up; it holds until `down()`."""
        service, port = ("nginx", "80") if "nginx" in self.services() else ("web", "8000")
        address = self.compose("port", service, port).stdout.strip()
        host, _, port = address.rpartition(":")
        assert host == "127.0.0.1", f"{service} is published on {address}, not on loopback"
        return f"http://127.0.0.1:{port}"

    def get(self, path, **headers):
        return wait_until(
            lambda: http(self.base_url + path, headers=headers), timeout=30, what=f"GET {path}"
        )

    def logs(self, *services, tail="all"):
        out = self.compose("logs", "--no-color", "--tail", tail, *services, check=False)
        return out.stdout + out.stderr

    def down(self):
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

    def images(self):
        """The images compose built and named for this stack."""
        out = sh("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}",
                 "--filter", f"reference={self.name}-*").stdout  # fmt: skip
        return sorted(set(out.split()))
