"""The default generated project, built and run with Docker for real (issue 8).

Bakes the default variant, builds its Dockerfile (BuildKit) on the stand-in
base images, checks what the image contains, then starts the whole
compose.yaml stack (PostgreSQL, the one-shot release service, the web
service) under a unique compose project name, with the web port published on
a random 127.0.0.1 port, and GETs / and /up through it. The stack, its
volumes, networks and images are removed afterwards, also on failure.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from tests.baking import bake, clean_env, read_env_file
from tests.docker import build_standins as builder

pytestmark = pytest.mark.docker

wait_for = builder.wait_for


DEFAULT_PYTHON = "3.13"


def builder_python_versions() -> list[str]:
    """The python_version choices of cookiecutter.json."""
    from tests.baking import COOKIECUTTER_JSON

    return list(COOKIECUTTER_JSON["python_version"])


def sh(*cmd: str, cwd=None, env=None, timeout: float = 120, check: bool = True):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} -> {proc.returncode}\n"
            f"stdout: {proc.stdout[-4000:]}\nstderr: {proc.stderr[-4000:]}"
        )
    return proc


def buildx_version() -> tuple[int, ...]:
    p = sh("docker", "buildx", "version", check=False, timeout=30)
    m = re.search(r"\b(?:v)?(\d+)\.(\d+)\.(\d+)", p.stdout)
    return tuple(int(x) for x in m.groups()) if (p.returncode == 0 and m) else ()


def http_get(url: str, timeout: float = 5):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture(scope="module")
def project(cookies_session):
    """The default bake (PostgreSQL, Python 3.13, no Redis/nginx)."""
    return bake(cookies_session)


def images_named_by(project) -> list[str]:
    """Official images the generated Dockerfile and compose.yaml name."""
    text = (project / "Dockerfile").read_text()
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.M | re.I))
    named = [i for i in re.findall(r"^FROM\s+(\S+)", text, re.M | re.I) if i not in stages]
    out = sh(
        "docker", "compose", "-p", "cfdimages", "config", "--images", cwd=project, env=clean_env()
    ).stdout.split()
    named += [i for i in out if not i.startswith("cfdimages-")]
    return sorted(set(named))


@pytest.fixture(scope="module")
def project_standins(project, docker_engine):
    """The stand-ins for the images the project names, built when missing."""
    named = images_named_by(project)
    known = {t for s in builder.STANDINS for t in s.tags}
    missing = [i for i in named if i not in known]
    assert not missing, f"the generated project names images no stand-in provides: {missing}"
    return builder.ensure_standins(named)


@pytest.fixture(scope="module")
def app_image(project, project_standins):
    """`docker build` of the generated Dockerfile, as compose would build it."""
    tag = f"cfd-test-app-{uuid.uuid4().hex[:10]}:latest"
    env = clean_env(DOCKER_BUILDKIT="1")
    try:
        sh(
            "docker",
            "build",
            "--build-arg",
            "UID=1000",
            "--build-arg",
            "GID=1000",
            "-t",
            tag,
            str(project),
            env=env,
            timeout=1200,
        )
        yield tag
    finally:
        sh("docker", "rmi", "-f", tag, check=False, timeout=120)


def test_image_is_built_on_the_python_the_project_chose(project, app_image):
    python_from = re.findall(r"^FROM (\S+)", (project / "Dockerfile").read_text(), re.M)
    assert python_from == ["python:3.13-slim", "python:3.13-slim"], python_from
    out = sh("docker", "run", "--rm", "--entrypoint", "python", app_image, "--version").stdout
    assert re.fullmatch(r"Python 3\.13\.\d+\n", out), out


def test_image_runs_as_non_root(app_image):
    info = json.loads(sh("docker", "image", "inspect", app_image).stdout)[0]["Config"]
    assert info["User"] == "1000:1000", info["User"]
    out = sh("docker", "run", "--rm", "--entrypoint", "id", app_image).stdout
    assert out.startswith("uid=1000(app) gid=1000(app)"), out


def test_image_has_no_secrets_tests_or_dev_tools(app_image):
    script = r"""
