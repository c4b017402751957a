"""The deployment files probe what each probe is for, and run the processes as `shuoshi run` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.launcher.processes import actions_service

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _k8s() -> dict[tuple[str, str], dict[str, Any]]:
    documents = [
        doc
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc
    ]
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return dict(container)


def test_kubernetes_takes_a_gateway_out_of_rotation_only_when_it_cannot_serve() -> None:
    gateway = _container(_k8s()[("Deployment", "gateway")])

    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/livez"


def test_compose_checks_the_gateways_readiness_and_the_action_server() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]

    for name in ("gateway-0", "gateway-1"):
        assert "http://127.0.0.1:8000/readyz" in " ".join(services[name]["healthcheck"]["test"])
    assert "http://127.0.0.1:5055/health" in " ".join(services["actions"]["healthcheck"]["test"])
    assert services["balancer"]["depends_on"]["gateway-0"] == {"condition": "service_healthy"}


def test_the_action_server_runs_as_shuoshi_run_runs_it() -> None:
    """Our entry point: our logging and each turn's request id (bot/launcher/action_server.py)."""
    local = actions_service(Settings())
    module = local.command[local.command.index("-m") + 1]
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]

    for command in (services["actions"]["command"], _container(_k8s()[("Deployment", "actions")])["command"]):
        assert command[command.index("-m") + 1] == module == "bot.launcher.action_server"


def test_the_grafana_dashboard_shows_only_metrics_the_gateway_exports() -> None:
    import json
    import re

    from bot import metrics

    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"shuoshi_[a-z_]+", target["expr"])
    }
    documented = set(re.findall(r"shuoshi_[a-z_]+", metrics.__doc__ or ""))
    exported = documented | {f"{n}_bucket" for n in documented} | {f"{n}_count" for n in documented}

    assert used and used <= exported, used - exported


def test_the_docker_build_context_leaves_out_venvs_var_and_secrets() -> None:
    ignored = {
        line.strip()
        for line in (DEPLOY.parent / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }

    assert {".venv", ".venv-rasa", "var/", "**/secrets.json", "deploy/.env", ".git"} <= ignored
    assert not any(pattern.startswith("models") for pattern in ignored)  # the Rasa image needs the model


def _unit(name: str) -> dict[str, str]:
    import configparser

    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return {
        f"{section}.{key}": value for section in parser.sections() for key, value in parser[section].items()
    }


def test_the_systemd_unit_stops_the_group_with_sigterm_and_restarts_on_failure() -> None:
    unit = _unit("shuoshi.service")

    assert unit["Service.ExecStart"].endswith("shuoshi run")
    assert (unit["Service.KillMode"], unit["Service.KillSignal"]) == ("control-group", "SIGTERM")
    assert unit["Service.Restart"] == "on-failure"
    assert int(unit["Service.TimeoutStopSec"]) > 15  # the launcher's own grace period
    assert _unit("shuoshi-backup.service")["Service.ExecStart"].endswith("shuoshi backup")
    assert _unit("shuoshi-backup.timer")["Timer.OnCalendar"]


def test_the_balancer_waits_longer_than_the_gateway_waits_for_rasa() -> None:
    import re

    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    [seconds] = re.findall(r"proxy_read_timeout (\d+)s;", nginx)

    assert int(seconds) > Settings().rasa.timeout


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def test_compose_gateways_believe_forwarded_addresses_only_from_the_balancer() -> None:
    import ipaddress
    import json

    compose = _compose()
    balancer = compose["services"]["balancer"]
    address = ipaddress.ip_address(balancer["networks"]["default"]["ipv4_address"])
    [subnet] = compose["networks"]["default"]["ipam"]["config"]

    assert address in ipaddress.ip_network(subnet["subnet"])
    for name in ("gateway-0", "gateway-1"):
        gateway = compose["services"][name]
        trusted = json.loads(gateway["environment"]["GATEWAY__TRUSTED_PROXIES"])
        assert [ipaddress.ip_network(entry) for entry in trusted] == [ipaddress.ip_network(address)]
        assert "ports" not in gateway  # only the balancer is published
        assert "--no-proxy-headers" in gateway["command"]  # uvicorn does not decide it itself
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx


def test_kubernetes_gateways_believe_only_the_ingress_controller() -> None:
    import ipaddress
    import json

    manifests = _k8s()
    config = manifests[("ConfigMap", "shuoshi-config")]["data"]
    for entry in json.loads(config["GATEWAY__TRUSTED_PROXIES"]):
        ipaddress.ip_network(entry)
    policy = manifests[("NetworkPolicy", "gateway")]["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app": "gateway"}
    sources = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for rule in policy["ingress"]
        for peer in rule["from"]
    }
    assert sources == {"ingress-nginx", "monitoring"}
    assert "--no-proxy-headers" in _container(manifests[("Deployment", "gateway")])["command"]


