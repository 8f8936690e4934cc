"""Self-test of the stand-in images (issue 8) that the template's docker tier runs on.

Each test runs the real stand-in image in a real Docker engine and checks the
part of the official image's contract that generated projects rely on.  Ports
are published on 127.0.0.1 only (random host ports); everything a test creates
is removed by the ``docker`` fixture, also when the test fails.
"""

from __future__ import annotations

import gzip
import re
import socket
import subprocess
import time
import urllib.request

import pytest

from tools.standins import build as builder

wait_for = builder.wait_for

pytestmark = pytest.mark.docker

# every stand-in, or those the STANDIN_TAGS environment variable names
SELECTED = builder.select(builder.tags_from_env())
PYTHON_TAGS = [s.tag for s in SELECTED if s.tag.startswith("python:")]
NODE_TAGS = [s.tag for s in SELECTED if s.tag.startswith("node:")]
REDIS_TAGS = [s.tag for s in SELECTED if s.tag.startswith("redis:")]
NGINX_TAGS = [s.tag for s in SELECTED if s.tag.startswith("nginx:")]
POSTGRES_TAGS = [s.tag for s in SELECTED if s.tag.startswith("postgres:")]
MARIADB_TAGS = [s.tag for s in SELECTED if s.tag.startswith("mariadb:")]

# a password that needs quoting everywhere (SQL, shell, URLs)
PASSWORD = "s3cr'et\"pw$x\\y`z"


def tag_version(tag: str) -> str:
    """'python:3.13-slim' -> '3.13', 'postgres:17' -> '17'."""
    return re.match(r"[^:]+:(\d+(?:\.\d+)?)", tag).group(1)


def test_every_tag_exists_and_is_labelled(standin_images, docker):
    for s in SELECTED:
        for tag in s.tags:
            info = docker.inspect(tag)
            assert info["Config"]["Labels"].get(builder.LABEL) == "1", tag


# --------------------------------------------------------------------------- python


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_contract(standin_images, docker, tag):
    want = tag_version(tag)
    cfg = docker.inspect(tag)["Config"]
    assert cfg["Cmd"] == ["python3"]
    assert "LANG=C.UTF-8" in cfg["Env"]
    script = r"""
set -e
for c in python python3 pip pip3; do command -v "$c"; done
python --version; python3 --version; pip --version
command -v useradd groupadd
if command -v curl; then echo CURL-PRESENT; fi
echo "LANG=$LANG"
ls /usr/lib/python3*/EXTERNALLY-MANAGED /usr/local/lib/python3*/EXTERNALLY-MANAGED \
    2>/dev/null || echo no-marker
"""
    out = docker.run_rm(tag, "/bin/sh", "-c", script).stdout
    lines = out.splitlines()
    assert lines[:4] == [
        "/usr/local/bin/python",
        "/usr/local/bin/python3",
        "/usr/local/bin/pip",
        "/usr/local/bin/pip3",
    ], out
    assert re.fullmatch(rf"Python {re.escape(want)}\.\d+", lines[4]), out
    assert lines[5] == lines[4], out
    assert re.search(rf"\(python {re.escape(want)}\)$", lines[6]), out
    assert "CURL-PRESENT" not in out
    assert "LANG=C.UTF-8" in out
    assert "no-marker" in out


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_pip_installs_from_pypi(standin_images, docker, tag):
    """pip (as root, into the system interpreter) and a venv (as a non-root user)."""
    script = r"""
set -e
pip install --no-cache-dir --disable-pip-version-check -q six==1.16.0
python -c 'import six, sys; print("system", six.__version__, sys.prefix)'
groupadd --gid 10001 app && useradd --uid 10001 --gid app --create-home app
cat > /tmp/venv.sh <<'EOS'
set -e
python -m venv /home/app/venv
/home/app/venv/bin/pip install --no-cache-dir --disable-pip-version-check -q idna==3.7
/home/app/venv/bin/python -c 'import idna, sys; print("venv", idna.__version__, sys.prefix)'
EOS
su app -s /bin/sh /tmp/venv.sh
"""
    out = docker.run_rm(tag, "/bin/sh", "-c", script, timeout=300).stdout
    assert "system 1.16.0 /usr" in out, out
    assert "venv 3.7 /home/app/venv" in out, out


