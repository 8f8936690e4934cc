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
    digested_assets,
    free_port,
    get,
    gunicorn,
    http,
    nginx,
    nginx_main_conf,
    project_env,
    render_nginx_templates,
    require_tool,
    run,
    stop,
    wait_for,
)
from tests.support.template import PROJECT_TEMPLATE
from tests.support.venvs import venv_for

SIDECAR_CONF = PROJECT_TEMPLATE / "deploy/kubernetes/base/nginx.conf"


# The public names the compose tests give nginx and the app (TRUSTED_HOSTS).
TRUSTED = "app.example.com, .example.org"


def check_refused(url, host):
    """nginx closes the connection without an answer (return 444) for this Host."""
    with pytest.raises(ConnectionError):
        http(url, headers={"Host": host})


def check_unavailable_page(status, headers, body, page):
    """nginx's own 502/504 as the project's page, kept out of caches."""
    assert status in (502, 504), (status, body[:300])
    assert body == page, body[:300]
    assert headers.get_content_type() == "text/html"
    assert headers["Cache-Control"] == "no-store" and headers["Retry-After"] == "10"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.slow
def test_compose_nginx_serves_digested_static_files_and_proxies_the_rest(cookies, tmp_path):
    """The compose service's server block, rendered from its template as the
    image does at start, in front of the project's gunicorn: the static root is
    the image's copy of the static folder (/srv), the upstream compose's web:8000.
    Known hosts only; the project's own page once gunicorn is gone."""
    require_tool("nginx")
    # No asset build: the plain stylesheet is a static file to digest and serve.
    project = bake(cookies, database="sqlite", use_nginx=True, frontend="none", css="plain")
    venv_for(project)
    for task in ("release", "digest"):
        run("./run", task, cwd=project, env=project_env(project), timeout=120, check=True)
    static = project / "my_flask_app/static"

    with gunicorn(project, PROXY_COUNT="1", TRUSTED_HOSTS=TRUSTED) as (upstream, server):
        port = free_port()
        conf = (project / "nginx/default.conf.template").read_text()
        for old, new in {
            "listen 80;": f"listen 127.0.0.1:{port};",
            "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
            "root /srv": f"root {project / 'my_flask_app'}",
            "http://web:8000": upstream,
        }.items():
            assert old in conf, old
            conf = conf.replace(old, new)
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates/default.conf.template").write_text(conf)
        envsh = [project / "nginx/trusted-hosts.envsh"]
        render_nginx_templates(
            tmp_path / "templates", tmp_path / "conf.d", envsh, TRUSTED_HOSTS=TRUSTED
        )
        main = nginx_main_conf(tmp_path, tmp_path / "conf.d/default.conf", user="root")
        with nginx(main, port, prefix=tmp_path) as proxy:
            base = f"http://127.0.0.1:{port}"
            status, home = wait_for(f"{base}/", process=proxy)
            assert status == 200
            check_assets_cached_for_good(base, home)
            for asset in [*digested_assets(home), "/static/css/app.css"]:
                status, headers, _ = http(base + asset)
                assert status == 200 and headers["X-Content-Type-Options"] == "nosniff", asset
                assert len(headers.get_all("Cache-Control")) == 1, asset
            # Untagged names: an hour, the default trusted-hosts.envsh gives the
            # template (compose.dev.yaml sets no-store).
            status, headers, _ = http(f"{base}/static/css/app.css")
            assert headers["Cache-Control"] == "public, max-age=3600", dict(headers)
            status, headers, body = http(f"{base}/robots.txt")
            assert status == 200 and body == (static / "robots.txt").read_bytes()
            assert headers.get_content_type() == "text/plain"
            assert headers["X-Content-Type-Options"] == "nosniff"
            # Everything else is gunicorn's answer, errors included.
            status, body = get(f"{base}/missing-page")
            assert status == 404 and "Page not found" in body
            status, headers, body = http(f"{base}/missing", headers={"Accept": "application/json"})
            assert (status, json.loads(body)["error"]) == (404, "Not Found")
            assert json.loads(get(f"{base}/up")[1])["status"] == "ok"
            assert get(f"{base}/nginx-health") == (200, "ok\n")

            # The names of TRUSTED_HOSTS (subdomains of ".example.org" too), and no other.
            for host in ("localhost", "app.example.com", "example.org", f"shop.example.org:{port}"):
                status, _, body = http(f"{base}/", headers={"Host": host})
                assert status == 200 and b"<title>My Flask App</title>" in body, host
            for host in ("example.com", "app.example.com.evil.test", "127.0.0.2"):
                check_refused(f"{base}/", host)

            stop(server)
            page = (static / "50x.html").read_bytes()
            assert b"My Flask App" in page and b"nginx" not in page.lower()
            for data in (None, b"name=Ada"):  # a form's POST gets the page as well
                check_unavailable_page(*http(f"{base}/", data=data), page)
            check_unavailable_page(
                *http(f"{base}/up", headers={"Accept": "application/json"}), page
            )
            # The page's stylesheet and icon come from nginx, so they load meanwhile.
            for linked in ("/static/css/app.css", "/static/images/favicon.svg"):
                assert linked.encode() in page and http(base + linked)[0] == 200, linked
            assert http(f"{base}/50x.html")[0] == 404  # internal: reached as an error only


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
    (digested ones cached for good, gzip copies served, nosniff on all) and
    robots.txt, everything else proxied to "gunicorn" with the Ingress
    controller's X-Forwarded-* headers unchanged; the app's 50x.html once
    gunicorn is gone."""
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
        # The app's static/50x.html and robots.txt, as the initContainer copies them.
        page = b"<!doctype html><title>Back in a moment</title>\n"
        robots = b"User-agent: *\nDisallow:\n"
        (root / "static/50x.html").write_bytes(page)
        (root / "static/robots.txt").write_bytes(robots)
        for path in [root, *root.glob("static/**/*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "tmp").mkdir()
        port = free_port()
        replacements = {  # in this order: the scratch folder itself is under /tmp/
            "/tmp/": f"{root}/tmp/",
            "/var/www/static": f"{root}/static",
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
            assert headers["X-Content-Type-Options"] == "nosniff"
            status, headers, body = http(f"{base}/static/css/app-{digest}.css")
            assert status == 200
            assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
            assert headers["X-Content-Type-Options"] == "nosniff"
            status, headers, body = http(f"{base}/robots.txt")
            assert (status, body, headers.get_content_type()) == (200, robots, "text/plain")
            assert headers["X-Content-Type-Options"] == "nosniff"
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

            # gunicorn gone (restarting, say): the app's page, not nginx's.
            upstream.shutdown()
            upstream.server_close()
            check_unavailable_page(*http(f"{base}/notes"), page)
            assert http(f"{base}/50x.html")[0] == 404  # internal: reached as an error only
    finally:
        upstream.shutdown()
        shutil.rmtree(root, ignore_errors=True)
