"""Running things for real: processes, HTTP, gunicorn, nginx, a project's own suite."""

import contextlib
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar, DefaultCookiePolicy

from tests.support.baking import package_of
from tests.support.variants import DEFAULTS

# One polling helper for the tests and the stand-in tool alike.
from tools.standins.build import STANDINS_DIR
from tools.standins.build import wait_for as wait_until  # noqa: F401 - re-exported

# Settings a generated project reads; none may leak in from the test's environment.
PROJECT_SETTINGS = (
    "FLASK_", "DATABASE_", "GUNICORN_", "SECRET_", "REDIS_", "MONGO_", "EXAMPLES_", "SEED_",
    "SENTRY_", "MAIL_", "RATELIMIT_", "ACCOUNTS_", "PASSWORD_RESET_", "REMEMBER_COOKIE_",
)  # fmt: skip


# The template's ./run takes VENV from the environment (VENV=/shared/venv ./run
# test), and a generated ./run reads the same name: left in, a generated
# project's `uv sync` would install into the template's own environment.
RUNNER_SETTINGS = ("VENV",)


def clean_env(**overrides):
    """The environment for a generated project's processes: no leaking settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(PROJECT_SETTINGS) and k not in RUNNER_SETTINGS
    }
    env.update(overrides)
    return env


def project_env(project, **overrides):
    """clean_env with the project's .venv first on PATH."""
    return clean_env(PATH=f"{project / '.venv/bin'}:{os.environ['PATH']}", **overrides)


def run(*args, cwd=None, env=None, timeout=300, check=False, input=None):
    """subprocess.run, text captured; check=True fails the test with the output."""
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, input=input,
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, (
            f"{' '.join(map(str, args))} -> {result.returncode}\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(url, data=None, headers=None, timeout=10, opener=_OPENER):
    """(status, headers, body bytes), without raising on HTTP error statuses and
    without the host's proxy settings."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class _LoopbackCookies(DefaultCookiePolicy):
    """Browsers treat http://127.0.0.1 as a secure origin and send it its Secure
    cookies (a generated app marks its session cookie Secure outside debugging)."""

    def return_ok_secure(self, cookie, request):
        return True


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class Browser:
    """An HTTP client that acts towards an app as a page's JavaScript does: it
    keeps the session cookie, reads the CSRF token from the layout's
    <meta name="csrf-token"> and sends it back in X-CSRFToken on unsafe requests."""

    def __init__(self, base):
        self.base = base
        self.cookies = CookieJar(_LoopbackCookies())
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.cookies)
        )
        self.csrf_token = None

    def get(self, path="/", timeout=10):
        """(status, text) of a GET; a page's CSRF token is kept for the next POST."""
        status, _, body = http(self.base + path, timeout=timeout, opener=self.opener)
        text = body.decode()
        found = CSRF_META.search(text)
        if found:
            self.csrf_token = html.unescape(found[1])
        return status, text

    def open(self, path, fields=None, csrf=True, timeout=10):
        """(status, text, final URL) of a GET, or of a form POST (fields) with the
        CSRF token of the last page, following redirects as a browser does."""
        data, headers = None, {}
        if fields is not None:
            form = {**fields, "csrf_token": self.csrf_token} if csrf else fields
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, url, body = response.status, response.url, response.read()
        except urllib.error.HTTPError as error:
            status, url, body = error.code, error.url, error.read()
        text = body.decode()
        if found := CSRF_META.search(text):
            self.csrf_token = html.unescape(found[1])
        return status, text, url

    def post_json(self, path, data, csrf=True, timeout=10):
        """(status, parsed JSON) of a form POST, as a JSON client; with the CSRF
        token of a page (the home page, read first when none was) unless csrf=False."""
        headers = {"Accept": "application/json"}
        if csrf:
            if self.csrf_token is None:
                status, page = self.get("/")
                assert self.csrf_token, f"GET / -> {status} carries no csrf-token: {page[:800]}"
            headers["X-CSRFToken"] = self.csrf_token
        status, _, body = http(
            self.base + path, data.encode(), headers, timeout=timeout, opener=self.opener
        )
        return status, json.loads(body)


def get(url, timeout=5, **headers):
    """(status, text) of a GET."""
    status, _, body = http(url, headers=headers, timeout=timeout)
    return status, body.decode()


def wait_for(url, deadline_seconds=60, process=None):
    """The first answer of a GET to url, however long the server takes to start."""

    def answer():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode} before answering")
        return get(url, timeout=2)

    return wait_until(answer, deadline_seconds, interval=0.25, what=f"an answer from {url}")


