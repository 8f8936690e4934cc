"""Docker benchmarks: `./run bench docker` writes BENCHMARKS-docker.md.

For each variant of the docker tier's covering set (docker_variants in tests/support/variants.py)
and, side by side in the same run, for a bare Flask app with the same kind of
Dockerfile (python slim base, a virtual environment with flask and gunicorn,
the code, a non-root user):

* cold build: `docker builder prune` first, so no layer and no pip/npm cache
  mount survives; the downloads go through this machine's network;
* code-only rebuild: one Python file edited, everything else cached
  (goal: under 10 s);
* app layers: the image's size minus its python base image's size
  (goal: under 100 MB for the default variant);
* compose up to healthy: `docker compose up --wait` of the already built
  stack, every service healthy, then `down --volumes`.

Needs the docker tier's engine and stand-in images (tools/standins/README.md);
run it as root. BENCH_DOCKER_VARIANTS=3 limits it to the first three variants.
Nothing asserts; the goals are printed next to the figures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.baking import bake_in_process  # noqa: E402
from tests.support.stacks import Stack, ensure_standins_for, sh  # noqa: E402
from tests.support.variants import DEFAULTS, docker_variants, no_standin, variant_id  # noqa: E402
from tools.standins import build as builder  # noqa: E402

OUT = ROOT / "BENCHMARKS-docker.md"
# the base image of the default project
PYTHON_BASE = f"python:{DEFAULTS['python_version']}-slim"

BARE_DOCKERFILE = f"""FROM {PYTHON_BASE}
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${{PATH}}"
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt
RUN useradd --uid 1000 --create-home app
WORKDIR /app
COPY --chown=app:app . .
USER app
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
"""
BARE_APP = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def home():
    return "Hello, World!"
"""


def log(message: str) -> None:
    print(f"bench docker: {message}", flush=True)


def image_size(ref: str) -> int:
    return int(sh("docker", "image", "inspect", "--format", "{{.Size}}", ref).stdout)


def prune_build_cache() -> None:
    sh("docker", "builder", "prune", "--all", "--force", timeout=600)


def flask_pins(project: Path) -> str:
    """The generated project's own flask and gunicorn versions (uv.lock), for the bare app."""
    wanted = {"flask", "gunicorn", "werkzeug", "jinja2", "click", "itsdangerous", "markupsafe"}
    wanted |= {"blinker", "packaging"}
    locked = tomllib.loads((project / "uv.lock").read_text())["package"]
    return "".join(f"{p['name']}=={p['version']}\n" for p in locked if p["name"] in wanted)


def bare_project(base: Path, pins: str) -> Path:
    bare = base / "bare"
    bare.mkdir()
    (bare / "Dockerfile").write_text(BARE_DOCKERFILE)
    (bare / "requirements.txt").write_text(pins)
    (bare / "app.py").write_text(BARE_APP)
    return bare


def cold_then_code_only(build, code: Path) -> tuple[float, float]:
    """(cold build, rebuild after a one-line edit of `code`) in seconds.

    The prune empties the whole build cache, so each side measures its own
    pair of builds before the other side starts."""
    prune_build_cache()
    start = time.perf_counter()
    build()
    cold = time.perf_counter() - start
    with open(code, "a") as edited:
        edited.write("\n# an edit\n")
    start = time.perf_counter()
    build()
    return cold, time.perf_counter() - start


def build_pair(stack: Stack, bare: Path, bare_tag: str) -> dict:
    """Cold builds and code-only rebuilds of the variant and of the bare app."""
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    package = next(p.parent for p in stack.project.glob("*/app.py"))
    result = {}
    result["cold"], result["warm"] = cold_then_code_only(stack.build, package / "app.py")
    result["bare_cold"], result["bare_warm"] = cold_then_code_only(
        lambda: sh("docker", "build", "--quiet", "--tag", bare_tag, ".", cwd=bare, env=env,
                   timeout=1800),
        bare / "app.py",
    )  # fmt: skip
    base = image_size(PYTHON_BASE)
    result["layers_mb"] = (image_size(stack.image("web")) - base) / 1e6
    result["bare_layers_mb"] = (image_size(bare_tag) - base) / 1e6
    return result


def up_to_healthy(stack: Stack) -> float:
    start = time.perf_counter()
    stack.compose("up", "--wait", "--wait-timeout", "300", "--detach", timeout=600)
    return time.perf_counter() - start


def bench_variant(variant: dict, base: Path) -> dict:
    log(f"{variant_id(variant)}: bake")
    project = bake_in_process(variant, base)
    ensure_standins_for(project)
    bare = bare_project(base, flask_pins(project))
    bare_tag = f"cfd-bench-bare-{os.getpid()}:latest"
    stack = Stack(project)
    try:
        log(f"{variant_id(variant)}: cold and code-only builds, bare Flask alongside")
        result = build_pair(stack, bare, bare_tag)
        if no_standin(variant) is None:
            log(f"{variant_id(variant)}: compose up to healthy")
            result["up"] = up_to_healthy(stack)
        return result
    finally:
        stack.down()
        sh("docker", "rmi", "--force", bare_tag, check=False)


def write_report(results: dict, started: datetime, engine: str) -> None:
    load = os.getloadavg()
    lines = [
        "# Docker benchmarks",
        "",
        "Written by `./run bench docker` (bench/docker.py), on the docker tier's stand-in",
        "base images (tools/standins/README.md), not the official ones: sizes are",
        "measured above the stand-in python base, and cold builds download through",
        "this machine's proxy. Each variant is measured side by side with a bare",
        "Flask app built the same way in the same run.",
        "",
        f"Run: {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Docker engine {engine},"
        f" load average {load[0]:.1f} at the end.",
        "",
        "| Variant | Cold build (bare Flask) | Code-only rebuild (bare) | Goal < 10 s "
        "| App layers MB (bare) | Goal < 100 MB | Up to healthy |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        cold = f"{r['cold']:.1f} s ({r['bare_cold']:.1f} s, {r['cold'] / r['bare_cold']:.1f}×)"
        warm = f"{r['warm']:.1f} s ({r['bare_warm']:.1f} s)"
        layers = f"{r['layers_mb']:.0f} ({r['bare_layers_mb']:.0f})"
        up = f"{r['up']:.1f} s" if "up" in r else "not startable here"
        lines.append(
            f"| {name} | {cold} | {warm} | {'yes' if r['warm'] < 10 else '**no**'}"
            f" | {layers} | {'yes' if r['layers_mb'] < 100 else '**no**'} | {up} |"
        )
    lines += [
        "",
        "The app-layer goal is the default variant's (the first row); the others",
        "carry their database drivers, Redis and Celery clients and bundles.",
    ]
    OUT.write_text("\n".join(lines) + "\n")
    log(f"wrote {OUT.relative_to(ROOT)}")


def main() -> None:
    started = datetime.now(UTC)
    engine = builder.ensure_tools()["engine"]
    variants = docker_variants()
    limit = os.environ.get("BENCH_DOCKER_VARIANTS")
    if limit:
        variants = variants[: int(limit)]
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-docker-") as tmp:
        for index, variant in enumerate(variants):
            results[variant_id(variant)] = bench_variant(variant, Path(tmp) / str(index))
    write_report(results, started, engine)
    print(OUT.read_text())


if __name__ == "__main__":
    main()
