"""Rate limits shared by every gateway: counters in the case store (SQLite or PostgreSQL).

One implementation for every limit (per address on the public routes and the console sign-in,
per resident and overall on guardian codes): a counter per subject and fixed window, increased
atomically (`INSERT … ON CONFLICT DO UPDATE`), read as a sliding window (the previous window's
count weighted by how much of it still lies inside the last `seconds`). Every gateway counts in
the same rows, so a client gains nothing by being balanced across gateways. (A sliding window
read this way assumes the previous window's hits were spread evenly; a burst at its end may
let a few more through than `count` until it has slid away.) Subjects (an
address, a resident id) are kept only as a SHA-256, and counters are deleted once both their
windows are over (`purge`, run by the housekeeping pass).

Two gateways that check at the same instant may both let the last request through: a limit is
exact to within the number of gateways.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.limits.models import RateCounter


@dataclass(frozen=True)
class Limit:
    """At most `count` per subject in any `seconds`."""

    name: str
    count: int
    seconds: int


def _subject(subject: str) -> str:
    return hashlib.sha256(subject.encode()).hexdigest()


def _window(limit: Limit, now: datetime) -> tuple[int, float]:
    """The number of the window `now` falls in, and how far through it `now` is (0..1)."""
    position = now.timestamp() / limit.seconds
    return int(position), position - int(position)


def used(*, session: Session, limit: Limit, subject: str, now: datetime | None = None) -> float:
    """How much of the limit the subject has used in the last `limit.seconds`."""
    number, through = _window(limit, now or db_now(session=session))
    rows: dict[int, int] = dict(
        (window, hits)
        for window, hits in session.execute(
            select(RateCounter.window, RateCounter.hits).where(
                RateCounter.name == limit.name,
                RateCounter.subject == _subject(subject),
                RateCounter.window.in_((number - 1, number)),
            )
        )
    )
    # The previous window's share, rounded up: a burst just before the boundary counts in full.
    return math.ceil(rows.get(number - 1, 0) * (1.0 - through)) + rows.get(number, 0)


def exceeded(*, session: Session, limit: Limit, subject: str) -> bool:
    return used(session=session, limit=limit, subject=subject) >= limit.count


def record(*, session: Session, limit: Limit, subject: str, now: datetime | None = None) -> None:
    """Counts one more for the subject in the current window."""
    now = now or db_now(session=session)
    number, _ = _window(limit, now)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RateCounter).values(
        name=limit.name,
        subject=_subject(subject),
        window=number,
        hits=1,
        # Read while it is the current or the previous window; forgotten after.
        expires_at=now + timedelta(seconds=2 * limit.seconds),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name", "subject", "window"], set_={"hits": RateCounter.hits + 1}
        )
    )


def take(*, session: Session, limit: Limit, subject: str) -> bool:
    """True, and counted, if the subject is within the limit; False (and not counted) if not."""
    now = db_now(session=session)
    if used(session=session, limit=limit, subject=subject, now=now) >= limit.count:
        return False
    record(session=session, limit=limit, subject=subject, now=now)
    return True


def purge(*, session: Session) -> int:
    """Deletes counters whose windows are over; returns how many went."""
    result = session.execute(delete(RateCounter).where(RateCounter.expires_at < db_now(session=session)))
    return int(getattr(result, "rowcount", 0) or 0)
