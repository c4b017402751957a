"""Handling each Telegram update once, whichever gateway receives it and however often."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.telegram.models import TelegramUpdate
from bot.db.clock import db_now

KEEP = timedelta(days=2)  # Telegram keeps undelivered updates for 24 hours


def first_delivery(*, session: Session, update_id: int) -> bool:
    """Records the update; False if it was recorded before (a redelivery)."""
    try:
        with session.begin_nested():
            session.add(TelegramUpdate(update_id=update_id))
    except IntegrityError:
        return False
    return True


def forget_old(*, session: Session) -> int:
    result = session.execute(
        delete(TelegramUpdate).where(TelegramUpdate.received_at < db_now(session=session) - KEEP)
    )
    return int(getattr(result, "rowcount", 0) or 0)
