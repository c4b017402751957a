"""The action server answers only Rasa: the real server process, started as `shuoshi run` starts
it, refuses every call without the shared secret that endpoints.yml has Rasa send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from actions.auth import SECRET_HEADER
from bot.config import PROJECT_DIR, Settings
from bot.launcher.processes import Service, actions_service, wait_until_ready
from tests.e2e.stack import free_port

CALL = {
    "next_action": "action_my_cases",
    "sender_id": "telegram:42",
    "tracker": {"sender_id": "telegram:42", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.21",
}


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Settings]]:
    var_dir: Path = tmp_path_factory.mktemp("actions-var")
    settings = Settings(var_dir=var_dir, actions={"port": free_port()}).with_secrets()
    service = actions_service(settings)
    service.start(settings.project_dir)
    try:
        wait_until_ready([service], timeout=120)
        yield service, settings
    finally:
        service.stop()


def test_a_call_without_the_secret_is_refused(action_server: tuple[Service, Settings]) -> None:
    _, settings = action_server
    response = httpx.post(f"{settings.actions.url}/webhook", json=CALL, timeout=30)

    assert response.status_code == 403


def test_a_call_with_a_wrong_secret_is_refused(action_server: tuple[Service, Settings]) -> None:
    _, settings = action_server
    response = httpx.post(
        f"{settings.actions.url}/webhook", json=CALL, headers={SECRET_HEADER: "guess"}, timeout=30
    )
    listing = httpx.get(f"{settings.actions.url}/actions", headers={SECRET_HEADER: "guess"}, timeout=30)

    assert response.status_code == 403 and listing.status_code == 403


def test_rasas_call_with_the_secret_is_served(action_server: tuple[Service, Settings]) -> None:
    _, settings = action_server
    listing = httpx.get(
        f"{settings.actions.url}/actions",
        headers={SECRET_HEADER: settings.secret("action_secret")},
        timeout=30,
    )

    assert listing.status_code == 200
    assert "action_my_cases" in {action["name"] for action in listing.json()}


def test_the_health_probe_needs_no_secret(action_server: tuple[Service, Settings]) -> None:
    _, settings = action_server
    assert httpx.get(f"{settings.actions.url}/health", timeout=30).status_code == 200


def test_rasa_is_configured_to_send_the_secret(action_server: tuple[Service, Settings]) -> None:
    _, settings = action_server
    endpoints = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text(encoding="utf-8"))

    assert endpoints["action_endpoint"]["headers"] == {SECRET_HEADER: "${SHUOSHI_ACTION_SECRET}"}
    assert settings.rasa_environment()["SHUOSHI_ACTION_SECRET"] == settings.secret("action_secret")
