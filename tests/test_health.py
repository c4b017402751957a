"""/livez for the liveness probe, /readyz for readiness, /healthz for people."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.config import Settings
from tests.e2e.stack import free_port


class _RasaUp(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa_up() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RasaUp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def gateway(tmp_path: Path, rasa: list[str], **overrides: object) -> TestClient:
    settings = Settings(
        var_dir=tmp_path,
        rasa={"instances": rasa},
        actions={"port": free_port()},  # nobody listens: the action server is down
        dispatcher={"enabled": False},
        **overrides,  # type: ignore[arg-type]
    ).with_secrets()
    return TestClient(create_app(settings))


def test_livez_answers_whatever_else_is_down(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with gateway(tmp_path, [dead], database={"url": "sqlite:////nonexistent/dir/x.db"}) as client:
        assert client.get("/livez").json() == {"status": "ok"}
        assert client.get("/readyz").status_code == 503


def test_ready_with_one_rasa_up_and_the_action_server_restarting(tmp_path: Path, rasa_up: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with gateway(tmp_path, [rasa_up, dead]) as client:
        ready = client.get("/readyz")
        detailed = client.get("/healthz")

    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "rasa": "ok", "db": "ok"})
    assert detailed.status_code == 503
    assert detailed.json()["actions"] == "unreachable"


def test_not_ready_names_what_is_down(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with gateway(tmp_path, [dead]) as client:
        ready = client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json() == {"status": "fail", "rasa": "unreachable", "db": "ok"}
