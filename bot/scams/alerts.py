"""Scam warnings: residents subscribe by township, staff publish, the outbox delivers.

A published alert becomes one outbox item per subscribed resident (dedupe key
`alert:<alert id>:<resident id>`), so a resident subscribed to two of the alert's townships gets
it once, and publishing twice cannot send it twice. Delivery counts are read back from the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.errors import DomainError, NotFound
from bot.district import profile_of
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind
from bot.residents.models import Resident
from bot.residents.reach import is_english, reachable_identity
from bot.scams import rules
from bot.scams.models import AlertSubscription, ScamAlert
from bot.staff.models import StaffUser

MAX_ALERT_TEXT = 1000


class InvalidAlert(DomainError):
    code = "invalid_alert"


def _check_township(session: Session, township: str | None) -> None:
    if township is not None and profile_of(session).township(township) is None:
        raise InvalidAlert(f"township: {township!r} is not in the district profile")


def subscribe(*, session: Session, resident: Resident, township: str | None) -> AlertSubscription:
    """Subscribes the resident to warnings for a township (None: every township); idempotent."""
    _check_township(session, township)
    found = session.scalar(
        select(AlertSubscription).where(
            AlertSubscription.resident_id == resident.id,
            AlertSubscription.township.is_(None)
            if township is None
            else AlertSubscription.township == township,
        )
    )
    if found is not None:
        return found
    subscription = AlertSubscription(resident_id=resident.id, township=township)
    session.add(subscription)
    session.flush()
    return subscription


def unsubscribe(*, session: Session, resident: Resident) -> int:
    """Ends every subscription of the resident; returns how many there were."""
    result = session.execute(delete(AlertSubscription).where(AlertSubscription.resident_id == resident.id))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def subscriptions_of(*, session: Session, resident: Resident) -> Sequence[AlertSubscription]:
    return session.scalars(
        select(AlertSubscription)
        .where(AlertSubscription.resident_id == resident.id)
        .order_by(AlertSubscription.id)
    ).all()


def is_subscribed(*, session: Session, resident: Resident) -> bool:
    return bool(
        session.scalar(
            select(AlertSubscription.id).where(AlertSubscription.resident_id == resident.id).limit(1)
        )
    )


def alert_text(alert: ScamAlert, *, english: bool) -> str:
    """What a subscriber reads: the warning, its fraud type, and how to stop the warnings."""
    known = rules.BY_KEY.get(alert.fraud_type or "")
    if english:
        body = alert.text_en or alert.text
        kind = f" ({known.en})" if known else ""
        return f'⚠ Scam warning from the district centre{kind}:\n{body}\nSay "stop scam alerts" to stop these warnings.'  # noqa: E501
    kind = f"（{known.zh}）" if known else ""
    return f"⚠ 区综治中心防骗预警{kind}：\n{alert.text}\n不想再收预警，回复「退订预警」即可。"


def publish(
    *,
    session: Session,
    staff: StaffUser | None,
    text: str,
    fraud_type: str | None,
    townships: Sequence[str],
    text_en: str | None = None,
) -> ScamAlert:
    """Records the alert and queues it for every reachable subscriber of its townships."""
    text = text.strip()
    if not text or len(text) > MAX_ALERT_TEXT:
        raise InvalidAlert(f"text: 1 to {MAX_ALERT_TEXT} characters")
    if fraud_type is not None and fraud_type not in rules.BY_KEY:
        raise InvalidAlert(f"fraud_type: {fraud_type!r} is not a known fraud type")
    chosen = sorted(set(townships))
    for township in chosen:
        _check_township(session, township)
    if staff is not None and staff.township is not None and chosen != [staff.township]:
        raise InvalidAlert(f"townships: a caseworker of {staff.township} may warn only {staff.township}")
    alert = ScamAlert(
        text=text,
        text_en=(text_en or "").strip() or None,
        fraud_type=fraud_type,
        townships=chosen,
        published_by_id=staff.id if staff is not None else None,
    )
    session.add(alert)
    session.flush()

    statement = select(AlertSubscription).order_by(AlertSubscription.id)
    if chosen:
        # Whole-district subscribers hear about every township.
        statement = statement.where(
            AlertSubscription.township.in_(chosen) | AlertSubscription.township.is_(None)
        )
    queued = 0
    for subscription in session.scalars(statement).all():
        resident = subscription.resident
        reach = reachable_identity(resident)
        if reach is None:
            continue
        channel, recipient = reach
        item = outbox.enqueue(
            session=session,
            resident=resident,
            kind=OutboxKind.SCAM_ALERT,
            body={"replies": [{"text": alert_text(alert, english=is_english(resident))}]},
            channel=channel,
            recipient=recipient,
            dedupe_key=f"alert:{alert.id}:{resident.id}",
        )
        queued += item is not None
    alert.recipients = queued
    session.flush()
    return alert


def get(*, session: Session, alert_id: int) -> ScamAlert:
    alert = session.get(ScamAlert, alert_id)
    if alert is None:
        raise NotFound(f"no scam alert #{alert_id}")
    return alert


def recent(*, session: Session, limit: int = 50) -> Sequence[ScamAlert]:
    return session.scalars(select(ScamAlert).order_by(ScamAlert.id.desc()).limit(limit)).all()


def delivery_counts(*, session: Session, alert: ScamAlert) -> dict[str, int]:
    """How the alert's outbox items stand: {"sent": n, "awaiting_pickup": n, "pending": n, ...}."""
    return outbox.status_counts(
        session=session, kind=OutboxKind.SCAM_ALERT, dedupe_prefix=f"alert:{alert.id}:"
    )


def subscriber_count(*, session: Session) -> int:
    return int(session.scalar(select(func.count(func.distinct(AlertSubscription.resident_id)))) or 0)