cd /app
for f in .env instance/*.sqlite3 tests .venv .git; do [ -e "$f" ] && echo "PRESENT $f"; done
for m in pytest ruff; do python -c "import $m" 2>/dev/null && echo "IMPORTABLE $m"; done
command -v ruff pytest | sed 's/^/ONPATH /'
ls -A /app
"""
    out = sh("docker", "run", "--rm", "--entrypoint", "sh", app_image, "-c", script).stdout
    assert not re.search(r"^(PRESENT|IMPORTABLE|ONPATH) ", out, re.M), out
    assert (
        "gunicorn" in sh("docker", "run", "--rm", "--entrypoint", "pip", app_image, "list").stdout
    )


@pytest.mark.parametrize(
    "python_version",
    [v for v in builder_python_versions() if v != DEFAULT_PYTHON],
)
def test_image_builds_on_every_python_version(cookies_session, docker_engine, python_version):
    """The other python_version answers: the image builds (pip install of the pinned
    requirements, `flask digest compile` importing the app) and runs that Python."""
    project = bake(cookies_session, python_version=python_version)
    named = images_named_by(project)
    assert f"python:{python_version}-slim" in named, named
    builder.ensure_standins([i for i in named if i.startswith("python:")])
    tag = f"cfd-test-app-{uuid.uuid4().hex[:10]}:latest"
    try:
        sh(
            "docker",
            "build",
            "-t",
            tag,
            str(project),
            env=clean_env(DOCKER_BUILDKIT="1"),
            timeout=1200,
        )
        out = sh(
            "docker",
            "run",
            "--rm",
            "--entrypoint",
            "sh",
            tag,
            "-c",
            "python --version; id -u; gunicorn --version",
        ).stdout.splitlines()
        assert re.fullmatch(rf"Python {re.escape(python_version)}\.\d+", out[0]), out
        assert out[1] == "1000", out
        assert out[2].startswith("gunicorn"), out
    finally:
        sh("docker", "rmi", "-f", tag, check=False, timeout=120)


def test_compose_stack_serves_home_and_up(project, app_image, tmp_path):
    name = f"cfdtest{uuid.uuid4().hex[:10]}"
    env = clean_env(
        DOCKER_BUILDKIT="1",
        # random free host port, on 127.0.0.1 only
        DOCKER_WEB_PORT_FORWARD="127.0.0.1:",
    )
    compose = ["docker", "compose", "-p", name]
    dotenv = read_env_file(project / ".env")
    assert dotenv.get("POSTGRES_PASSWORD"), "the bake wrote no POSTGRES_PASSWORD into .env"
    built_tags: list[str] = []
    try:
        if buildx_version() >= (0, 17, 0):
            # the path users take
            sh(
                *compose,
                "up",
                "--build",
                "--wait",
                "--wait-timeout",
                "300",
                "--detach",
                cwd=project,
                env=env,
                timeout=1500,
            )
        else:
            # Compose v5 refuses to build with buildx < 0.17 (Debian's newest is
            # 0.13.1) and its classic-builder fallback cannot run the Dockerfile's
            # RUN --mount. So: the same Dockerfile, built by BuildKit in
            # app_image, tagged with the names compose gives its services.
            images = sh(*compose, "config", "--images", cwd=project, env=env).stdout.split()
            for img in images:
                if img.startswith(f"{name}-"):
                    sh("docker", "tag", app_image, img)
                    built_tags.append(img)
            assert sorted(built_tags) == [f"{name}-release", f"{name}-web"], images
            sh(
                *compose,
                "up",
                "--no-build",
                "--wait",
                "--wait-timeout",
                "300",
                "--detach",
                cwd=project,
                env=env,
                timeout=600,
            )

        ps = sh(*compose, "ps", "--all", "--format", "json", cwd=project, env=env).stdout
        rows = [json.loads(line) for line in ps.splitlines() if line.strip()]
        if len(rows) == 1 and isinstance(rows[0], list):
            rows = rows[0]
        state = {r["Service"]: (r["State"], r.get("Health", ""), r.get("ExitCode")) for r in rows}
        assert state["postgres"][:2] == ("running", "healthy"), state
        assert state["release"][0] == "exited" and state["release"][2] == 0, state
        assert state["web"][:2] == ("running", "healthy"), state

        port_line = sh(*compose, "port", "web", "8000", cwd=project, env=env).stdout.strip()
        host, _, port = port_line.rpartition(":")
        assert host == "127.0.0.1", port_line
        base = f"http://127.0.0.1:{port}"
        status, body = wait_for(lambda: http_get(f"{base}/up"), timeout=60, what="GET /up")
        assert status == 200, body
        assert json.loads(body) == {"checks": {"database": "ok"}, "failed": [], "status": "ok"}, (
            body
        )
        status, home = http_get(f"{base}/")
        assert status == 200, home
        # the release service migrated and seeded PostgreSQL
        assert "GET /up checks every backing service." in home
        logs = sh(*compose, "logs", "--no-color", "release", cwd=project, env=env).stdout
        assert "Running upgrade" in logs, logs
    except Exception:
        # show the stack's logs with the failure
        logs = sh(
            *compose,
            "logs",
            "--no-color",
            "--tail",
            "80",
            cwd=project,
            env=env,
            check=False,
            timeout=60,
        )
        print(logs.stdout[-8000:], logs.stderr[-2000:])
        raise
    finally:
        down = sh(
            *compose,
            "down",
            "--volumes",
            "--remove-orphans",
            "--timeout",
            "20",
            cwd=project,
            env=env,
            check=False,
            timeout=300,
        )
        for tag in built_tags:
            sh("docker", "rmi", "-f", tag, check=False, timeout=120)
        if not built_tags:  # compose built them: remove what it built
            sh(
                "docker",
                "image",
                "rm",
                "-f",
                f"{name}-web",
                f"{name}-release",
                check=False,
                timeout=120,
            )
    assert down.returncode == 0, down.stderr
    leftovers = {
        kind: sh(
            "docker",
            kind,
            "ls",
            *(["-a"] if kind == "container" else []),
            "-q",
            "--filter",
            f"label=com.docker.compose.project={name}",
        ).stdout.split()
        for kind in ("container", "volume", "network")
    }
    assert leftovers == {"container": [], "volume": [], "network": []}, leftovers
