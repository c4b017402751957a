"""What the relay tells Rasa about a Traditional message: the model reads Simplified, and the
resident's own words go along in the metadata, so that a description is stored as written
(issue 24)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.config import Settings
from bot.conversation.relay import Inbound, Relay


class RecordingRasa:
    """Stands in for the Rasa client: records what it is sent, answers with one reply."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def actions_alive(self, *, fresh: bool = False) -> bool:
        return True

    async def active_form(self, *, conversation_id: str) -> str | None:
        return "dispute_form"

    async def send(self, **message: Any) -> list[dict[str, Any]]:
        self.sent.append(message)
        return [{"text": "好的"}]


def _send(settings: Settings, text: str) -> dict[str, Any]:
    rasa = RecordingRasa()
    relay = Relay(settings=settings.with_secrets(), rasa=rasa)  # type: ignore[arg-type]
    asyncio.run(relay.handle(Inbound(channel="web", sender="as-written-1", text=text)))
    [sent] = rasa.sent
    return sent


def test_a_traditional_message_is_read_as_simplified_and_passed_on_as_written(committed: Settings) -> None:
    sent = _send(committed, "樓上鄰居每天半夜裝修")

    assert sent["message"] == "楼上邻居每天半夜装修"
    assert sent["metadata"]["text_as_written"] == "樓上鄰居每天半夜裝修"
    assert sent["metadata"]["language"] == "zh-Hant"


def test_a_simplified_message_carries_no_copy(committed: Settings) -> None:
    sent = _send(committed, "楼上邻居每天半夜装修")

    assert "text_as_written" not in sent["metadata"]
