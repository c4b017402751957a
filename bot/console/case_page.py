"""The case page: everything it shows and which actions the staff member may take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot import transcript
from bot.cases import attachments
from bot.cases.deadlines import current_due, is_overdue
from bot.cases.deadlines import today as district_today
from bot.cases.enums import CaseStatus
from bot.cases.models import Attachment, Case
from bot.cases.schemas import CaseDetail, TranscriptLine
from bot.cases.transitions import allowed_targets
from bot.staff import audit
from bot.staff import service as staff_service
from bot.staff.audit import AuditAction
from bot.staff.models import StaffUser


@dataclass(frozen=True)
class CaseView:
    case: Case
    detail: CaseDetail
    transcript: Sequence[TranscriptLine]  # ID and phone numbers masked
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
    assignable = (
        staff_service.active_for_township(session=session, township=case.township)
        if staff.role.is_senior
        else [staff]
    )
    ids = {event.actor_staff_id for event in case.events} | {note.author_id for note in case.notes}
    ids |= {case.assigned_to_id} if case.assigned_to_id else set()
    ids |= {case.registered_by_id, case.consent_recorded_by_id} - {None}
    names = staff_service.display_names(session=session, ids=ids)
    return CaseView(
        case=case,
        detail=CaseDetail.model_validate(case),
        transcript=[
            TranscriptLine.model_validate(m) for m in transcript.for_case(session=session, case=case)
        ],
        attachments=attachments.of_case(session=session, case=case),
        targets=allowed_targets(case.status, staff.role.actor_role),
        assignable=assignable,
        staff_names=names,
        due=due,
        days_left=None if due is None else (due - today).days,
        overdue=is_overdue(case, today),
    )


def attachment_of(*, session: Session, case: Case, attachment_id: int, staff: StaffUser) -> Attachment:
    """One of the case's attachments; opening it is written to the audit log."""
    attachment = attachments.get_of_case(session=session, case=case, attachment_id=attachment_id)
    audit.record(
        session=session,
        action=AuditAction.ATTACHMENT_OPENED,
        staff=staff,
        target=case.number,
        detail=f"attachment #{attachment.id}",
    )
    return attachment
