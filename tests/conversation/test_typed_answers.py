"""A typed answer where buttons were offered, through the relay: the buttons Rasa sent are kept,
and the next typed message goes to Rasa as that button's press (its number or title) or with the
offered intents as context."""

from __future__ import annotations

from typing import Any

import httpx

from bot.config import Settings
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import Inbound, Relay

SURVEY_QUESTION = {
    "text": "问题解决了吗？",
    "buttons": [
        {"title": "解决了", "payload": "/solved_yes"},
        {"title": "部分解决", "payload": "/solved_partly"},
        {"title": "没解决", "payload": "/solved_no"},
    ],
}


class ScriptedRasa(RasaClient):
    """Answers the first message with the survey question, anything after with a plain reply;
    records what it was sent."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings=settings, http=httpx.AsyncClient())
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def actions_alive(self, *, fresh: bool = False) -> bool:
        return True

    async def active_form(self, *, conversation_id: str) -> str | None:
        return "survey_form"

    async def send(
        self, *, conversation_id: str, message: str, channel: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.sent.append((message, metadata))
        return [SURVEY_QUESTION] if len(self.sent) == 1 else [{"text": "收到"}]


async def _after_the_question(settings: Settings, sender: str, typed: str) -> tuple[str, dict[str, Any]]:
    rasa = ScriptedRasa(settings)
    relay = Relay(settings=settings, rasa=rasa)
    await relay.handle(Inbound(channel="web", sender=sender, text="你好"))
    await relay.handle(Inbound(channel="web", sender=sender, text=typed))
    return rasa.sent[-1]


async def test_a_sentence_goes_with_the_offered_intents_as_context(committed: Settings) -> None:
    message, metadata = await _after_the_question(
        committed.with_secrets(), "typed-1", "没有解决，希望重新处理"
    )

    assert message == "没有解决，希望重新处理"
    assert metadata["expected_intents"] == ["solved_yes", "solved_partly", "solved_no"]


async def test_a_typed_number_or_title_is_the_press(committed: Settings) -> None:
    settings = committed.with_secrets()

    assert (await _after_the_question(settings, "typed-2", "3"))[0] == "/solved_no"
    assert (await _after_the_question(settings, "typed-3", "部分解决"))[0] == "/solved_partly"


async def test_without_buttons_before_there_is_no_context(committed: Settings) -> None:
    rasa = ScriptedRasa(committed.with_secrets())
    relay = Relay(settings=committed.with_secrets(), rasa=rasa)

    await relay.handle(Inbound(channel="web", sender="typed-4", text="你好"))

    assert rasa.sent[0][1]["expected_intents"] == []
