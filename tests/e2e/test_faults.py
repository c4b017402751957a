"""Rasa or the action server down: a polite reply, a 503 naming the part, and recovery."""

from __future__ import annotations

import time

import pytest

from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("part", ["actions", "rasa"])
def test_a_part_down_gets_a_busy_reply_and_the_next_message_works_once_it_is_back(
    stack: Stack, part: str
) -> None:
    stack.chat(f"fault-{part}-zh", text="你好")
    stack.chat(f"fault-{part}-en", text="hello there")
    stack.kill(part)
    # An action server found up a moment ago counts as up for this long (a turn that comes back
    # empty probes at once); then every turn is held back.
    time.sleep(stack.settings.actions.alive_for)
    try:
        zh = stack.chat(f"fault-{part}-zh", text="你能做什么")
        en = stack.chat(f"fault-{part}-en", text="what can you do")
        assert "系统正忙" in texts(zh)
        assert "The service is busy" in texts(en)
        health = stack.http.get("/healthz")
        assert health.status_code == 503
        assert health.json()[part] == "unreachable"
        assert health.json()["status"] == "fail"
    finally:
        stack.restart(part)
    assert stack.http.get("/healthz").status_code == 200
    assert "登记矛盾纠纷" in texts(stack.chat(f"fault-{part}-zh", text="你能做什么"))
