"""What an operator watches, on the real installation: probes, metrics, and one turn's request id
in the gateway's and the action server's logs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import Stack, eventually

pytestmark = pytest.mark.e2e


def json_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
    return lines


def sample(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{name}\{{{re.escape(labels)}\}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_probes_answer_and_a_scrape_counts_the_turns(stack: Stack) -> None:
    assert stack.http.get("/livez").json() == {"status": "ok"}
    assert stack.http.get("/readyz").json() == {"status": "ok", "rasa": "ok", "db": "ok"}
    labels = 'channel="web",outcome="answered"'
    before = sample(stack.http.get("/metrics").text, "shuoshi_turns_total", labels)

    for text in ("你好", "怎么申请法律援助", "谢谢"):
        stack.chat("ops-metrics-1", text)
    scrape = stack.http.get("/metrics").text

    assert sample(scrape, "shuoshi_turns_total", labels) == before + 3
    assert "shuoshi_store_up 1.0" in scrape
    assert "shuoshi_outbox_items{" in scrape


def test_a_turns_request_id_is_on_the_gateway_and_action_server_lines(stack: Stack) -> None:
    stack.chat("ops-trace-1", "我要登记一个纠纷")
    log_dir = stack.settings.var_dir / "log"

    def trace() -> tuple[list[dict[str, Any]], str | None, list[dict[str, Any]]]:
        gateway, action_server = json_lines(log_dir / "gateway.log"), json_lines(log_dir / "actions.log")
        turns = [line for line in gateway if line["msg"].startswith("turn on web")]
        request_id = turns[-1]["request_id"] if turns else None
        return turns, request_id, [line for line in action_server if line.get("request_id") == request_id]

    turns, request_id, actions = eventually(trace, until=lambda found: bool(found[0] and found[2]))

    assert turns, "the gateway logged no turn"
    assert request_id is not None and len(request_id) == 16
    assert actions, f"no action server line for {request_id}"
