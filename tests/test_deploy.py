"""deploy/: each file an operator uses is parsed and checked, and nginx.conf passes `nginx -t`."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from testkit.browser_support import ROOT
from testkit.nginx_support import DEPLOY_CONF, Nginx

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"


def _all_documents() -> list[dict]:
    docs: list[dict] = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert isinstance(doc, dict), f"{path}: every document is a mapping"
            docs.append(doc)
    return docs


def _named(kind: str, name: str) -> dict:
    (doc,) = [d for d in _all_documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def _documents() -> dict[str, dict]:
    """One document per kind: the app's own (the Ingress `landkort`, not its metrics rule)."""
    docs: dict[str, dict] = {}
    for doc in _all_documents():
        if doc["metadata"]["name"] == "landkort" or doc["kind"] not in docs:
            docs[doc["kind"]] = doc
    return docs


def test_kubernetes_has_the_whole_topology() -> None:
    docs = _documents()
    assert {"Deployment", "Service", "Ingress", "Secret"} <= set(docs)
    deployment = docs["Deployment"]
    assert deployment["spec"]["replicas"] > 1
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["LANDKORT_DB"]["valueFrom"]["secretKeyRef"] == {"name": "landkort", "key": "db-url"}
    ingress_host = docs["Ingress"]["spec"]["rules"][0]["host"]
    assert env["LANDKORT_ALLOWED_HOSTS"]["value"] == ingress_host  # issue 26 item 3
    assert pod["volumes"][0]["secret"]["secretName"] == "landkort"
    assert container["volumeMounts"][0]["mountPath"] == "/app/.streamlit/secrets.toml"
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert pod["securityContext"]["runAsNonRoot"] is True
    secret = docs["Secret"]
    assert set(secret["stringData"]) == {"db-url", "secrets.toml"}
    assert secret["stringData"]["db-url"].startswith("postgresql+psycopg://")
    auth = tomllib.loads(secret["stringData"]["secrets.toml"])["auth"]
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text("utf-8"))
    assert set(auth) == set(example["auth"])  # the whole [auth] section, not the secret alone
    service = docs["Service"]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    ingress = docs["Ingress"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"]
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    # the provider sends the browser back to the Ingress host, which routes to any pod
    host = ingress["spec"]["rules"][0]["host"]
    assert auth["redirect_uri"] == f"https://{host}/oauth2callback"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]


def test_compose_runs_two_app_servers_on_one_postgres_behind_nginx() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"db", "app1", "app2", "nginx"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    for name in ("app1", "app2"):
        app = services[name]
        assert app["build"]["dockerfile"] == "deploy/Containerfile"
        assert "db_url" in app["secrets"]
        assert {"source": "streamlit_secrets", "target": "/app/.streamlit/secrets.toml"} in app[
            "secrets"
        ]
        assert "--client.showErrorDetails=none" in app["command"]
        assert "LANDKORT_DB=" in " ".join(app["entrypoint"])
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    conf = DEPLOY_CONF.read_text(encoding="utf-8")
    assert re.findall(r"server (app\d+):8501", conf) == ["app1", "app2"]


def test_the_container_image_runs_streamlit_unprivileged_in_production_mode() -> None:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^FROM python:3\.11", text)
    assert re.search(r"(?m)^USER 10001$", text)
    assert "pip install -r requirements.txt" in text
    for option in (
        '"--server.address", "0.0.0.0"',
        '"--client.showErrorDetails", "none"',
        '"--browser.gatherUsageStats", "false"',
    ):
        assert option in text
    assert "/_stcore/health" in text
    for folder in ("pages", "ui", "directory", "search", "cli", "static"):  # cli: the commands
        assert f"COPY {folder} {folder}" in text


def test_nginx_conf_has_affinity_websocket_and_security_headers() -> None:
    conf = DEPLOY_CONF.read_text(encoding="utf-8")
    assert "hash $landkort_affinity consistent;" in conf
    assert "map $cookie_landkort_affinity $landkort_affinity" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert "add_header X-Frame-Options SAMEORIGIN always;" in conf
    assert "add_header Content-Security-Policy \"frame-ancestors 'self'\" always;" in conf
    assert "add_header X-Content-Type-Options nosniff always;" in conf
    assert re.search(r"location = /_stcore/metrics \{\s*return 404;\s*\}", conf)


