"""Web chat: the page at `/`, `POST /api/chat`, `GET /api/chat/pending` and
`POST /api/chat/forget-device`.

The resident is the one the gateway's cookie names (bot/channels/web/identity.py); a program
names a `sender` only with an API key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from bot import language as lang
from bot.channels.web import identity, throttle
from bot.config import Settings
from bot.conversation.relay import SENDER_PATTERN, Inbound, Outcome, Relay, Reply
from bot.language import Language

router = APIRouter()
STATIC = Path(__file__).parent / "static"

# What browsers send as Sec-Fetch-Site for the page's own requests (or a typed URL); clients that
# send no such header (programs) are not browsers being led by another site.
SAME_ORIGIN = frozenset({"same-origin", "none"})

Sender = Annotated[str, Field(min_length=1, max_length=128, pattern=SENDER_PATTERN)]


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Only with an API key: a program speaking for the resident it names.
    sender: Sender | None = None
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
async def chat_page(request: Request) -> FileResponse:
    """The page; its visitor gets (or keeps, renewed) a web-chat identity in the cookie."""
    settings: Settings = request.app.state.settings
    resident = await identity.resident_of(request, named=None)
    response = FileResponse(STATIC / "chat.html", media_type="text/html; charset=utf-8")
    identity.set_cookie(response, settings, resident.sender)
    return response


@router.post("/api/chat")
async def chat(body: ChatIn, request: Request, response: Response) -> dict[str, Any]:
    relay: Relay = request.app.state.relay
    settings: Settings = request.app.state.settings
    if body.sender is None:  # a program with an API key is not limited by its address
        limit = throttle.per_address("chat", settings.gateway.chat_per_address_per_minute)
        await throttle.within(request, limit, language=body.set_language or lang.from_hint(body.language))
    resident = await identity.resident_of(request, named=body.sender)
    outcome = await relay.handle(
        Inbound(
            channel="web",
            sender=resident.sender,
            text=body.text,
            payload=body.payload,
            language_hint=body.language,
            chosen_language=body.set_language,
        )
    )
    if resident.issued:
        identity.set_cookie(response, request.app.state.settings, resident.sender)
    return outcome_json(outcome)


@router.get("/api/chat/pending")
async def pending(
    request: Request,
    sender: Annotated[str | None, Query(min_length=1, max_length=128, pattern=SENDER_PATTERN)] = None,
) -> dict[str, Any]:
    relay: Relay = request.app.state.relay
    settings: Settings = request.app.state.settings
    if sender is None:
        limit = throttle.per_address("pending", settings.gateway.pending_per_address_per_minute)
        await throttle.within(request, limit)
    if sender is None and request.headers.get("sec-fetch-site", "same-origin") not in SAME_ORIGIN:
        # Another site's link or image carries the cookie (SameSite=Lax lets top-level GETs
        # through): it must not mark the resident's messages as delivered.
        return {"replies": []}
    resident = await identity.existing_resident(request, named=sender)
    if resident is None:
        return {"replies": []}  # a browser that has not chatted yet has nothing waiting
    replies = await relay.pending(channel="web", sender=resident.sender)
    return {"replies": [reply_json(r) for r in replies]}


@router.post("/api/chat/forget-device")
async def forget_device(request: Request, response: Response) -> dict[str, Any]:
    """ "Forget me on this device": the browser drops its identity (a shared device's next user
    starts a new, empty conversation). The resident's data stays; "delete my data" erases it."""
    identity.clear_cookie(response, request.app.state.settings)
    return {"forgotten": True}