@contextlib.contextmanager
def stalled_uploads(base, count, path="/"):
    """`count` slow clients, held until the block ends: each sends a POST's
    headers announcing a 100 kB form, then the first bytes of it, then nothing."""
    url = urllib.parse.urlsplit(base)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {url.hostname}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 100000\r\n\r\nname="
    )
    sockets = []
    try:
        for _ in range(count):
            sockets.append(socket.create_connection((url.hostname, url.port), timeout=5))
            sockets[-1].sendall(head.encode())
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def wait_for_port(port, timeout=10, process=None):
    def listening():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}")
        with contextlib.closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
            return True

    wait_until(listening, timeout, interval=0.1, what=f"a listener on 127.0.0.1:{port}")


def stop(process, signum=signal.SIGTERM, grace=30):
    """Signal a process group; SIGKILL it when it has not stopped within `grace` s."""
    if process.poll() is None:
        os.killpg(process.pid, signum)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def background(project, command, log, **env):
    """Run a command in the project with its output in `log`; SIGTERM it (and its
    children) afterwards, SIGKILL when it does not stop within 30 s."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=project_env(project, **env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop(process)
            process.output = log.read_text()


@contextlib.contextmanager
def served(project, command, port, startup_seconds=60, **env):
    """Run a server command in the project until /up answers; stop it afterwards."""
    with background(project, command, project / f"server-{port}.log", **env) as process:
        wait_for(f"http://127.0.0.1:{port}/up", startup_seconds, process=process)
        yield process


def gunicorn_command(project, app=None):
    """The project's gunicorn with its own config/gunicorn.py."""
    app = app or f"{package_of(project).name}.app:create_app()"
    return [".venv/bin/gunicorn", "-c", "config/gunicorn.py", app]


@contextlib.contextmanager
def gunicorn(project, workers=1, app=None, startup_seconds=60, **env):
    """The project under its own gunicorn config on a free loopback port: yields
    (base URL, process)."""
    port = free_port()
    with served(
        project, gunicorn_command(project, app), port, startup_seconds,
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers), **env,
    ) as process:  # fmt: skip
        yield f"http://127.0.0.1:{port}", process


@contextlib.contextmanager
def run_start(project, startup_seconds=60, workers=1, **env):
    """`./run start`, the generated README's one command: yields (base URL, process)."""
    port = free_port()
    with served(
        project, ["./run", "start"], port, startup_seconds,
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers), **env,
    ) as process:  # fmt: skip
        yield f"http://127.0.0.1:{port}", process


def own_suite(project, allowed_skip=None, timeout=900, **env):
    """The project's own pytest suite passes; no test skipped unless for allowed_skip."""
    result = run(
        ".venv/bin/pytest", "-q", "-p", "no:cacheprovider", "-rs",
        cwd=project, env=project_env(project, **env), timeout=timeout,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert re.search(r"\b\d+ passed\b", result.stdout), output[-6000:]
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert all(allowed_skip and allowed_skip in line for line in skips), output[-6000:]
    return result.stdout


def require_tool(name, install=None):
    """The path of a system tool; fails under CI (which installs it), skips elsewhere."""
    import pytest

    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None
    )
    if found is None:
        message = f"{name} is not installed (apt-get install {install or name}; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


# The Kubernetes nginx sidecar's command line (deploy/kubernetes/base/nginx-sidecar.yaml).
SIDECAR_NGINX = ["nginx", "-e", "stderr", "-c", "/etc/nginx/kubernetes/nginx.conf"]


def nginx_main_conf(prefix, server_conf, user=None):
    """A stand-in for the stock nginx.conf that includes a generated server block,
    its paths moved under `prefix`."""
    lines = [f"user {user};"] if user else []
    lines += [
        f"pid {prefix}/nginx.pid;",
        "error_log stderr;",
        "events {}",
        "http {",
        "  include /etc/nginx/mime.types;",
        "  access_log off;",
        f"  include {server_conf};",
        "}",
    ]
    path = prefix / "nginx.conf"
    path.write_text("\n".join(lines) + "\n")
    return path


def nginx_check(conf, prefix):
    """`nginx -t` on a whole nginx.conf: '' when it passes, else nginx's complaint."""
    nginx = require_tool("nginx")
    result = run(nginx, "-t", "-q", "-p", prefix, "-c", conf, timeout=60)
    return "" if result.returncode == 0 else result.stderr.strip()


# The official nginx image's script that renders /etc/nginx/templates/*.template
# with the environment (envsubst), as the stand-in image carries it.
NGINX_TEMPLATES_SCRIPT = STANDINS_DIR / "nginx/20-envsubst-on-templates.sh"


