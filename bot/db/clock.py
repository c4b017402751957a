"""The database's clock: timestamps in the store come from it, not from the app servers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.types import utcnow


def db_now(*, session: Session) -> datetime:
    """Now, aware and in UTC, as the database sees it (PostgreSQL: the transaction's start)."""
    return session.execute(select(utcnow())).scalar_one()
