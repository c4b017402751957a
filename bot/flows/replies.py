"""A staff member writes to a resident about their case: the outbox item (which keeps it in the
transcript) on the channel the resident can be reached on, and the case's event."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import notices
from bot.cases import events
from bot.cases.actors import ensure_may_act
from bot.cases.enums import EventAction
from bot.cases.errors import MissingReason, NotPermitted
from bot.cases.models import Case
from bot.language import Language
from bot.notices import Notice
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind
from bot.outbox.models import OutboxItem
from bot.residents.reach import reachable_identity
from bot.staff.models import StaffUser

MAX_REPLY_LENGTH = 2000


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
    address = reachable_identity(case.resident, prefer=case.channel)
    if address is None:
        raise NotPermitted(f"case {case.number}: the resident can no longer be reached through the assistant")
    channel, recipient = address
    heading = _reply_heading(case, asking_for_information)
    message = f"{heading}\n{text}"
    item = outbox.enqueue(
        session=session,
        resident=case.resident,
        kind=OutboxKind.STAFF_REPLY,
        body={"replies": [{"text": message, "buttons": []}]},
        channel=channel,
        recipient=recipient,
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
    notice = Notice.STAFF_ASKS_FOR_INFORMATION if asking_for_information else Notice.STAFF_REPLY
    language = case.language if case.language in set(Language) else Language.SIMPLIFIED
    return notices.text(notice, Language(language), number=case.number)
