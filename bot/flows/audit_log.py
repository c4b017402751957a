"""The audit log page: the staff's own audit entries and the case events staff made, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.enums import EventAction
from bot.cases.models import Case, CaseEvent
from bot.staff.models import AuditEntry, StaffUser


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