# --------------------------------------------------------------------------- node


@pytest.mark.parametrize("tag", NODE_TAGS)
def test_node_contract_and_npm_install(standin_images, docker, tag):
    major = tag_version(tag)
    out = docker.run_rm(
        tag,
        "sh",
        "-c",
        "command -v node npm npx; node --version; npm --version; npx --version; id node",
    ).stdout
    assert re.search(rf"^v{major}\.\d+\.\d+$", out, re.M), out
    assert "uid=1000(node) gid=1000(node)" in out
    # the entrypoint runs node for a non-command first argument, like the official one
    assert docker.run_rm(tag, "-e", "console.log(6*7)").stdout.strip() == "42"
    # npm from the registry (through the proxy CA), as the node user
    script = (
        "cd /home/node && mkdir app && cd app && npm init -y >/dev/null && "
        "npm install --no-audit --no-fund is-number@7.0.0 >/dev/null && "
        "node -e 'console.log(require(\"is-number\")(5))'"
    )
    out = docker.run_rm(tag, "sh", "-c", script, opts=["--user", "node"], timeout=300).stdout
    assert out.strip().splitlines()[-1] == "true", out


# --------------------------------------------------------------------------- postgres


def _pg_query(docker, tag, port, user, password, db, sql):
    """Run SQL over TCP on 127.0.0.1:port with password auth.

    Uses psycopg when installed on the host, else psql in a host-network
    container of the same image (the connection still goes through the
    published 127.0.0.1 port, so auth over TCP is what is tested).
    """
    try:
        import psycopg  # type: ignore
    except ImportError:
        psycopg = None
    if psycopg is not None:
        with psycopg.connect(
            host="127.0.0.1", port=port, user=user, password=password, dbname=db, connect_timeout=5
        ) as conn:
            return [tuple(str(c) for c in row) for row in conn.execute(sql).fetchall()]
    p = docker.run_rm(
        tag,
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        user,
        "-d",
        db,
        "-At",
        "-F",
        "|",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
        opts=["--network", "host", "-e", f"PGPASSWORD={password}", "--entrypoint", ""],
        timeout=60,
        check=False,
    )
    if p.returncode != 0:
        raise ConnectionError(p.stderr.strip())
    return [tuple(line.split("|")) for line in p.stdout.strip().splitlines()]


def postgres_layout(major: str) -> tuple[str, str]:
    """(PGDATA, the volume) of the official image of that major version: 18
    moved the data to the pg_ctlcluster layout, under the volume /var/lib/postgresql."""
    if int(major) >= 18:
        return f"/var/lib/postgresql/{major}/docker", "/var/lib/postgresql"
    return "/var/lib/postgresql/data", "/var/lib/postgresql/data"


