"""Time limits: when a case must be decided on and resolved, and which cases are late.

Limits come from the district profile per kind, counted on the district's local calendar from
the day after receipt: calendar days (a petition received on 31 January, Beijing time, is due 15
February), or working days where the profile says so (a dispute received on a Friday with a
3-working-day target is due the next Wednesday). A due date is the last allowed day, that day
included; the case is overdue from the day after. A last day that falls on a rest day moves to
the next working day (民法典 Art. 203: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的
最后一日).

Rest days are weekends and China's public holidays, from the `holidays` package (MIT; its China
calendar has the State Council's swapped working days, 调休, for the years announced when the
package was released; later years follow the holiday rules without them), corrected by the
profile's own `calendar` (extra rest days and working days from a newer notice or a local rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from bot.cases.enums import CaseKind, CaseStatus
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.district import Calendar, TimeLimits, profile_of

# "Due soon" means due within this many days, unless the caller says otherwise.
DUE_SOON_DAYS = 3


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day `moment` falls on in the district."""
    return moment.astimezone(zone).date()


@cache
def _national(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def is_rest_day(day: date, calendar: Calendar) -> bool:
    """A weekend day or a public holiday, unless a swapped working day (调休) makes it a working
    day; the profile's own calendar has the last word."""
    if day in calendar.extra_rest_days:
        return True
    if day in calendar.extra_working_days:
        return False
    national = _national(day.year)
    if day in national:
        return True
    return day.weekday() >= 5 and day not in national.weekend_workdays


def next_working_day(day: date, calendar: Calendar) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while is_rest_day(day, calendar):
        day += timedelta(days=1)
    return day


def add_days(start: date, days: int, *, working_days: bool, calendar: Calendar | None) -> date:
    """The last day of a period of `days` counted from the day after `start`. Without a calendar,
    plain calendar days (as the period reads on paper); with one, working days where asked, and a
    last day on a rest day moved to the next working day (民法典 Art. 203)."""
    if calendar is None:
        return start + timedelta(days=days)
    if not working_days:
        return next_working_day(start + timedelta(days=days), calendar)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if not is_rest_day(day, calendar):
            counted += 1
    return day


def acceptance_due(received_on: date, limits: TimeLimits, calendar: Calendar | None = None) -> date:
    """Last day to decide whether to accept a case received on `received_on`."""
    return add_days(
        received_on, limits.accept_within_days, working_days=limits.accept_in_working_days, calendar=calendar
    )


def handling_due(accepted_on: date, limits: TimeLimits, calendar: Calendar | None = None) -> date:
    """Last day to resolve a case accepted on `accepted_on`."""
    return add_days(
        accepted_on, limits.handle_within_days, working_days=limits.handle_in_working_days, calendar=calendar
    )


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def due_text(day: date, language: str | None) -> str:
    """A due date as a resident reads it, the last day included: 2026年12月6日（含当日）, "6 December
    2026, that day included". Traditional Chinese gets the Simplified text, which the gateway
    converts (含當日)."""
    if language == "en":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}, that day included"
    return f"{day.year}年{day.month}月{day.day}日（含当日）"


def period_text(days: int, *, working_days: bool, language: str | None) -> str:
    """ "3 个工作日", "15 天", "3 working days", "15 days"."""
    if language == "en":
        unit = "working day" if working_days else "day"
        return f"{days} {unit}{'' if days == 1 else 's'}"
    return f"{days} 个工作日" if working_days else f"{days} 天"


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
