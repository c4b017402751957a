"""Per-address rate limits on the public routes, counted in the case store (bot.limits) so that
every gateway behind a balancer shares them. The check comes first: a refused request creates
nothing (no resident, no message)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import HTTPException, Request
from sqlalchemy.exc import InterfaceError, OperationalError

from bot import language as lang
from bot import limits, notices
from bot.client_address import client_address
from bot.config import Settings
from bot.db.session import session_scope
from bot.language import Language

logger = logging.getLogger(__name__)

MINUTE = 60


class TooManyRequests(HTTPException):
    def __init__(self, language: Language) -> None:
        super().__init__(
            status_code=429,
            detail=notices.text(notices.Notice.RATE_LIMITED, language),
            headers={"Retry-After": str(MINUTE)},
        )


def per_address(name: str, count: int) -> limits.Limit:
    return limits.Limit(name=name, count=count, seconds=MINUTE)


async def within(request: Request, limit: limits.Limit, *, language: Language | None = None) -> None:
    """Counts this request against its address's `limit`; 429 (nothing counted) past it."""
    address = client_address(request)
    if address is None:
        return
    settings: Settings = request.app.state.settings

    def take() -> bool:
        with session_scope(settings) as session:
            return limits.take(session=session, limit=limit, subject=address)

    try:
        allowed = await asyncio.to_thread(take)
    except (OperationalError, InterfaceError) as error:
        # Without the store the relay answers "busy" anyway; the scam check needs no store.
        logger.warning("rate limit %s: case store unreachable (%s)", limit.name, type(error).__name__)
        return
    if not allowed:
        raise TooManyRequests(
            language or lang.from_hint(request.headers.get("accept-language")) or lang.DEFAULT
        )
