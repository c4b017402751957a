"""Who a web-chat request speaks for: the browser's cookie, or a program's named sender.

The gateway issues the web-chat resident's id: a random id in an HttpOnly, SameSite=Lax cookie
(Secure where `gateway.cookie_secure` is on), signed with `gateway.identity_key` so that no one
can choose whose conversation a cookie names. It never travels in a URL, so access logs hold no
resident's credential. A program (a kiosk, an integration, the benchmarks) may name a `sender`
only with an API key (`Authorization: Bearer <key>`, `shuoshi api-key add NAME`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.config import Settings
from bot.db.session import session_scope
from bot.staff import api_keys

COOKIE = "shuoshi_resident"
# A key the store confirmed this recently is still accepted while the store is unreachable, so a
# program's residents get the relay's polite "busy" reply rather than an error; with the store
# up every request asks it, so a revoked key stops at once.
KEY_REMEMBERED_SECONDS = 600.0
_confirmed_at: dict[str, float] = {}


@dataclass(frozen=True)
class WebResident:
    sender: str
    issued: bool = False  # a new id: the response must set the cookie


def _sign(key: str, sender: str) -> str:
    digest = hmac.new(key.encode(), f"web-resident:{sender}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def cookie_value(settings: Settings, sender: str) -> str:
    return f"{sender}.{_sign(settings.secret('identity_key'), sender)}"


def sender_from_cookie(settings: Settings, value: str | None) -> str | None:
    """The id a cookie names, if the gateway signed it."""
    if not value or "." not in value:
        return None
    sender, _, signature = value.rpartition(".")
    expected = _sign(settings.secret("identity_key"), sender)
    return sender if sender and hmac.compare_digest(signature, expected) else None


def new_sender() -> str:
    """A fresh web-chat id: 128 random bits, in the sender alphabet [A-Za-z0-9_-]."""
    return secrets.token_urlsafe(16)


async def require_api_key(request: Request, settings: Settings) -> None:
    """Refuses (401) a request that names a sender without a live API key."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise HTTPException(
            status_code=401,
            detail="naming a sender needs an API key (Authorization: Bearer <key>)",
            headers={"WWW-Authenticate": "Bearer"},
        )

    digest = hashlib.sha256(key.strip().encode()).hexdigest()

    def known() -> bool:
        with session_scope(settings, read_only=True) as session:
            return api_keys.find(session=session, key=key.strip()) is not None

    try:
        live = await asyncio.to_thread(known)
    except (OperationalError, InterfaceError) as error:
        if time.monotonic() - _confirmed_at.get(digest, float("-inf")) < KEY_REMEMBERED_SECONDS:
            return
        busy = "the service is busy; please try again shortly"
        raise HTTPException(status_code=503, detail=busy) from error
    if not live:
        _confirmed_at.pop(digest, None)
        raise HTTPException(
            status_code=401, detail="the API key is not valid", headers={"WWW-Authenticate": "Bearer"}
        )
    if len(_confirmed_at) > 1000:
        _confirmed_at.clear()
    _confirmed_at[digest] = time.monotonic()


async def existing_resident(request: Request, *, named: str | None) -> WebResident | None:
    """The resident a request speaks for: the named sender (with an API key), else the cookie's."""
    settings: Settings = request.app.state.settings
    if named is not None:
        await require_api_key(request, settings)
        return WebResident(named)
    sender = sender_from_cookie(settings, request.cookies.get(COOKIE))
    return WebResident(sender) if sender is not None else None


async def resident_of(request: Request, *, named: str | None) -> WebResident:
    """As `existing_resident`, and a newly issued id when the browser has none."""
    return await existing_resident(request, named=named) or WebResident(new_sender(), issued=True)


def set_cookie(response: Response, settings: Settings, sender: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie_value(settings, sender),
        max_age=settings.gateway.cookie_days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.gateway.cookie_secure,
    )


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=settings.gateway.cookie_secure
    )