@pytest.mark.parametrize("tag", POSTGRES_TAGS)
def test_postgres_contract(standin_images, docker, tag):
    major = tag_version(tag)
    pgdata, volume = postgres_layout(major)
    cfg = docker.inspect(tag)["Config"]
    assert cfg["Cmd"] == ["postgres"]
    assert list(cfg["Volumes"]) == [volume]
    assert f"PGDATA={pgdata}" in cfg["Env"]

    # without a password the official entrypoint refuses to initialise
    p = docker.run_rm(tag, check=False, timeout=60)
    assert p.returncode != 0 and "POSTGRES_PASSWORD" in p.stderr, p

    vol = docker.volume("pgdata")
    cid = docker.run_detached(
        tag,
        opts=[
            "-e",
            "POSTGRES_USER=app",
            "-e",
            f"POSTGRES_PASSWORD={PASSWORD}",
            "-e",
            "POSTGRES_DB=appdb",
            "-v",
            f"{vol}:{volume}",
            "-p",
            "127.0.0.1::5432",
        ],
    )
    port = docker.port(cid, "5432/tcp")
    # ready on TCP inside the container = the real server (the init server is socket-only)
    wait_for(
        lambda: (
            docker.health(cid) is not None
            and docker.exec(
                cid, "pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "appdb", check=False
            ).returncode
            == 0
        ),
        timeout=120,
        what="pg_isready",
    )
    rows = wait_for(
        lambda: _pg_query(
            docker,
            tag,
            port,
            "app",
            PASSWORD,
            "appdb",
            "select current_user, current_database(), current_setting('server_version'), 1",
        ),
        timeout=30,
        what="TCP login with the password",
    )
    assert rows[0][:2] == ("app", "appdb") and rows[0][3] == "1", rows
    assert rows[0][2].startswith(f"{major}."), rows
    with pytest.raises(Exception, match="password authentication failed"):
        _pg_query(docker, tag, port, "app", "wrong-password", "appdb", "select 1")
    # postgres runs as user postgres, listens on all interfaces, data in PGDATA
    assert docker.exec(cid, "stat", "-c", "%U", "/proc/1").stdout.strip() == "postgres"
    assert (
        docker.exec(
            cid, "psql", "-U", "app", "-d", "appdb", "-Atc", "show listen_addresses"
        ).stdout.strip()
        == "*"
    )
    assert docker.exec(cid, "cat", f"{pgdata}/PG_VERSION").stdout.strip() == major
    # the volume keeps the data across a restart, and init does not run twice
    _pg_query(
        docker,
        tag,
        port,
        "app",
        PASSWORD,
        "appdb",
        "create table kept (v int); insert into kept values (7); select 1",
    )
    docker.cli("restart", "-t", "20", cid, timeout=90)
    port = docker.port(cid, "5432/tcp")
    wait_for(
        lambda: docker.exec(cid, "pg_isready", "-h", "127.0.0.1", check=False).returncode == 0,
        timeout=60,
        what="pg_isready after restart",
    )
    rows = wait_for(
        lambda: _pg_query(docker, tag, port, "app", PASSWORD, "appdb", "select v from kept"),
        timeout=30,
        what="query",
    )
    assert rows == [("7",)]
    assert docker.logs(cid).count("init process complete") == 1


# --------------------------------------------------------------------------- mariadb


def _mariadb_query(docker, tag, port, user, password, db, sql):
    """SQL over TCP on 127.0.0.1:port: pymysql when installed, else the image's client
    in a host-network container."""
    try:
        import pymysql  # type: ignore
    except ImportError:
        pymysql = None
    if pymysql is not None:
        conn = pymysql.connect(
            host="127.0.0.1",
            port=port,
            user=user,
            password=password,
            database=db,
            connect_timeout=5,
        )
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return [tuple(str(c) for c in row) for row in cur.fetchall()]
        finally:
            conn.close()
    p = docker.run_rm(
        tag,
        "mariadb",
        "--protocol=tcp",
        "-h",
        "127.0.0.1",
        "-P",
        str(port),
        "-u",
        user,
        f"-p{password}",
        "--skip-ssl",
        "-D",
        db,
        "-B",
        "-N",
        "-e",
        sql,
        opts=["--network", "host", "--entrypoint", ""],
        timeout=60,
        check=False,
    )
    if p.returncode != 0:
        raise ConnectionError(p.stderr.strip())
    return [tuple(line.split("\t")) for line in p.stdout.strip().splitlines()]


