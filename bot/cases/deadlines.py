"""Time limits: when a case must be decided on and resolved, and which cases are late.

Limits come from the district profile per kind, in calendar days, counted on the district's
local calendar: a petition received on 31 January (Beijing time) must be decided on by
15 February. A due date is the last allowed day; the case is overdue from the day after.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from bot.cases.enums import CaseKind, CaseStatus
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.district import TimeLimits, profile_of

# "Due soon" means due within this many days, unless the caller says otherwise.
DUE_SOON_DAYS = 3


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day `moment` falls on in the district."""
    return moment.astimezone(zone).date()


def acceptance_due(received_on: date, limits: TimeLimits) -> date:
    """Last day to decide whether to accept a case received on `received_on`."""
    return received_on + timedelta(days=limits.accept_within_days)


def handling_due(accepted_on: date, limits: TimeLimits) -> date:
    """Last day to resolve a case accepted on `accepted_on`."""
    return accepted_on + timedelta(days=limits.handle_within_days)


def current_due(case: Case) -> date | None:
    """The deadline the case is working towards now, if any."""
    if case.status is CaseStatus.REGISTERED:
        return case.accept_due
    if case.status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
        return case.handle_due
    return None


def is_overdue(case: Case, today: date) -> bool:
    due = current_due(case)
    return due is not None and due < today


def overdue_condition(today: date) -> ColumnElement[bool]:
    """SQL: the case is open and its current deadline has passed."""
    return or_(
        and_(Case.status == CaseStatus.REGISTERED, Case.accept_due < today),
        and_(Case.status.in_([CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS]), Case.handle_due < today),
    )


def due_between_condition(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the case is open and its current deadline falls between `first` and `last`."""
    return or_(
        and_(Case.status == CaseStatus.REGISTERED, Case.accept_due.between(first, last)),
        and_(
            Case.status.in_([CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS]),
            Case.handle_due.between(first, last),
        ),
    )


def today(*, session: Session) -> date:
    """Today in the district, by the database's clock."""
    return local_date(db_now(session=session), profile_of(session).zone)


def overdue(
    *,
    session: Session,
    today: date | None = None,
    township: str | None = None,
    kind: CaseKind | None = None,
) -> Sequence[Case]:
    """Open cases past their current deadline, oldest first."""
    on = today or _today(session)
    statement = select(Case).where(overdue_condition(on))
    return session.scalars(_filtered(statement, township, kind).order_by(Case.id)).all()


def due_soon(
    *,
    session: Session,
    within_days: int = DUE_SOON_DAYS,
    today: date | None = None,
    township: str | None = None,
    kind: CaseKind | None = None,
) -> Sequence[Case]:
    """Open cases whose current deadline is today or within the next `within_days` days."""
    on = today or _today(session)
    statement = select(Case).where(due_between_condition(on, on + timedelta(days=within_days)))
    return session.scalars(_filtered(statement, township, kind).order_by(Case.id)).all()


def _today(session: Session) -> date:
    return today(session=session)


def _filtered(statement: Select[Any], township: str | None, kind: CaseKind | None) -> Select[Any]:
    if township is not None:
        statement = statement.where(Case.township == township)
    if kind is not None:
        statement = statement.where(Case.kind == kind)
    return statement
