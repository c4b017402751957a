"""Surveys by status, read at a metrics scrape (bot/metrics.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.followups.enums import SurveyStatus
from bot.followups.models import Survey


def surveys_by_status(*, session: Session) -> dict[str, int]:
    counts = dict(session.execute(select(Survey.status, func.count()).group_by(Survey.status)).all())
    return {status.value: int(counts.get(status, 0)) for status in SurveyStatus}
