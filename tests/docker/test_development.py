"""Development mode: compose.yaml plus compose.dev.yaml, as the generated README says.

The source is bind-mounted into the web container, so an edited Jinja
template shows on the next request without a rebuild or a restart, and the
asset watchers rebuild the bundles into the bind-mounted static folder. It is
development: the release step seeds the example records and the demo is on, and
an exception shows Werkzeug's debugger (production: the app's own 500 page).

Whose files: the bake's belong to a user other than the default 1000, who
writes .env in a fresh clone with `./run dotenv` as the README says and sets
nothing else; the containers then run as that user, and what the watchers
write is theirs. A second stack runs for root with UID=0 and GID=0 set, the ids
that an image's own root group once refused. It has nginx in front, which
serves the bind-mounted static files uncached, so an edited stylesheet reaches
the browser through it, and a cache_manifest.json that `./run start` left in
the static folder no longer makes the page link stale digested names. Each
stack builds one app image for all its app services and one for the watchers.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.support.baking import FAILING_PATH, add_failing_route, bake, package_of
from tests.support.runners import SEEDED_NOTE, check_examples, http, wait_until
from tests.support.stacks import Stack, ensure_standins_for, sh

pytestmark = pytest.mark.docker

DEVELOPER = (1234, 2345)  # a host user's `id -u` and `id -g`, not the default


def chown_tree(root, uid, gid):
    os.chown(root, uid, gid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def started_at(container):
    return sh("docker", "inspect", "--format", "{{.State.StartedAt}}", container).stdout


def check_debugger(stack, project):
    """A new route that raises, picked up by the reloader, shows Werkzeug's
    interactive debugger; its console wants the PIN from the log."""
    message = f"bug-{uuid.uuid4().hex[:8]}"
    add_failing_route(project, message)

    def routed():
        answer = http(stack.base_url + FAILING_PATH)
        return answer if answer[0] != 404 else None

    status, _, page = wait_until(routed, timeout=30, what="the reloaded app's new route")
    assert status == 500, page[:500]
    assert b"Werkzeug Debugger" in page and message.encode() in page, page[:2000]
    secret = re.search(rb'SECRET = "([^"]+)"', page).group(1).decode()
    assert b"EVALEX = true" in page and b"EVALEX_TRUSTED = false" in page, page[:2000]
    # the PIN of the process that serves now, which the reload started: the PIN
    # hashes uuid.getnode(), random per process where CPython (3.14 on) finds
    # no stable MAC address, as with Debian's build in the stand-in
    pin = re.findall(r"Debugger PIN: ([\d-]+)", stack.logs("web"))[-1]

    def pinauth(tried):
        query = f"__debugger__=yes&cmd=pinauth&pin={tried}&s={secret}"
        return http(f"{stack.base_url}{FAILING_PATH}?{query}")[2]

    assert b'"auth": false' in pinauth("000-000-000" if pin != "000-000-000" else "1")
    assert b'"auth": true' in pinauth(pin)


def as_developer(command, cwd):
    """Run a command in cwd as DEVELOPER, on the system's Python."""
    uid, gid = map(str, DEVELOPER)
    return subprocess.run(
        ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *command],
        cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def developer_copy(cookies_session):
    """The default bake in a folder DEVELOPER owns and can reach, as a fresh
    clone: no .env."""
    home = Path(tempfile.mkdtemp(prefix="cfd-developer-"))
    home.chmod(0o755)
    project = home / "my_flask_app"
    shutil.copytree(bake(cookies_session), project, symlinks=True)
    (project / ".env").unlink()
    chown_tree(project, *DEVELOPER)
    yield project
    shutil.rmtree(home)


