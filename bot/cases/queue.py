"""The staff queue: its filters, its order, one page of it, and the same selection for exports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from bot.cases import scope
from bot.cases.deadlines import current_due, is_overdue
from bot.cases.deadlines import today as district_today
from bot.cases.enums import OPEN_STATUSES, CaseCategory, CaseKind, CaseSource, CaseStatus
from bot.cases.models import Case
from bot.district import profile_of
from bot.staff.models import StaffUser

PER_PAGE = 25
EXPORT_LIMIT = 10_000


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


_Blank = BeforeValidator(_blank_to_none)


class CaseFilter(BaseModel):
    """The queue's filters, as the form and the API send them (blank fields mean no filter)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    status: Annotated[CaseStatus | None, _Blank] = None
    kind: Annotated[CaseKind | None, _Blank] = None
    township: Annotated[str | None, _Blank] = None
    category: Annotated[CaseCategory | None, _Blank] = None
    # How the cases came in (chat, walk_in, phone, patrol, letter).
    source: Annotated[CaseSource | None, _Blank] = None
    # Received from this day to that day, both included (the district's calendar).
    received_from: Annotated[date | None, _Blank] = None
    received_to: Annotated[date | None, _Blank] = None
    # Part of the number, the title or the description.
    text: Annotated[str | None, _Blank] = Field(default=None, max_length=100)
    page: int = Field(default=1, ge=1, le=100_000)

    def query(self, page: int | None = None) -> str:
        """These filters as a query string (for links to other pages and to the exports)."""
        values = {
            name: value
            for name, value in self.model_dump(mode="json", exclude={"page"}).items()
            if value is not None
        }
        if page is not None:
            values["page"] = page
        return urlencode(values)

    def describe(self) -> str:
        """For the audit log: the filters that were set."""
        parts = [
            f"{name}={value}"
            for name, value in self.model_dump(mode="json", exclude={"page"}).items()
            if value is not None
        ]
        return ", ".join(parts) or "all"


@dataclass(frozen=True)
class QueueRow:
    case: Case
    due: date | None
    days_left: int | None
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    today: date


def _start_of(day: date, session: Session) -> datetime:
    return datetime.combine(day, time(), tzinfo=profile_of(session).zone).astimezone(UTC)


def scoped(session: Session, staff: StaffUser | None, filters: CaseFilter) -> Select[Case]:
    """The cases within `staff`'s township scope (None: the whole district) that match the filters."""
    statement = select(Case)
    if staff is not None:
        statement = statement.where(scope.visible(staff))
    if filters.township is not None:
        statement = statement.where(Case.township == filters.township)
    if filters.status is not None:
        statement = statement.where(Case.status == filters.status)
    if filters.kind is not None:
        statement = statement.where(Case.kind == filters.kind)
    if filters.category is not None:
        statement = statement.where(Case.category == filters.category)
    if filters.source is not None:
        statement = statement.where(Case.source == filters.source)
    if filters.received_from is not None:
        statement = statement.where(Case.created_at >= _start_of(filters.received_from, session))
    if filters.received_to is not None:
        statement = statement.where(
            Case.created_at < _start_of(filters.received_to + timedelta(days=1), session)
        )
    if filters.text is not None:
        statement = statement.where(
            or_(
                Case.number.icontains(filters.text, autoescape=True),
                Case.title.icontains(filters.text, autoescape=True),
                Case.description.icontains(filters.text, autoescape=True),
            )
        )
    return statement


def queue_order(statement: Select[Case]) -> Select[Case]:
    # Open urgent cases on top (a resident who was just cheated); then new cases, the one whose
    # decision is due soonest first; then the rest, newest first.
    open_urgent = sql_case((and_(Case.urgent.is_(True), Case.status.in_(OPEN_STATUSES)), 0), else_=1)
    waiting = sql_case((Case.status == CaseStatus.REGISTERED, 0), else_=1)
    due = sql_case((Case.status == CaseStatus.REGISTERED, Case.accept_due), else_=None)
    return statement.order_by(open_urgent, waiting, due, Case.id.desc())


def queue(*, session: Session, staff: StaffUser, filters: CaseFilter, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the cases within the staff member's scope that match the filters."""
    statement = scoped(session, staff, filters)
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    found = session.scalars(queue_order(statement).limit(per_page).offset((page - 1) * per_page)).all()
    today = district_today(session=session)
    rows = []
    for case in found:
        due = current_due(case)
        rows.append(
            QueueRow(
                case=case,
                due=due,
                days_left=None if due is None else (due - today).days,
                overdue=is_overdue(case, today),
            )
        )
    return QueuePage(rows=rows, total=total, page=page, pages=pages, today=today)


def for_export(*, session: Session, staff: StaffUser | None, filters: CaseFilter) -> Sequence[Case]:
    """The filtered cases in queue order, at most EXPORT_LIMIT (`staff` None: the whole district)."""
    return session.scalars(queue_order(scoped(session, staff, filters)).limit(EXPORT_LIMIT)).all()
