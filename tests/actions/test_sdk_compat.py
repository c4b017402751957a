"""The action server runs an action that Rasa called without a domain (selective domain)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions  # noqa: F401 - importing the package applies sdk_compat, as the action server does


def call(action: str, **extra: Any) -> dict[str, Any]:
    executor = ActionExecutor()
    executor.register_package("actions")
    tracker = {
        "sender_id": "web:compat-1",
        "slots": {"language": "zh-Hans", "elder_mode": False},
        "latest_message": {"text": "hi", "intent": {"name": "greet"}, "metadata": {"language": "en"}},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    result = asyncio.run(executor.run({"next_action": action, "tracker": tracker, **extra}))
    assert result is not None
    return dict(result)


def test_an_action_called_without_a_domain_runs() -> None:
    result = call("action_faq_topics")
    assert result["responses"], result


def test_a_domain_sent_with_the_call_is_passed_on() -> None:
    seen: list[Any] = []

    class Probe(Action):
        def name(self) -> str:
            return "action_probe"

        async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[Any]:
            seen.append(domain)
            return []

    executor = ActionExecutor()
    executor.register_action(Probe())
    call_body = {"next_action": "action_probe", "tracker": {"sender_id": "x", "events": []}}
    asyncio.run(executor.run({**call_body, "domain": {"slots": {"a": {}}}}))
    asyncio.run(executor.run(call_body))
    assert seen == [{"slots": {"a": {}}}, {}]
