"""Erasing a resident's personal data at their request.

What goes: their name and phone, their chat identities (so the next message starts a new,
empty resident), guardianships, consent, the text of their messages, the files they sent, and
on each of their cases the contact phone, ID number and other party, with phone and ID numbers
masked inside the free-text fields. What stays: the cases' facts (kind, category, township,
village, title, dates, statuses, outcome, events), so the centre's figures do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.cases import attachments, events
from bot.cases.actors import Actor
from bot.cases.enums import EventAction
from bot.cases.models import Attachment, Case
from bot.config import Settings
from bot.conversation.models import Message
from bot.db.clock import db_now
from bot.residents.models import Guardianship, Resident
from bot.residents.privacy import redact


@dataclass(frozen=True)
class ErasureReport:
    cases: int
    messages: int
    attachments: int


def _forget_elsewhere(session: Session, resident: Resident) -> None:
    """What other parts keep about the resident: warning subscriptions, guardian codes, messages
    not yet delivered (they could not reach an erased resident anyway), survey plans."""
    from bot.followups import service as followups
    from bot.outbox.enums import OutboxStatus
    from bot.outbox.models import OutboxItem
    from bot.scams.models import AlertSubscription, GuardianInvite

    session.execute(delete(AlertSubscription).where(AlertSubscription.resident_id == resident.id))
    session.execute(delete(GuardianInvite).where(GuardianInvite.resident_id == resident.id))
    session.execute(
        delete(OutboxItem).where(
            OutboxItem.resident_id == resident.id,
            OutboxItem.status.in_([OutboxStatus.PENDING, OutboxStatus.AWAITING_PICKUP, OutboxStatus.FAILED]),
        )
    )
    followups.opt_out(session=session, resident=resident)


def erase(*, session: Session, settings: Settings, resident: Resident, actor: Actor) -> ErasureReport:
    """Erases the resident's personal data; each of their cases records that it happened."""
    resident.name = None
    resident.phone = None
    resident.consent_at = None
    resident.consent_notice_version = None
    resident.identities.clear()
    resident.guardianships.clear()
    # Also the links where they are someone else's guardian.
    session.execute(delete(Guardianship).where(Guardianship.guardian_id == resident.id))
    _forget_elsewhere(session, resident)
    resident.erased_at = db_now(session=session)

    cases = session.scalars(select(Case).where(Case.resident_id == resident.id).order_by(Case.id)).all()
    for case in cases:
        case.contact_phone = None
        case.id_number = None
        case.other_party = None
        case.description = redact(case.description)
        if case.request is not None:
            case.request = redact(case.request)
        if case.resolution is not None:
            case.resolution = redact(case.resolution)
        for note in case.notes:
            note.text = redact(note.text)
        events.record(session=session, case=case, action=EventAction.PERSONAL_DATA_ERASED, actor=actor)

    messages = cast(
        CursorResult[Any],
        session.execute(
            update(Message)
            .where(Message.resident_id == resident.id, Message.text.is_not(None))
            .values(text=None, payload=None)
            .execution_options(synchronize_session="fetch"),
        ),
    )
    files = session.scalars(
        select(Attachment).where(Attachment.resident_id == resident.id, Attachment.path.is_not(None))
    ).all()
    for attachment in files:
        attachments.delete(session=session, settings=settings, attachment=attachment)
    session.flush()
    return ErasureReport(cases=len(cases), messages=messages.rowcount or 0, attachments=len(files))