def test_an_edited_template_is_served_without_a_rebuild(developer_copy, docker_engine):
    project = developer_copy
    written = as_developer(["./run", "dotenv"], project)
    assert written.returncode == 0, written.stdout + written.stderr
    assert not ensure_standins_for(project)
    package = package_of(project)
    home = package / "blueprints" / "page" / "templates" / "page" / "home.html"
    uid, gid = map(str, DEVELOPER)
    stack = Stack(project, "compose.yaml", "compose.dev.yaml")
    try:
        stack.up()
        assert stack.images() == [f"{stack.name}-{name}:latest" for name in ("app", "assets")]
        states = stack.states()
        assert {"web", "js", "css"} <= set(states), states
        assert all(states[s][0] == "running" for s in ("web", "js", "css")), states
        status, _, page = stack.get("/")
        assert status == 200, page[:500]
        assert b"flDebug" in page, "FLASK_DEBUG=1 did not turn the debug toolbar on"
        assert SEEDED_NOTE.encode() in page, "compose.dev.yaml did not seed"
        assert "Added 3 example notes." in stack.logs("release"), stack.logs("release")
        check_examples(stack.base_url, {}, enabled=True)
        ids = stack.compose("exec", "-T", "web", "sh", "-c", "id -u; id -g").stdout.split()
        assert ids == [uid, gid], ids
        web = stack.compose("ps", "--quiet", "web").stdout.strip()
        started = started_at(web)

        marker = f"edited-{uuid.uuid4().hex[:8]}"
        text = home.read_text()
        assert "{% block content %}" in text, text[:300]
        edited = text.replace("{% block content %}", f"{{% block content %}}<p>{marker}</p>", 1)
        home.write_text(edited)
        wait_until(
            lambda: marker.encode() in stack.get("/")[2],
            timeout=30,
            what="the edited template on GET /",
        )
        assert started_at(web) == started, "web restarted"

        check_debugger(stack, project)

        # the watchers (npm run watch:js / watch:css) built into the bind mount
        for bundle in ("js/app.js", "css/app.css"):
            built = package / "static" / bundle
            wait_until(built.is_file, timeout=90, what=f"the watcher's {bundle}")
            assert (built.stat().st_uid, built.stat().st_gid) == DEVELOPER, bundle
    except Exception:
        print(stack.logs(tail="60")[-8000:])
        raise
    finally:
        stack.down()


def test_root_with_nginx_gets_fresh_assets_through_it(cookies_session, docker_engine):
    answers = {"use_nginx": True, "use_redis": True, "use_celery": True}
    project = bake(cookies_session, **answers)
    assert not ensure_standins_for(project)
    static = package_of(project) / "static"
    # What `./run start` leaves behind: a manifest naming digested copies.
    stale = "css/app-0123456789abcdef0123456789abcdef.css"
    (static / "css").mkdir(exist_ok=True)
    (static / stale).write_text("body { color: red; }\n")
    (static / "cache_manifest.json").write_text(json.dumps({"css/app.css": stale}))
    stack = Stack(project, "compose.yaml", "compose.dev.yaml", UID="0", GID="0")
    try:
        stack.up()
        own = ("app", "assets", "nginx")
        assert stack.images() == [f"{stack.name}-{name}:latest" for name in own]
        ids = stack.compose("exec", "-T", "web", "sh", "-c", "id -u; id -g").stdout.split()
        assert ids == ["0", "0"], ids
        states = stack.states()
        assert all(states[s][0] == "running" for s in ("web", "worker", "beat", "nginx")), states

        status, _, page = stack.get("/")
        assert status == 200 and SEEDED_NOTE.encode() in page, page[:2000]
        assert b'"/static/css/app.css"' in page and stale.encode() not in page, page[:3000]
        assert not (static / "cache_manifest.json").exists()

        marker = f"edited-{uuid.uuid4().hex[:8]}"
        source = project / "assets" / "css" / "app.css"
        source.write_text(source.read_text() + f"\n.{marker} {{ color: #123456; }}\n")

        def rebuilt():
            status, headers, css = stack.get("/static/css/app.css")
            return (status, headers) if marker.encode() in css else None

        status, headers = wait_until(rebuilt, timeout=90, what="the edited stylesheet via nginx")
        assert status == 200 and headers["Cache-Control"] == "no-store", dict(headers)
        assert "nginx" in headers.get("Server", ""), dict(headers)
    except Exception:
        print(stack.logs(tail="60")[-8000:])
        raise
    finally:
        stack.down()


def test_an_exception_in_production_shows_the_error_page(cookies_session, docker_engine):
    """compose.yaml alone: the same bug gives the app's own 500 page, no traceback."""
    project = bake(cookies_session)
    assert not ensure_standins_for(project)
    message = f"bug-{uuid.uuid4().hex[:8]}"
    add_failing_route(project, message)
    stack = Stack(project, "compose.yaml")
    try:
        stack.up()
        status, headers, page = stack.get(FAILING_PATH)
        assert status == 500, page[:500]
        assert b"500 Internal Server Error" in page, page[:2000]
        for leak in (b"Traceback", b"Werkzeug Debugger", message.encode(), b"__debugger__"):
            assert leak not in page, (leak, page[:2000])
        assert "Content-Security-Policy" in headers, dict(headers)
        assert message in stack.logs("web"), "the exception was not logged"
    except Exception:
        print(stack.logs(tail="60")[-8000:])
        raise
    finally:
        stack.down()
