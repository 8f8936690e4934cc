"""The generated nginx configs, run by a real nginx (Debian's) on loopback ports.

Only what belongs to Docker or the pod is moved: listen addresses, the static
root and the upstream address; everything else is the baked file as it is.
"""

import gzip
import json
import os
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.baking import bake
from tests.support.checks import debris_in
from tests.support.runners import (
    SIDECAR_NGINX,
    check_assets_cached_for_good,
    free_port,
    get,
    gunicorn,
    http,
    nginx,
    nginx_main_conf,
    project_env,
    require_tool,
    run,
    wait_for,
)
from tests.support.template import PROJECT_TEMPLATE
from tests.support.venvs import venv_for

SIDECAR_CONF = PROJECT_TEMPLATE / "deploy/kubernetes/base/nginx.conf"


@pytest.mark.slow
def test_compose_nginx_serves_digested_static_files_and_proxies_the_rest(cookies, tmp_path):
    """The compose service's server block in front of the project's gunicorn: the
    static root is the image's copy of the static folder (/srv), the upstream
    compose's web:8000."""
    require_tool("nginx")
    # No asset build: the plain stylesheet is a static file to digest and serve.
    project = bake(cookies, database="sqlite", use_nginx=True, frontend="none", css="plain")
    venv_for(project)
    for task in ("release", "digest"):
        run("./run", task, cwd=project, env=project_env(project), timeout=120, check=True)

    with gunicorn(project, PROXY_COUNT="1") as (upstream, _):
        port = free_port()
        conf = (project / "nginx/default.conf").read_text()
        for old, new in {
            "listen 80;": f"listen 127.0.0.1:{port};",
            "root /srv;": f"root {project / 'my_flask_app'};",
            "http://web:8000": upstream,
        }.items():
            assert old in conf, old
            conf = conf.replace(old, new)
        (tmp_path / "default.conf").write_text(conf)
        main = nginx_main_conf(tmp_path, tmp_path / "default.conf", user="root")
        with nginx(main, port, prefix=tmp_path) as proxy:
            base = f"http://127.0.0.1:{port}"
            status, home = wait_for(f"{base}/", process=proxy)
            assert status == 200
            check_assets_cached_for_good(base, home)
            # Everything else is gunicorn's answer, errors included.
            status, body = get(f"{base}/missing-page")
            assert status == 404 and "Page not found" in body
            assert json.loads(get(f"{base}/up")[1])["status"] == "ok"
            assert get(f"{base}/nginx-health") == (200, "ok\n")


class EchoHeaders(BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers with the request's path and headers."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_kubernetes_sidecar_serves_static_files_and_passes_proxy_headers():
    """The sidecar's nginx.conf, run as in the pod (its own command line, user
    1000), with its addresses and paths moved into a scratch folder: static files
    (digested ones cached for good, gzip copies served), everything else proxied
    to "gunicorn" with the Ingress controller's X-Forwarded-* headers unchanged."""
    require_tool("nginx")
    conf = SIDECAR_CONF.read_text()
    assert debris_in(conf) is None  # the baked file is this file
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    # Not pytest's tmp_path: its parents are private to root, and nginx runs as 1000.
    root = Path(tempfile.mkdtemp(prefix="nginx-sidecar-"))
    try:
        css = root / "static/css"
        css.mkdir(parents=True)
        digest = "0123456789abcdef0123456789abcdef"
        sheet = b"body { color: black; }\n"
        (css / "app.css").write_bytes(sheet)
        (css / f"app-{digest}.css").write_bytes(sheet)
        (css / f"app-{digest}.css.gz").write_bytes(gzip.compress(sheet))
        for path in [root, root / "static", css, *css.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "tmp").mkdir()
        port = free_port()
        replacements = {  # in this order: the scratch folder itself is under /tmp/
            "/tmp/": f"{root}/tmp/",
            "/var/www/static/": f"{root}/static/",
            "listen 8080;": f"listen 127.0.0.1:{port};",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream.server_address[1]};",
        }
        for old, new in replacements.items():
            assert old in conf, old
            conf = conf.replace(old, new)
        (root / "nginx.conf").write_text(conf)
        command = [*SIDECAR_NGINX[:-1], str(root / "nginx.conf")]
        command[0] = require_tool("nginx")
        if os.geteuid() == 0 and shutil.which("setpriv"):
            command = ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", *command]
            os.chown(root / "tmp", 1000, 1000)
        with nginx(root / "nginx.conf", port, command=command):
            base = f"http://127.0.0.1:{port}"
            status, headers, body = http(f"{base}/static/css/app.css")
            assert status == 200 and body == sheet
            assert headers.get_all("Cache-Control") == ["max-age=3600"]
            status, headers, body = http(f"{base}/static/css/app-{digest}.css")
            assert status == 200
            assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
            status, headers, body = http(
                f"{base}/static/css/app-{digest}.css", headers={"Accept-Encoding": "gzip"}
            )
            assert status == 200 and headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(body) == sheet
            assert http(f"{base}/static/css/missing.css")[0] == 404

            forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
            status, headers, body = http(
                f"{base}/notes?page=2", headers={"Host": "app.example.com", **forwarded}
            )
            assert status == 200 and headers["Server"] == "nginx"  # server_tokens off
            seen = json.loads(body)
            assert seen["path"] == "/notes?page=2"
            assert seen["headers"]["Host"] == "app.example.com"
            assert seen["headers"]["X-Forwarded-For"] == "203.0.113.9"
            assert seen["headers"]["X-Forwarded-Proto"] == "https"
    finally:
        upstream.shutdown()
        shutil.rmtree(root, ignore_errors=True)
