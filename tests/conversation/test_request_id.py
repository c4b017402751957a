"""Each inbound turn gets a request id at the gateway, sent to Rasa in the message metadata."""

from __future__ import annotations

from typing import Any

import httpx

from bot import logs
from bot.config import Settings
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import Inbound, Relay


class RecordingRasa(RasaClient):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings=settings, http=httpx.AsyncClient())
        self.metadata: list[dict[str, Any]] = []
        self.ids_while_sending: list[str] = []

    async def actions_alive(self, *, fresh: bool = False) -> bool:
        return True

    async def active_form(self, *, conversation_id: str) -> str | None:
        return None

    async def send(
        self, *, conversation_id: str, message: str, channel: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.metadata.append(metadata)
        self.ids_while_sending.append(logs.REQUEST_ID.get())
        return [{"text": "好的"}]


async def test_every_turn_sends_its_own_request_id_to_rasa(committed: Settings) -> None:
    settings = committed.with_secrets()
    rasa = RecordingRasa(settings)
    relay = Relay(settings=settings, rasa=rasa)

    await relay.handle(Inbound(channel="web", sender="rid-1", text="你好"))
    await relay.handle(Inbound(channel="web", sender="rid-1", text="谢谢"))

    first, second = (metadata["request_id"] for metadata in rasa.metadata)
    assert first != second and len(first) == 16
    assert rasa.ids_while_sending == [first, second]  # and on the gateway's log lines of the turn
