"""Web chat: the page at `/`, `POST /api/chat` and `GET /api/chat/pending`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.conversation.relay import Inbound, Outcome, Relay, Reply
from bot.language import Language

router = APIRouter()
STATIC = Path(__file__).parent / "static"


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Annotated[str, Field(min_length=1, max_length=128)]
    text: str | None = None
    payload: str | None = None
    # The browser's language (navigator.language), a first guess until the resident writes.
    language: Annotated[str | None, Field(max_length=35)] = None
    # Set by the page's language switch: the resident's explicit choice.
    set_language: Language | None = None


def reply_json(reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": reply.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
    }
    if reply.custom is not None:
        body["custom"] = reply.custom
    return body


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {"replies": [reply_json(r) for r in outcome.replies], "language": outcome.language.value}


@router.get("/", include_in_schema=False)
async def chat_page() -> FileResponse:
    return FileResponse(STATIC / "chat.html", media_type="text/html; charset=utf-8")


@router.post("/api/chat")
async def chat(body: ChatIn, request: Request) -> dict[str, Any]:
    relay: Relay = request.app.state.relay
    outcome = await relay.handle(
        Inbound(
            channel="web",
            sender=body.sender,
            text=body.text,
            payload=body.payload,
            language_hint=body.language,
            chosen_language=body.set_language,
        )
    )
    return outcome_json(outcome)


@router.get("/api/chat/pending")
async def pending(
    request: Request, sender: Annotated[str, Query(min_length=1, max_length=128)]
) -> dict[str, Any]:
    relay: Relay = request.app.state.relay
    replies = await relay.pending(channel="web", sender=sender)
    return {"replies": [reply_json(r) for r in replies]}
