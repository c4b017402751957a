"""GET /metrics: turns, busy replies and Rasa errors counted as they happen; the outbox, surveys,
cases and sign-in failures read from the store at the scrape."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.cases import service as cases
from bot.config import Settings
from bot.conversation.relay import Inbound
from bot.db.session import session_scope
from bot.district import attach_profile, load_profile
from bot.metrics import StoreCollector
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.staff.models import LoginAttempt
from tests.conftest import build_case_input


class _Rasa(BaseHTTPRequestHandler):
    """Rasa and the action server in one: answers every message with one reply."""

    failing = False

    def do_GET(self) -> None:
        self._answer(200, {"status": "ok"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if _Rasa.failing:
            self._answer(500, {"error": "failure"})
        else:
            self._answer(200, [{"text": "您好"}])

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    _Rasa.failing = False
    server.shutdown()


def value(text: str, name: str, **labels: str) -> float:
    """One sample of the scrape (0 when absent)."""
    wanted = ",".join(f'{key}="{val}"' for key, val in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if match and match.group(1) == name and ",".join(sorted((match.group(2) or "").split(","))) == wanted:
            return float(match.group(3))
    return 0.0


def test_a_scrape_after_a_few_turns_shows_them(committed: Settings, rasa: int, tmp_path: Path) -> None:
    settings = committed.model_copy(
        update={
            "var_dir": tmp_path,
            "rasa": committed.rasa.model_copy(update={"port": rasa}),
            "actions": committed.actions.model_copy(update={"port": rasa}),
            "dispatcher": committed.dispatcher.model_copy(update={"enabled": False}),
        }
    ).with_secrets()
    with TestClient(create_app(settings)) as client:
        relay = client.app.state.relay  # type: ignore[attr-defined]
        before = client.get("/metrics").text
        for text in ("你好", "谢谢", "再见"):
            client.portal.call(relay.handle, Inbound(channel="web", sender="metrics-1", text=text))
        _Rasa.failing = True
        client.portal.call(relay.handle, Inbound(channel="telegram", sender="metrics-2", text="在吗"))
        response = client.get("/metrics")

    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    assert value(before, "shuoshi_turns_total", channel="web", outcome="answered") == 0
    assert value(after, "shuoshi_turns_total", channel="web", outcome="answered") == 3
    assert value(after, "shuoshi_turns_total", channel="telegram", outcome="busy") == 1
    assert value(after, "shuoshi_turn_seconds_count", channel="web") == 3
    assert value(after, "shuoshi_rasa_errors_total", call="send") == 1
    assert value(after, "shuoshi_store_up") == 1


def test_the_store_gauges_count_outbox_cases_and_sign_in_failures(committed: Settings) -> None:
    with session_scope(committed) as session:
        attach_profile(session, load_profile(committed))
        resident = residents.for_channel(session=session, channel="web", external_id="gauges-1")
        for kind in ("dispute", "petition"):
            case_in = build_case_input(kind, township="洛河镇")
            cases.create(session=session, case_in=case_in, resident=resident)
        for status in (OutboxStatus.PENDING, OutboxStatus.FAILED):
            session.add(
                OutboxItem(
                    resident=resident,
                    channel="web",
                    recipient="gauges-1",
                    kind=OutboxKind.STATUS_NOTICE,
                    body={"text": "x"},
                    status=status,
                )
            )
        session.add(LoginAttempt(username="nobody", address="127.0.0.1", succeeded=False))

    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in StoreCollector(committed).collect()
        for sample in family.samples
    }

    assert samples[("shuoshi_store_up", ())] == 1
    assert samples[("shuoshi_outbox_items", (("status", "pending"),))] == 1
    assert samples[("shuoshi_outbox_items", (("status", "failed"),))] == 1
    assert samples[("shuoshi_cases_open", (("township", "洛河镇"),))] == 2
    assert samples[("shuoshi_cases_overdue", (("township", "洛河镇"),))] == 0
    assert samples[("shuoshi_sign_in_failures_last_hour", ())] == 1
    assert samples[("shuoshi_surveys", (("status", "answered"),))] == 0


def test_a_scrape_answers_with_the_store_away(tmp_path: Path) -> None:
    away = Settings(var_dir=tmp_path, database={"url": "sqlite:////nonexistent/dir/x.db"})

    families = list(StoreCollector(away).collect())

    assert [(f.name, f.samples[0].value) for f in families] == [("shuoshi_store_up", 0)]
