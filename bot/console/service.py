"""The console's reads and writes that are not the case store's own: the queue with its filters,
the case page, replies to residents, figures for charts, exports, staff accounts, the audit log.

Keyword-only, the session first, no commit (the route's transaction commits). Every change to a
case goes through `bot.cases.service` or `bot.cases.transitions`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from bot import transcript
from bot.cases import events
from bot.cases.actors import ensure_may_act
from bot.cases.deadlines import current_due, is_overdue
from bot.cases.deadlines import today as district_today
from bot.cases.enums import CaseCategory, CaseKind, CaseStatus, EventAction
from bot.cases.errors import MissingReason, NotPermitted
from bot.cases.figures import Figures, Period
from bot.cases.models import Attachment, Case, CaseEvent
from bot.cases.schemas import CaseDetail
from bot.cases.transitions import allowed_targets
from bot.db.errors import NotFound
from bot.district import profile_of
from bot.flows.figures import figures, figures_by
from bot.followups import service as followups
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind
from bot.outbox.models import OutboxItem
from bot.staff import audit
from bot.staff import service as staff_service
from bot.staff.audit import AuditAction
from bot.staff.auth import end_all_sessions, revoke_tokens
from bot.staff.enums import StaffRole
from bot.staff.models import AuditEntry, StaffUser
from bot.transcript.models import Message

PER_PAGE = 25
EXPORT_LIMIT = 10_000
SENIOR_ROLES = frozenset({StaffRole.SUPERVISOR, StaffRole.ADMIN})
MAX_REPLY_LENGTH = 2000


def is_senior(staff: StaffUser) -> bool:
    """Supervisors and admins: district-wide work, reopening, reassigning, the figures."""
    return staff.role in SENIOR_ROLES


def is_admin(staff: StaffUser) -> bool:
    return staff.role is StaffRole.ADMIN


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


def _scoped(session: Session, staff: StaffUser | None, filters: CaseFilter) -> Select[Case]:
    statement = select(Case)
    if staff is not None and staff.township is not None:
        statement = statement.where(Case.township == staff.township)
    if filters.township is not None:
        statement = statement.where(Case.township == filters.township)
    if filters.status is not None:
        statement = statement.where(Case.status == filters.status)
    if filters.kind is not None:
        statement = statement.where(Case.kind == filters.kind)
    if filters.category is not None:
        statement = statement.where(Case.category == filters.category)
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


OPEN_STATUSES = (CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS)


def _queue_order(statement: Select[Case]) -> Select[Case]:
    # Open urgent cases on top (a resident who was just cheated); then new cases, the one whose
    # decision is due soonest first; then the rest, newest first.
    open_urgent = sql_case((and_(Case.urgent.is_(True), Case.status.in_(OPEN_STATUSES)), 0), else_=1)
    waiting = sql_case((Case.status == CaseStatus.REGISTERED, 0), else_=1)
    due = sql_case((Case.status == CaseStatus.REGISTERED, Case.accept_due), else_=None)
    return statement.order_by(open_urgent, waiting, due, Case.id.desc())


def queue(*, session: Session, staff: StaffUser, filters: CaseFilter, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the cases within the staff member's scope that match the filters."""
    statement = _scoped(session, staff, filters)
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    found = session.scalars(_queue_order(statement).limit(per_page).offset((page - 1) * per_page)).all()
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


# The case page


@dataclass(frozen=True)
class CaseView:
    case: Case
    detail: CaseDetail
    transcript: Sequence[Message]
    attachments: Sequence[Attachment]
    targets: list[CaseStatus]
    assignable: Sequence[StaffUser]
    staff_names: dict[int, str]
    due: date | None
    days_left: int | None
    overdue: bool
    revealed: dict[str, str | None] = field(default_factory=dict)


def case_view(*, session: Session, case: Case, staff: StaffUser) -> CaseView:
    """Everything the case page shows: facts (masked), transcript, events, notes, attachments,
    and which actions this staff member may take."""
    today = district_today(session=session)
    due = current_due(case)
    if is_senior(staff):
        assignable = session.scalars(
            select(StaffUser)
            .where(
                StaffUser.active.is_(True),
                or_(StaffUser.township.is_(None), StaffUser.township == case.township),
            )
            .order_by(StaffUser.username)
        ).all()
    else:
        assignable = [staff]
    ids = {event.actor_staff_id for event in case.events} | {note.author_id for note in case.notes}
    ids |= {case.assigned_to_id} if case.assigned_to_id else set()
    names = {
        row.id: row.display_name or row.username
        for row in session.scalars(select(StaffUser).where(StaffUser.id.in_([i for i in ids if i])))
    }
    return CaseView(
        case=case,
        detail=CaseDetail.model_validate(case),
        transcript=transcript.for_case(session=session, case=case),
        attachments=session.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        ).all(),
        targets=allowed_targets(case.status, staff.role.actor_role),
        assignable=assignable,
        staff_names=names,
        due=due,
        days_left=None if due is None else (due - today).days,
        overdue=is_overdue(case, today),
    )