def test_the_trusted_proxies_setting_is_the_one_the_app_reads(monkeypatch: Any) -> None:
    """GATEWAY__TRUSTED_PROXIES, as the deployment files set it (the app's side: bot/config.py)."""
    import pytest

    from bot.config import GatewaySettings

    if "trusted_proxies" not in GatewaySettings.model_fields:
        pytest.skip("the app's trusted_proxies setting comes with the trust branch")
    deployed = _compose()["x-app"]["environment"]["GATEWAY__TRUSTED_PROXIES"]
    monkeypatch.setenv("GATEWAY__TRUSTED_PROXIES", deployed)

    assert Settings().gateway.trusted_proxies == ["172.30.80.10"]  # type: ignore[attr-defined]


def test_the_ingress_waits_longer_than_the_gateway_waits_for_rasa() -> None:
    annotations = _k8s()[("Ingress", "shuoshi")]["metadata"]["annotations"]

    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) > Settings().rasa.timeout
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) > Settings().rasa.timeout


def test_the_migrate_job_can_be_applied_again() -> None:
    """It runs `shuoshi db upgrade` (safe twice: tests/db/test_migrate_twice.py), and a finished
    Job removes itself, so the next deployment's `kubectl apply` creates it anew."""
    job = _k8s()[("Job", "shuoshi-migrate")]
    [container] = job["spec"]["template"]["spec"]["containers"]

    assert container["command"] == ["shuoshi", "db", "upgrade"]
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    assert _compose()["services"]["migrate"]["command"] == ["shuoshi", "db", "upgrade"]


def test_the_images_install_the_hash_locked_requirements() -> None:
    app = (DEPLOY / "Dockerfile.app").read_text(encoding="utf-8")
    rasa = (DEPLOY / "Dockerfile.rasa").read_text(encoding="utf-8")

    assert "--require-hashes -r requirements/app.lock" in app and "--no-deps ." in app
    assert "--require-hashes -r requirements/rasa.lock" in rasa


def test_compose_keeps_rasa_the_action_server_and_the_database_on_an_internal_network() -> None:
    """Issue #20 item 4: only the gateways reach Rasa and the action server, and those have no
    route out and publish no port."""
    compose = _compose()
    assert compose["networks"]["backend"]["internal"] is True
    services = compose["services"]
    for name in ("actions", "rasa-0", "rasa-1", "postgres", "migrate"):
        assert services[name]["networks"] == ["backend"], name
        assert "ports" not in services[name], name
    for name in ("gateway-0", "gateway-1"):
        assert set(services[name]["networks"]) == {"default", "backend"}
    assert "backend" not in services["balancer"]["networks"]


def test_the_compose_file_follows_the_compose_specification() -> None:
    """What `docker compose config` would check first, offline: deploy/compose.yaml against the
    Compose Specification's own schema (deploy/schema/). A misspelt key is refused."""
    import jsonschema

    schema = json.loads((DEPLOY / "schema" / "compose-spec.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    compose = _compose()
    assert [error.message for error in validator.iter_errors(compose)] == []
    compose["services"]["gateway-0"]["helthcheck"] = compose["services"]["gateway-0"].pop("healthcheck")
    assert not validator.is_valid(compose)