@pytest.mark.parametrize("prefix", ["MARIADB", "MYSQL"])
@pytest.mark.parametrize("tag", MARIADB_TAGS)
def test_mariadb_contract(standin_images, docker, tag, prefix):
    major = tag_version(tag)
    cfg = docker.inspect(tag)["Config"]
    assert cfg["Cmd"] == ["mariadbd"] and "/var/lib/mysql" in cfg["Volumes"]

    p = docker.run_rm(tag, check=False, timeout=60)
    assert p.returncode != 0 and "password option is not specified" in p.stderr, p

    vol = docker.volume("mysql")
    cid = docker.run_detached(
        tag,
        opts=[
            "-e",
            f"{prefix}_ROOT_PASSWORD=root-{PASSWORD}",
            "-e",
            f"{prefix}_DATABASE=appdb",
            "-e",
            f"{prefix}_USER=app",
            "-e",
            f"{prefix}_PASSWORD={PASSWORD}",
            "-v",
            f"{vol}:/var/lib/mysql",
            "-p",
            "127.0.0.1::3306",
            # the health check generated compose files use with the official image
            "--health-cmd",
            "healthcheck.sh --connect --innodb_initialized",
            "--health-interval",
            "2s",
            "--health-timeout",
            "5s",
            "--health-retries",
            "60",
        ],
    )
    port = docker.port(cid, "3306/tcp")
    wait_for(lambda: docker.health(cid) == "healthy", timeout=180, what="mariadb healthy")
    # `mariadb-admin ping` exits 0 when the server is up, even without credentials
    docker.exec(cid, "mariadb-admin", "ping")
    ping = docker.exec(cid, "mariadb-admin", "-uroot", f"-proot-{PASSWORD}", "ping")
    assert "mysqld is alive" in ping.stdout
    rows = wait_for(
        lambda: _mariadb_query(
            docker,
            tag,
            port,
            "app",
            PASSWORD,
            "appdb",
            "select current_user(), database(), version()",
        ),
        timeout=30,
        what="TCP login",
    )
    assert rows[0][0] == "app@%" and rows[0][1] == "appdb", rows
    assert rows[0][2].startswith(f"{major}."), rows
    rows = _mariadb_query(
        docker, tag, port, "root", f"root-{PASSWORD}", "mysql", "select current_user()"
    )
    assert rows == [("root@%",)]
    with pytest.raises(Exception, match="[Aa]ccess denied"):
        _mariadb_query(docker, tag, port, "app", "wrong", "appdb", "select 1")
    # the app user can create tables in its database only
    _mariadb_query(docker, tag, port, "app", PASSWORD, "appdb", "create table t (v int)")
    with pytest.raises(Exception, match="[Aa]ccess denied|denied"):
        _mariadb_query(docker, tag, port, "app", PASSWORD, "mysql", "select * from user")
    assert docker.exec(cid, "stat", "-c", "%U", "/proc/1").stdout.strip() == "mysql"
    # healthcheck.sh really fails when the server is down
    docker.exec(
        cid,
        "sh",
        "-c",
        'mariadb-admin -uroot -p"$MARIADB_ROOT_PASSWORD$MYSQL_ROOT_PASSWORD" shutdown',
        check=False,
    )
    time.sleep(1)
    p = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--entrypoint",
            "",
            "-v",
            f"{vol}:/var/lib/mysql",
            tag,
            "healthcheck.sh",
            "--connect",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode != 0, p
    p = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "", tag, "mariadb-admin", "ping"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode != 0, p


# --------------------------------------------------------------------------- redis


def _resp(port: int, *cmd: str) -> bytes:
    payload = f"*{len(cmd)}\r\n".encode() + b"".join(
        f"${len(c.encode())}\r\n".encode() + c.encode() + b"\r\n" for c in cmd
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload)
        s.settimeout(5)
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


@pytest.mark.parametrize("tag", REDIS_TAGS)
def test_redis_contract(standin_images, docker, tag):
    major = tag_version(tag)
    cfg = docker.inspect(tag)["Config"]
    assert cfg["Cmd"] == ["redis-server"] and cfg["WorkingDir"] == "/data"
    cid = docker.run_detached(tag, opts=["-p", "127.0.0.1::6379"])
    port = docker.port(cid, "6379/tcp")
    wait_for(
        lambda: docker.exec(cid, "redis-cli", "ping", check=False).stdout.strip() == "PONG",
        timeout=60,
        what="redis-cli ping",
    )
    # from the host through the published port: listens on all interfaces and
    # protected mode is off (else: -DENIED for a non-loopback client)
    assert wait_for(lambda: _resp(port, "PING"), timeout=20, what="PING") == b"+PONG\r\n"
    assert _resp(port, "SET", "k", "v") == b"+OK\r\n"
    info = docker.exec(cid, "redis-cli", "info", "server").stdout
    assert re.search(rf"^redis_version:{re.escape(major)}\.", info, re.M), info
    assert docker.exec(cid, "redis-cli", "config", "get", "dir").stdout.split() == ["dir", "/data"]
    assert docker.exec(cid, "redis-cli", "config", "get", "protected-mode").stdout.split() == [
        "protected-mode",
        "no",
    ]
    assert docker.exec(cid, "stat", "-c", "%U", "/proc/1").stdout.strip() == "redis"
    # a compose-style command with extra options still gets the official defaults
    cid2 = docker.run_detached(
        tag, "redis-server", "--appendonly", "yes", name=docker.name("redis-aof")
    )
    wait_for(
        lambda: docker.exec(cid2, "redis-cli", "ping", check=False).stdout.strip() == "PONG",
        timeout=60,
        what="redis-cli ping (aof)",
    )
    assert docker.exec(cid2, "redis-cli", "config", "get", "appendonly").stdout.split()[1] == "yes"


