"""One send budget for every dispatcher: Telegram allows a bot about 30 messages a second in all,
however many gateways send for it.

Each claim of outbox items is stamped with the database's clock (`claimed_at`), so what all
dispatchers claimed in the last second is one count in the store. A dispatcher claims at most the
rest of the budget. The count and the claim are one transaction, taken one at a time: SQLite's
transactions are `BEGIN IMMEDIATE` already; on PostgreSQL a transaction-scoped advisory lock
serialises the claims of one channel (rows already claimed are skipped with SKIP LOCKED anyway).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.outbox.models import OutboxItem
from bot.residents.enums import Channel

WINDOW = timedelta(seconds=1)


def remaining(*, session: Session, channel: Channel, per_second: int, now: datetime) -> int:
    """How many items of `channel` this claim may still take: `per_second` less what every
    dispatcher claimed in the last second. Holds the channel's claim lock until the transaction ends."""
    _lock_claims(session, channel)
    used = session.scalar(
        select(func.count())
        .select_from(OutboxItem)
        .where(OutboxItem.channel == channel, OutboxItem.claimed_at > now - WINDOW)
    )
    return max(per_second - int(used or 0), 0)


def _lock_claims(session: Session, channel: Channel) -> None:
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"outbox-claim:{channel.value}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
