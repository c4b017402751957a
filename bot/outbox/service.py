"""Putting messages in the outbox and handing web-chat ones to the page that polls for them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from bot import transcript
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents.enums import Channel
from bot.residents.models import Resident

ERASED_RECIPIENT = "-"  # a sent item's recipient after its resident's erasure


def enqueue(
    *,
    session: Session,
    resident: Resident,
    kind: OutboxKind,
    body: dict[str, Any],
    channel: Channel,
    recipient: str,
    case: Case | None = None,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> OutboxItem | None:
    """Queues one message; None if one with the same `dedupe_key` was queued before."""
    if dedupe_key is not None and session.scalar(
        select(OutboxItem.id).where(OutboxItem.dedupe_key == dedupe_key)
    ):
        return None
    item = OutboxItem(
        resident=resident,
        case_id=case.id if case is not None else None,
        kind=kind,
        body=body,
        channel=channel,
        recipient=recipient,
        dedupe_key=dedupe_key,
    )
    if due_at is not None:
        item.due_at = due_at
    session.add(item)
    session.flush()
    # A written message is in the transcript from the moment it is queued, so staff see what was
    # said at once; one that Rasa writes on delivery (a survey) enters it when it is delivered.
    _to_transcript(session, item, body.get("replies") or [])
    return item


def _to_transcript(session: Session, item: OutboxItem, replies: list[dict[str, Any]]) -> None:
    for reply in replies:
        transcript.record(
            session=session,
            resident=item.resident,
            direction="out",
            channel=item.channel,
            text=str(reply.get("text") or ""),
            case=item.case,
            buttons=reply.get("buttons"),
        )


def mark_sent(*, session: Session, item: OutboxItem) -> None:
    """The item reached the resident. Replies Rasa wrote for it on delivery (a survey) enter the
    transcript now; written ones did when they were queued."""
    item.status = OutboxStatus.SENT
    item.sent_at = db_now(session=session)
    if "intent" in item.body:
        _to_transcript(session, item, item.body.get("replies") or [])


def _due_for_web(session: Session, recipient: str) -> Select[OutboxItem]:
    return select(OutboxItem).where(
        OutboxItem.channel == Channel.WEB,
        OutboxItem.recipient == recipient,
        OutboxItem.status.in_([OutboxStatus.PENDING, OutboxStatus.AWAITING_PICKUP]),
        OutboxItem.due_at <= db_now(session=session),
    )


def any_for_web(*, session: Session, recipient: str) -> bool:
    """Whether anything is due for this web-chat resident (a read: the page polls every few
    seconds, and nearly always finds nothing)."""
    return session.scalar(select(_due_for_web(session, recipient).exists())) or False


def take_for_web(*, session: Session, recipient: str) -> list[dict[str, Any]]:
    """The replies waiting for a web-chat resident, oldest first, marked sent as they are handed over.

    Items written as replies are handed over once due; items that need Rasa wait for the
    dispatcher to render them first (status awaiting_pickup).
    """
    items = session.scalars(_due_for_web(session, recipient).order_by(OutboxItem.due_at, OutboxItem.id)).all()
    replies: list[dict[str, Any]] = []
    for item in items:
        if item.status is OutboxStatus.PENDING and "replies" not in item.body:
            continue
        replies.extend(item.body["replies"])
        mark_sent(session=session, item=item)
    session.flush()
    return replies


def failed(*, session: Session, limit: int = 100, case: Case | None = None) -> list[OutboxItem]:
    """Messages the dispatcher gave up on (about `case`, if given), newest first, for staff to see
    and act on."""
    statement = select(OutboxItem).where(OutboxItem.status == OutboxStatus.FAILED)
    if case is not None:
        statement = statement.where(OutboxItem.case_id == case.id)
    return list(session.scalars(statement.order_by(OutboxItem.id.desc()).limit(limit)).all())


def forget_resident(*, session: Session, resident: Resident) -> None:
    """Erasure, this domain's part: messages not yet delivered go (they could not reach an erased
    resident anyway); sent ones stay as delivery records (kind, channel, times) with their body
    and recipient blanked."""
    session.execute(
        delete(OutboxItem).where(
            OutboxItem.resident_id == resident.id,
            OutboxItem.status.in_([OutboxStatus.PENDING, OutboxStatus.AWAITING_PICKUP, OutboxStatus.FAILED]),
        )
    )
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.resident_id == resident.id)
        .values(body={}, recipient=ERASED_RECIPIENT)
        .execution_options(synchronize_session=False)
    )


def status_counts(*, session: Session, kind: OutboxKind, dedupe_prefix: str) -> dict[str, int]:
    """How the items of `kind` whose dedupe key starts with `dedupe_prefix` stand, per status
    (every status named, 0 when none)."""
    rows = session.execute(
        select(OutboxItem.status, func.count())
        .where(OutboxItem.kind == kind, OutboxItem.dedupe_key.startswith(dedupe_prefix, autoescape=True))
        .group_by(OutboxItem.status)
    ).all()
    counts: Counter[str] = Counter({status.value: 0 for status in OutboxStatus})
    for status, count in rows:
        counts[OutboxStatus(status).value] = int(count)
    return dict(counts)