# --------------------------------------------------------------------------- nginx


def _get(url: str, headers: dict | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1
    with opener.open(req, timeout=5) as r:
        return r.status, dict(r.headers), r.read()


@pytest.mark.parametrize("tag", NGINX_TAGS)
def test_nginx_contract(standin_images, docker, tag, tmp_path):
    ver = tag_version(tag)
    cfg = docker.inspect(tag)["Config"]
    assert cfg["Cmd"] == ["nginx", "-g", "daemon off;"]
    out = docker.run_rm(tag, "nginx", "-V")
    assert f"nginx/{ver}." in out.stderr and "--with-http_gzip_static_module" in out.stderr
    t = docker.run_rm(tag, "nginx", "-t")
    assert "syntax is ok" in t.stderr and "test is successful" in t.stderr
    conf = docker.run_rm(tag, "cat", "/etc/nginx/nginx.conf").stdout
    assert "include /etc/nginx/conf.d/*.conf;" in conf
    # the official image ships curl, and health checks rely on it
    assert docker.run_rm(tag, "curl", "--version").stdout.startswith("curl ")

    # default page
    cid = docker.run_detached(tag, opts=["-p", "127.0.0.1::80"])
    port = docker.port(cid, "80/tcp")
    status, _, body = wait_for(
        lambda: _get(f"http://127.0.0.1:{port}/"), timeout=30, what="nginx GET /"
    )
    assert status == 200 and b"Welcome to nginx!" in body
    assert wait_for(
        lambda: 'GET / HTTP/1.1" 200' in docker.logs(cid), timeout=10, what="access log on stdout"
    )

    # a project's own conf.d/default.conf with gzip_static, as generated projects mount it
    site = tmp_path / "site"
    site.mkdir()
    (site / "app.js").write_text("console.log('plain');\n")
    (site / "app.js.gz").write_bytes(gzip.compress(b"console.log('from .gz');\n"))
    confd = tmp_path / "conf.d"
    confd.mkdir()
    (confd / "default.conf").write_text(
        "server {\n  listen 8080;\n  root /srv/site;\n  gzip_static on;\n"
        "  location = /healthz { return 200 'ok'; }\n}\n"
    )
    for p in (site, confd, tmp_path):
        p.chmod(0o755)
    cid2 = docker.run_detached(
        tag,
        name=docker.name("nginx-custom"),
        opts=[
            "-p",
            "127.0.0.1::8080",
            "-v",
            f"{confd}:/etc/nginx/conf.d:ro",
            "-v",
            f"{site}:/srv/site:ro",
        ],
    )
    port2 = docker.port(cid2, "8080/tcp")
    status, headers, body = wait_for(
        lambda: _get(f"http://127.0.0.1:{port2}/app.js", {"Accept-Encoding": "gzip"}),
        timeout=30,
        what="nginx custom GET",
    )
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == b"console.log('from .gz');\n"
    assert _get(f"http://127.0.0.1:{port2}/healthz")[2] == b"ok"
    assert docker.exec(cid2, "nginx", "-t", check=False).returncode == 0
    # workers run as nginx
    users = docker.exec(cid2, "sh", "-c", "for p in /proc/[0-9]*; do stat -c %U $p; done").stdout
    assert "nginx" in users.split()
