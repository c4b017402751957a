"""Failed staff sign-ins, read at a metrics scrape (bot/metrics.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.staff.models import LoginAttempt


def failed_sign_ins(*, session: Session, within: timedelta = timedelta(hours=1)) -> int:
    since = db_now(session=session) - within
    return int(
        session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since
            )
        )
        or 0
    )