def attachment_of(*, session: Session, case: Case, attachment_id: int, staff: StaffUser) -> Attachment:
    """One of the case's attachments; opening it is written to the audit log."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id or attachment.path is None:
        raise NotFound(f"case {case.number}: no attachment #{attachment_id}")
    audit.record(
        session=session,
        action=AuditAction.ATTACHMENT_OPENED,
        staff=staff,
        target=case.number,
        detail=f"attachment #{attachment.id}",
    )
    return attachment


def reply_to_resident(
    *, session: Session, case: Case, staff: StaffUser, text: str, asking_for_information: bool = False
) -> OutboxItem:
    """Sends `text` to the resident on the channel the case came in on (through the outbox, which
    keeps it in the transcript) and records it on the case."""
    ensure_may_act(staff.actor, case)
    text = text.strip()
    if not text:
        raise MissingReason(f"case {case.number}: a reply needs text")
    if len(text) > MAX_REPLY_LENGTH:
        raise MissingReason(f"case {case.number}: a reply is at most {MAX_REPLY_LENGTH} characters")
    identities = case.resident.identities
    identity = next((item for item in identities if item.channel == case.channel), None) or next(
        iter(identities), None
    )
    if identity is None:
        raise NotPermitted(f"case {case.number}: the resident can no longer be reached through the assistant")
    heading = _reply_heading(case, asking_for_information)
    message = f"{heading}\n{text}"
    item = outbox.enqueue(
        session=session,
        resident=case.resident,
        kind=OutboxKind.STAFF_REPLY,
        body={"replies": [{"text": message, "buttons": []}]},
        channel=identity.channel,
        recipient=identity.external_id,
        case=case,
    )
    assert item is not None  # no dedupe key: never skipped (the outbox also puts it in the transcript)
    events.record(
        session=session,
        case=case,
        action=EventAction.INFORMATION_REQUESTED if asking_for_information else EventAction.REPLIED,
        actor=staff.actor,
        note=text,
    )
    session.flush()
    return item


def _reply_heading(case: Case, asking_for_information: bool) -> str:
    if case.language == "en":
        what = "asks for more information" if asking_for_information else "replies"
        return f"[Case {case.number}] The comprehensive governance centre {what}:"
    traditional = case.language == "zh-Hant"
    if asking_for_information:
        ask = "綜治中心請您補充材料：" if traditional else "综治中心请您补充材料："
        return f"【案件 {case.number}】{ask}"
    return f"【案件 {case.number}】" + ("綜治中心回覆：" if traditional else "综治中心回复：")


# Figures


@dataclass(frozen=True)
class FiguresReport:
    period: Period
    township: str | None
    total: Figures
    by_month: list[tuple[str, Figures]]
    by_category: list[Figures]
    by_township: list[Figures]
    survey_answers: list[SurveyAnswer]


@dataclass(frozen=True)
class SurveyAnswer:
    case_number: str
    answered_at: datetime
    satisfied: bool
    comment: str | None


MAX_MONTHS = 36


def months_of(period: Period) -> list[tuple[str, Period]]:
    """The calendar months the period touches, each cut to the period (at most MAX_MONTHS)."""
    months: list[tuple[str, Period]] = []
    year, month = period.start.year, period.start.month
    while len(months) < MAX_MONTHS:
        whole = Period.month(year, month)
        if whole.start >= period.end:
            break
        months.append(
            (f"{year}-{month:02d}", Period(max(whole.start, period.start), min(whole.end, period.end)))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def figures_report(*, session: Session, period: Period, township: str | None) -> FiguresReport:
    """受理数, 办结数, 办结率, 化解率, 满意率 and overdue for the period, with the series the charts draw."""
    return FiguresReport(
        period=period,
        township=township,
        total=figures(session=session, period=period, township=township),
        by_month=[
            (label, figures(session=session, period=part, township=township))
            for label, part in months_of(period)
        ],
        by_category=figures_by(session=session, by="category", period=period, township=township),
        by_township=figures_by(session=session, by="township", period=period, township=township),
        survey_answers=survey_answers(session=session, period=period, township=township),
    )


def survey_answers(*, session: Session, period: Period, township: str | None) -> list[SurveyAnswer]:
    """Follow-up survey answers with their comments about the period's cases, newest first."""
    surveys = followups.answers(session=session, period=period, township=township)
    return [
        SurveyAnswer(
            case_number=survey.case.number,
            answered_at=survey.answered_at or survey.created_at,
            satisfied=survey.rating is not None and survey.rating.counts_as_satisfied,
            comment=survey.comment,
        )
        for survey in surveys
    ]


def default_period(*, session: Session) -> Period:
    """From the first day of this year to today, both included."""
    today = district_today(session=session)
    return Period(date(today.year, 1, 1), today + timedelta(days=1))


# Exports


EXPORT_COLUMNS = (
    "number",
    "kind",
    "category",
    "status",
    "township",
    "village",
    "title",
    "received",
    "accept_due",
    "handle_due",
    "assigned_to",
    "urgent",
    "elderly",
    "outcome",
    "resolved",
)