@pytest.mark.nginx
def test_nginx_accepts_the_conf(tmp_path: Path) -> None:
    nginx = Nginx([18501, 18502])
    try:
        done = nginx.check()
        assert done.returncode == 0, done.stderr
        assert "test is successful" in done.stderr
    finally:
        nginx.stop()


def test_the_reminders_run_as_a_kubernetes_cronjob_on_the_app_image() -> None:
    docs = _documents()
    cron = docs["CronJob"]
    spec = cron["spec"]
    assert spec["schedule"] == "0 7-16 * * 1-5"  # hourly on working days: failures retried
    assert spec["timeZone"] == "Europe/Copenhagen"
    assert spec["concurrencyPolicy"] == "Forbid"
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 0  # no instant retry loop: the next run tries again
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    app = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == app["image"]
    assert container["command"] == ["python", "-m", "directory", "remind"]
    env = {e["name"]: e for e in container["env"]}
    assert env["LANDKORT_DB"] == next(e for e in app["env"] if e["name"] == "LANDKORT_DB")
    for name in ("LANDKORT_SMTP", "LANDKORT_MAIL_FROM"):
        assert env[name]["value"]
    host = docs["Ingress"]["spec"]["rules"][0]["host"]
    assert env["LANDKORT_BASE_URL"]["value"] == f"https://{host}"  # the links in the e-mails


def _unit_file(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


def test_the_reminders_run_from_a_systemd_timer() -> None:
    service = _unit_file("landkort-remind.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("/.venv/bin/landkort remind")
    assert service["Service"]["User"] == "landkort"
    assert service["Service"]["EnvironmentFile"] == "/etc/landkort/landkort.env"
    assert service["Service"]["ReadWritePaths"].endswith("/var")  # the SQLite state, the cache
    timer = _unit_file("landkort-remind.timer")
    assert timer["Timer"]["Unit"] == "landkort-remind.service"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    calendar = timer["Timer"]["OnCalendar"]
    assert calendar == "Mon..Fri *-*-* 07..16:00:00 Europe/Copenhagen"
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: apt-get install systemd"
    done = subprocess.run(
        [analyze, "calendar", calendar], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"Normalized form: {calendar}" in done.stdout


def _nginx_security_headers() -> dict[str, str]:
    """The security headers deploy/nginx.conf adds to every answer."""
    conf = DEPLOY_CONF.read_text(encoding="utf-8")
    found = re.findall(r'add_header (\S+) ("[^"]*"|\S+) always;', conf)
    wanted = {"X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options"}
    wanted.add("Referrer-Policy")
    return {name: value.strip('"') for name, value in found if name in wanted}


def test_the_ingress_works_without_snippet_annotations() -> None:
    """Issue 26 item 12: ingress-nginx disables snippet annotations by default, so the headers
    and the blocked metrics must come another way: the controller's `add-headers` ConfigMap
    (the same headers as deploy/nginx.conf) and an Ingress that denies /_stcore/metrics."""
    docs = _all_documents()
    for doc in docs:
        notes = doc["metadata"].get("annotations") or {}
        assert [key for key in notes if "snippet" in key] == [], doc["metadata"]["name"]
    controller = _named("ConfigMap", "ingress-nginx-controller")
    assert controller["data"].get("allow-snippet-annotations", "false") == "false"
    namespace, name = controller["data"]["add-headers"].split("/")
    headers = _named("ConfigMap", name)
    assert headers["metadata"]["namespace"] == namespace == controller["metadata"]["namespace"]
    assert headers["data"] == _nginx_security_headers()
    assert set(headers["data"]) == {
        "X-Frame-Options",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
    }

    app = _named("Ingress", "landkort")
    metrics = _named("Ingress", "landkort-metrics")
    assert metrics["spec"]["ingressClassName"] == app["spec"]["ingressClassName"]
    (rule,) = metrics["spec"]["rules"]
    assert rule["host"] == app["spec"]["rules"][0]["host"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/_stcore/metrics", "Exact")
    denied = metrics["metadata"]["annotations"]["nginx.ingress.kubernetes.io/denylist-source-range"]
    assert {net.strip() for net in denied.split(",")} == {"0.0.0.0/0", "::/0"}
