"""What waits in the outbox, read at a metrics scrape (bot/metrics.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.outbox.enums import OutboxStatus
from bot.outbox.models import OutboxItem

WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class Backlog:
    by_status: dict[str, int]
    # Seconds the oldest item that is due and not yet sent has waited since it fell due (0: none).
    oldest_due_seconds: float


def backlog(*, session: Session) -> Backlog:
    counts = dict(session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status)).all())
    now = db_now(session=session)
    oldest = session.scalar(
        select(func.min(OutboxItem.due_at)).where(OutboxItem.status.in_(WAITING), OutboxItem.due_at <= now)
    )
    return Backlog(
        by_status={status.value: int(counts.get(status, 0)) for status in OutboxStatus},
        oldest_due_seconds=max((now - _aware(oldest)).total_seconds(), 0.0) if oldest else 0.0,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
