"""Open and overdue cases by township, read at a metrics scrape (bot/metrics.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cases import deadlines
from bot.cases.enums import OPEN_STATUSES
from bot.cases.models import Case


@dataclass(frozen=True)
class TownshipLoad:
    open: int
    overdue: int


def open_by_township(*, session: Session) -> dict[str, TownshipLoad]:
    today = deadlines.today(session=session)
    rows = session.execute(
        select(
            Case.township,
            func.count(),
            func.sum(when((deadlines.overdue_condition(today), 1), else_=0)),
        )
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(Case.township)
    ).all()
    return {
        str(township or "-"): TownshipLoad(open=int(count), overdue=int(overdue or 0))
        for township, count, overdue in rows
    }
