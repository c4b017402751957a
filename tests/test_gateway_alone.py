"""What the gateway decides alone, with no Rasa behind it: an oversized body, malformed JSON and a
forged button payload are refused by name."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bot.app import MAX_BODY_BYTES, create_app
from bot.config import Settings
from bot.db import migrate
from tests.e2e.stack import free_port


def gateway(tmp_path: Path) -> TestClient:
    nobody = f"http://127.0.0.1:{free_port()}"  # no Rasa: the refusal must not need it
    settings = Settings(
        var_dir=tmp_path, rasa={"instances": [nobody]}, dispatcher={"enabled": False}
    ).with_secrets()
    migrate.upgrade(settings)
    return TestClient(create_app(settings))


def test_a_body_over_the_limit_is_refused_with_413(tmp_path: Path) -> None:
    with gateway(tmp_path) as client:
        response = client.post(
            "/api/chat",
            content=b'{"text": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
        assert "larger than" in response.json()["error"]
        assert client.get("/livez").json() == {"status": "ok"}  # the gateway carries on


def test_a_content_length_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    with gateway(tmp_path) as client:
        response = client.post(
            "/api/scam-check",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": "-1"},
        )
        assert response.status_code == 413


def test_malformed_json_gets_a_json_error_naming_the_problem(tmp_path: Path) -> None:
    with gateway(tmp_path) as client:
        cut_short = '{"text": "你好"'.encode()
        response = client.post("/api/chat", content=cut_short, headers={"content-type": "application/json"})
        assert response.status_code == 422
        assert "json" in response.text.lower()


def test_a_forged_button_payload_is_refused_before_rasa(tmp_path: Path) -> None:
    with gateway(tmp_path) as client:
        client.get("/")  # the page gives this browser its identity cookie
        response = client.post(
            "/api/chat",
            json={"payload": '/confirm_delete_my_data{"x":1}~forged-signature'},
            headers={"sec-fetch-site": "same-origin"},
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "the button payload is not one the assistant sent"