def export_rows(
    *, session: Session, staff: StaffUser | None, filters: CaseFilter, channel: str = "console"
) -> list[dict[str, Any]]:
    """The filtered case list for a spreadsheet (no personal data); the export is audited.

    `staff` None is the command line, which sees the whole district.
    """
    zone = profile_of(session).zone
    cases = session.scalars(_queue_order(_scoped(session, staff, filters)).limit(EXPORT_LIMIT)).all()
    names = {row.id: row.username for row in session.scalars(select(StaffUser))}
    rows = [
        {
            "number": case.number,
            "kind": case.kind.value,
            "category": case.category.value,
            "status": case.status.value,
            "township": case.township,
            "village": case.village or "",
            "title": case.title,
            "received": case.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "accept_due": case.accept_due.isoformat(),
            "handle_due": case.handle_due.isoformat() if case.handle_due else "",
            "assigned_to": names.get(case.assigned_to_id, "") if case.assigned_to_id else "",
            "urgent": "yes" if case.urgent else "",
            "elderly": "yes" if case.elderly else "",
            "outcome": case.outcome.value if case.outcome else "",
            "resolved": case.resolved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if case.resolved_at
            else "",
        }
        for case in cases
    ]
    audit.record(
        session=session,
        action=AuditAction.CASES_EXPORTED,
        staff=staff,
        username=None if staff is not None else "cli",
        target=filters.describe(),
        detail=f"{len(rows)} cases ({channel})",
    )
    return rows


# Staff accounts (admins)


def list_staff(*, session: Session) -> Sequence[StaffUser]:
    return session.scalars(select(StaffUser).order_by(StaffUser.username)).all()


def get_staff(*, session: Session, staff_id: int) -> StaffUser:
    found = session.get(StaffUser, staff_id)
    if found is None:
        raise NotFound(f"no staff member #{staff_id}")
    return found


def add_staff(
    *,
    session: Session,
    username: str,
    password: str,
    role: StaffRole | str,
    township: str | None,
    display_name: str | None = None,
    by: StaffUser | None = None,
) -> StaffUser:
    """Adds a staff account; a caseworker must belong to a township."""
    if str(role) == StaffRole.CASEWORKER.value and not township:
        raise staff_service.InvalidStaff("township: a caseworker works in one township; name it")
    added = staff_service.create(
        session=session,
        username=username,
        password=password,
        role=role,
        township=township or None,
        display_name=display_name or None,
    )
    audit.record(
        session=session,
        action=AuditAction.STAFF_ADDED,
        staff=by,
        username=None if by is not None else "cli",
        target=added.username,
        detail=f"{added.role.value} {added.township or 'district'}",
    )
    return added


def set_active(*, session: Session, target: StaffUser, active: bool, by: StaffUser) -> None:
    """Deactivating ends the account's sessions; its tokens stop working while it is inactive."""
    if target.id == by.id and not active:
        raise NotPermitted("an admin cannot deactivate their own account")
    target.active = active
    if not active:
        end_all_sessions(session=session, staff=target)
    audit.record(
        session=session,
        action=AuditAction.STAFF_ACTIVATED if active else AuditAction.STAFF_DEACTIVATED,
        staff=by,
        target=target.username,
    )
    session.flush()


def reset_password(*, session: Session, target: StaffUser, password: str, by: StaffUser) -> None:
    staff_service.set_password(session=session, staff=target, password=password)
    end_all_sessions(session=session, staff=target)
    audit.record(session=session, action=AuditAction.PASSWORD_RESET, staff=by, target=target.username)


def revoke_staff_tokens(*, session: Session, target: StaffUser, by: StaffUser) -> int:
    count = revoke_tokens(session=session, staff=target)
    audit.record(
        session=session,
        action=AuditAction.TOKENS_REVOKED,
        staff=by,
        target=target.username,
        detail=str(count),
    )
    return count


# The audit log (admins)


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    username: str
    action: str
    target: str | None
    detail: str | None
    address: str | None = None


def audit_log(
    *, session: Session, page: int = 1, per_page: int = 50, username: str | None = None
) -> tuple[list[AuditRow], bool]:
    """Who did what, and when: console entries and staff-made case events, newest first.

    Returns the page and whether there is a next one.
    """
    depth = page * per_page + 1
    entries = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(depth)
    case_events = (
        select(CaseEvent, Case.number, StaffUser.username)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(StaffUser, StaffUser.id == CaseEvent.actor_staff_id)
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        .limit(depth)
    )
    if username:
        entries = entries.where(AuditEntry.username == username.strip().lower())
        case_events = case_events.where(StaffUser.username == username.strip().lower())
    rows = [
        AuditRow(entry.created_at, entry.username, entry.action, entry.target, entry.detail, entry.address)
        for entry in session.scalars(entries)
    ]
    for event, number, name in session.execute(case_events):
        action = event.action.value
        if event.new_status is not None and event.action is EventAction.STATUS_CHANGED:
            action = f"{action}:{event.new_status.value}"
        rows.append(AuditRow(event.created_at, name, action, number, event.note))
    rows.sort(key=lambda row: row.at, reverse=True)
    start = (page - 1) * per_page
    return rows[start : start + per_page], len(rows) > start + per_page
