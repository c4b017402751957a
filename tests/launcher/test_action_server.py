"""The action server logs through bot.logs, with the request id the gateway sent for the turn."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

import actions.intake as intake_actions
from bot import logs
from bot.config import Settings
from bot.db.errors import DomainError
from bot.launcher.action_server import TurnExecutor, request_id_of
from tests.actions.test_intake import DISPUTE_ANSWERS, tracker

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


@pytest.fixture
def action_log() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logs.handler_for(out, process="actions", json_lines=True)
    logging.getLogger("actions").addHandler(handler)
    yield out
    logging.getLogger("actions").removeHandler(handler)


class Refused(DomainError):
    code = "refused"


def test_a_failed_intake_logs_a_line_with_the_turns_id_and_no_phone_or_id(
    committed: Settings, monkeypatch: pytest.MonkeyPatch, action_log: io.StringIO
) -> None:
    monkeypatch.setattr(intake_actions, "settings", lambda: committed)

    def refuse(**_: Any) -> None:  # a store rule whose message quotes what the resident gave
        raise Refused(f"contact {PHONE} with id {ID_NUMBER} is not allowed")

    monkeypatch.setattr(intake_actions.intake, "register", refuse)
    state = tracker("web:failed-1", slots={**DISPUTE_ANSWERS, "id_number": ID_NUMBER}).current_state()
    state["latest_message"] = {**(state.get("latest_message") or {}), "metadata": {"request_id": "turn-42"}}
    executor = TurnExecutor()
    executor.register_action(intake_actions.ActionSubmitDispute())

    result = _run(executor, {"next_action": "action_submit_dispute", "tracker": state, "domain": {}})

    assert result is not None and result.model_dump()["responses"][0]["response"] == "utter_intake_failed"
    line = json.loads(action_log.getvalue().splitlines()[-1])
    assert line["request_id"] == "turn-42" and line["level"] == "WARNING"
    assert PHONE not in line["msg"] and ID_NUMBER not in line["msg"]
    assert "*******5678" in line["msg"]


def test_an_action_call_without_metadata_has_no_request_id() -> None:
    assert request_id_of({"tracker": {"latest_message": {}}}) == "-"
    assert request_id_of({}) == "-"


def _run(executor: TurnExecutor, call: dict[str, Any]) -> Any:
    return asyncio.run(executor.run(call))