def render_nginx_templates(templates, output, envsh=(), **env):
    """What the nginx image's entrypoint does before nginx starts: source the
    .envsh scripts, then render the *.template files of `templates` into
    `output`, with `env` as the container's environment and nothing else."""
    require_tool("envsubst", install="gettext-base")
    output.mkdir(parents=True, exist_ok=True)  # as conf.d is in the image
    for path in envsh:
        assert os.access(path, os.X_OK), f"{path} is not executable: the entrypoint skips it"
    script = "".join(f'. "{path}"\n' for path in envsh) + f'exec "{NGINX_TEMPLATES_SCRIPT}"\n'
    run("sh", "-c", script, env={
        "PATH": os.environ["PATH"], "NGINX_ENTRYPOINT_QUIET_LOGS": "1",
        "NGINX_ENVSUBST_TEMPLATE_DIR": str(templates), "NGINX_ENVSUBST_OUTPUT_DIR": str(output),
        **env,
    }, timeout=60, check=True)  # fmt: skip


@contextlib.contextmanager
def nginx(conf, port, prefix=None, command=None):
    """A real nginx on a whole config that listens on 127.0.0.1:port, until the block ends.

    `command` replaces the plain `nginx -c conf` (a sidecar's own command line,
    run as another user)."""
    binary = require_tool("nginx")
    args = command or [binary, *(["-p", str(prefix)] if prefix else []), "-c", str(conf)]
    process = subprocess.Popen(
        [*args, "-g", "daemon off;"] if command is None else args,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, process=process)
        yield process
    finally:
        # SIGQUIT is nginx's graceful stop, as the image's STOPSIGNAL.
        stop(process, signal.SIGQUIT, grace=10)


# --- What a running app must answer -------------------------------------------------

# The examples (development only, EXAMPLES_ENABLED): a route of each frontend's
# demo, and the example task's route.
DEMO_PATHS = {"htmx": "/demo/greeting", "hotwire": "/demo/second-page"}
JSON_DEMO_PATH = "/demo/server-info"
EXAMPLES_ON = {"EXAMPLES_ENABLED": "1"}
# A seeded example record, as the home page lists it; the empty list's marker;
# what `./run release` says when it leaves the example records out.
SEEDED_NOTE = "GET /up checks every backing service."
NO_NOTES = 'id="no-notes"'
NOT_SEEDED = "Example data not seeded"


def demo_path(frontend):
    """A route of the frontend's demo; None for a project without JavaScript."""
    return None if frontend == "none" else DEMO_PATHS.get(frontend, JSON_DEMO_PATH)


def check_examples(base, answers, enabled):
    """The demo's route and the example task's route answer only while the
    examples are on: 404 when they are off, as in production."""
    answers = {**DEFAULTS, **answers}
    path = demo_path(answers["frontend"])
    if path:
        status, home = get(f"{base}/")
        assert get(base + path)[0] == (200 if enabled else 404), path
        assert ('id="demo"' in home) == enabled, home[:2000]
    if answers["use_celery"] and not enabled:
        status, _, _ = http(f"{base}/tasks/hello", data=b"name=Ada")
        assert status == 404, "the example task's route is on in production"


def expected_checks(answers):
    """The checks /up reports for these answers: the database (if any), Redis (if chosen)."""
    answers = {**DEFAULTS, **answers}
    checks = {"database": "ok"} if answers["database"] != "none" else {}
    return checks | ({"redis": "ok"} if answers["use_redis"] else {})


def digested_assets(home):
    """The md5-tagged CSS and JS a page links."""
    return re.findall(r'"(/static/[^"]+-[0-9a-f]{32}\.(?:css|js))"', home)


def check_assets_cached_for_good(base, home):
    """Every digested asset the page links comes gzip-encoded with a year-long,
    immutable cache lifetime (nginx's gzip_static and expires)."""
    import gzip

    assets = digested_assets(home)
    assert assets, f"the page links no digested asset: {home[:800]}"
    for asset in assets:
        status, headers, body = http(base + asset, headers={"Accept-Encoding": "gzip"})
        assert status == 200, asset
        assert headers["Content-Encoding"] == "gzip", (asset, dict(headers))
        assert "immutable" in headers["Cache-Control"], (asset, dict(headers))
        assert "max-age=31536000" in headers["Cache-Control"], (asset, dict(headers))
        assert gzip.decompress(body), asset


def check_a_task_round_trips(base, app_name="My Flask App"):
    """A task posted to the app, with the CSRF token of the client's session, is
    run by a real worker through the real Redis; without the token it is refused."""
    client = Browser(base)
    status, refused = client.post_json("/tasks/hello", "name=Ada", csrf=False)
    assert (status, refused["message"]) == (400, "The CSRF token is missing."), refused
    status, started = client.post_json("/tasks/hello", "name=Ada")
    assert status == 202, started

    def finished():
        result = json.loads(get(base + started["url"])[1])
        return result if result["ready"] else None

    result = wait_until(finished, timeout=60, what="the task's result", interval=0.5)
    assert result == {
        "id": started["id"], "ready": True, "state": "SUCCESS",
        "result": f"Hello Ada, from {app_name}!",
    }  # fmt: skip
