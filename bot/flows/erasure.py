"""Erasing a resident's personal data at their request, over every domain.

What goes: their name and phone, their chat identities (so the next message starts a new,
empty resident), guardianships, consent, the text of their messages, their conversations in
Rasa's tracker store (every message and slot), the files they sent, warning subscriptions and
guardian codes, undelivered messages and the bodies of delivered ones, survey plans and survey
comments, what staff wrote to them (kept on the case's events), and on each of their cases the
contact phone, ID number and other party, with phone and ID numbers masked inside the free-text
fields. What stays: the cases' facts (kind, category, township, village, title, dates,
statuses, outcome, events), so the centre's figures do not change.

Each domain forgets its own rows (`forget_resident`). `RESIDENT_TABLES` says, for every table
with a column that points at a resident, who forgets it or why it stays; a test fails when a
new table is missing from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import transcript
from bot.actors import Actor
from bot.cases import attachments
from bot.cases import service as cases
from bot.config import Settings
from bot.db import tracker_store
from bot.followups import service as followups
from bot.outbox import service as outbox
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.scams import guardians

# table → what erasure does with its rows about the resident.
RESIDENT_TABLES: dict[str, str] = {
    "residents": "residents.forget_resident: personal fields cleared; the row stays for the figures",
    "channel_identities": "residents.forget_resident: deleted",
    "guardianships": "residents.forget_resident: deleted, both as resident and as guardian",
    "cases": "cases.forget_resident: contact, ID number, other party cleared; free text masked",
    "case_events": "cases.forget_resident: staff replies' notes cleared, other notes masked; an event"
    " records the erasure",
    "attachments": "attachments.forget_resident: files deleted",
    "claim_attempts": "cases.forget_resident: deleted",
    "messages": "transcript.forget_resident: text and payload cleared",
    "outbox": "outbox.forget_resident: undelivered items deleted, delivered ones' body and recipient cleared",
    "surveys": "followups.forget_resident: open and scheduled surveys cancelled, comments cleared",
    "survey_opt_outs": "followups.forget_resident: an opt-out added (never surveyed again)",
    "scam_alert_subscriptions": "guardians.forget_resident: deleted",
    "guardian_invites": "guardians.forget_resident: deleted",
}


@dataclass(frozen=True)
class ErasureReport:
    cases: int
    messages: int
    attachments: int
    # Rasa's conversation ids (`<channel>:<sender>`) whose tracker events were deleted.
    conversations: tuple[str, ...] = ()


def conversation_ids(resident: Resident) -> tuple[str, ...]:
    """Rasa's ids of the resident's conversations, one per chat identity."""
    return tuple(f"{identity.channel.value}:{identity.external_id}" for identity in resident.identities)


def erase(*, session: Session, settings: Settings, resident: Resident, actor: Actor) -> ErasureReport:
    """Erases the resident's personal data; each of their cases records that it happened."""
    conversations = conversation_ids(resident)  # before the identities go
    residents.forget_resident(session=session, resident=resident)
    guardians.forget_resident(session=session, resident=resident)
    outbox.forget_resident(session=session, resident=resident)
    followups.forget_resident(session=session, resident=resident)
    residents.mark_erased(session=session, resident=resident)
    case_count = cases.forget_resident(session=session, resident=resident, actor=actor)
    message_count = transcript.forget_resident(session=session, resident=resident)
    file_count = attachments.forget_resident(session=session, settings=settings, resident=resident)
    session.flush()
    tracker_store.forget_conversations(settings=settings, conversation_ids=conversations)
    return ErasureReport(
        cases=case_count, messages=message_count, attachments=file_count, conversations=conversations
    )
