"""The transcript: recording every message in and out, and linking a conversation to its case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.transcript.enums import Channel, Direction
from bot.transcript.models import Message

if TYPE_CHECKING:
    # Annotations only: the kernel links messages to a resident and a case without importing
    # either domain.
    from bot.cases.models import Case
    from bot.residents.models import Resident


def record(
    *,
    session: Session,
    resident: Resident,
    direction: Direction | Literal["in", "out"],
    channel: Channel | str,
    text: str,
    payload: str | None = None,
    case: Case | None = None,
    buttons: Sequence[Mapping[str, Any]] | None = None,
    flush: bool = True,
) -> Message:
    """Appends one message to the resident's transcript, written at once (it has its id), or with
    `flush=False` at the transaction's next flush: a turn's messages then go in one statement (the
    relay records every turn so)."""
    offered = [
        {"title": str(button.get("title") or ""), "payload": str(button["payload"])}
        for button in buttons or []
        if button.get("payload")
    ]
    message = Message(
        resident=resident,
        direction=Direction(direction),
        channel=Channel(channel),
        text=text,
        payload=payload,
        case=case,
        buttons=offered or None,
    )
    session.add(message)
    if flush:
        session.flush()
    return message


def last_offered(
    *, session: Session, resident: Resident, channel: Channel | str, lookback: int = 10
) -> list[dict[str, str]]:
    """The buttons of the assistant's latest message on this channel, if the resident has not
    written or pressed anything since: what a typed answer now may be answering."""
    recent = session.scalars(
        select(Message)
        .where(Message.resident_id == resident.id, Message.channel == Channel(channel))
        .order_by(Message.id.desc())
        .limit(lookback)
    )
    for message in recent:
        if message.direction is Direction.IN:
            return []
        if message.buttons:
            return list(message.buttons)
    return []


def link_to_case(*, session: Session, case: Case, since: datetime | None = None) -> int:
    """Links the resident's messages not yet tied to a case (those from `since` on) to `case`.

    The intake action calls it right after registering the case, with the time the intake
    started, so staff see the conversation that produced the case. Returns how many it linked.
    """
    statement = update(Message).where(Message.resident_id == case.resident_id, Message.case_id.is_(None))
    if since is not None:
        statement = statement.where(Message.created_at >= since)
    result = cast(
        CursorResult[Any],
        session.execute(statement.values(case_id=case.id).execution_options(synchronize_session="fetch")),
    )
    session.flush()
    return result.rowcount or 0


def for_case(*, session: Session, case: Case) -> Sequence[Message]:
    """The case's conversation, oldest first."""
    return session.scalars(select(Message).where(Message.case_id == case.id).order_by(Message.id)).all()


def for_resident(*, session: Session, resident: Resident, limit: int = 200) -> Sequence[Message]:
    """The resident's latest messages, oldest first."""
    latest = session.scalars(
        select(Message).where(Message.resident_id == resident.id).order_by(Message.id.desc()).limit(limit)
    ).all()
    return list(reversed(latest))


def purge(*, session: Session, older_than: datetime) -> int:
    """Deletes messages older than `older_than` that belong to no case (the retention setting);
    a case keeps its conversation for as long as the case is kept. Returns how many went."""
    result = session.execute(
        delete(Message).where(Message.case_id.is_(None), Message.created_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_resident(*, session: Session, resident: Resident) -> int:
    """Erasure, the transcript's part: the text of the resident's messages (the rows stay, so a
    case keeps the shape of its conversation). Returns how many were blanked."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Message)
            .where(Message.resident_id == resident.id, Message.text.is_not(None))
            .values(text=None, payload=None, buttons=None)
            .execution_options(synchronize_session="fetch"),
        ),
    )
    return result.rowcount or 0
