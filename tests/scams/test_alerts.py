"""Subscribing to scam warnings, staff publishing one, and how many residents got it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.scams import alerts
from bot.scams.alerts import InvalidAlert
from bot.staff.models import StaffUser


def _resident(session: Session, sender: str, *, channel: str = "web", language: str = "zh-Hans") -> Resident:
    resident = residents.for_channel(session=session, channel=channel, external_id=sender)
    residents.set_language(session=session, resident=resident, language=language)
    return resident


def _items(session: Session, alert_id: int) -> list[OutboxItem]:
    return list(
        session.query(OutboxItem)
        .filter(OutboxItem.dedupe_key.like(f"alert:{alert_id}:%"))
        .order_by(OutboxItem.id)
    )


def test_a_warning_reaches_subscribers_of_its_township_and_of_the_whole_district(session: Session) -> None:
    luohe = _resident(session, "luohe")
    district = _resident(session, "district")
    other = _resident(session, "other")
    alerts.subscribe(session=session, resident=luohe, township="洛河镇")
    alerts.subscribe(session=session, resident=district, township=None)
    alerts.subscribe(session=session, resident=other, township="上窑镇")

    alert = alerts.publish(
        session=session,
        staff=None,
        text="近期有人冒充社保局打电话",
        fraud_type="elder_insurance",
        townships=["洛河镇"],
    )

    assert alert.recipients == 2
    assert {item.recipient for item in _items(session, alert.id)} == {"luohe", "district"}
    first = _items(session, alert.id)[0]
    assert first.kind is OutboxKind.SCAM_ALERT
    assert "冒充社保局" in first.body["replies"][0]["text"]
    assert "代办养老保险诈骗" in first.body["replies"][0]["text"]


def test_a_resident_subscribed_twice_gets_one_message(session: Session) -> None:
    resident = _resident(session, "twice")
    alerts.subscribe(session=session, resident=resident, township="洛河镇")
    alerts.subscribe(session=session, resident=resident, township=None)
    alerts.subscribe(session=session, resident=resident, township="洛河镇")

    alert = alerts.publish(session=session, staff=None, text="提醒", fraud_type=None, townships=["洛河镇"])

    assert alert.recipients == 1
    assert len(alerts.subscriptions_of(session=session, resident=resident)) == 2


def test_after_unsubscribing_nothing_more_arrives(session: Session) -> None:
    resident = _resident(session, "leaver")
    alerts.subscribe(session=session, resident=resident, township=None)

    assert alerts.unsubscribe(session=session, resident=resident) == 1
    alert = alerts.publish(session=session, staff=None, text="提醒", fraud_type=None, townships=[])

    assert not alerts.is_subscribed(session=session, resident=resident)
    assert alert.recipients == 0


def test_english_speakers_read_the_english_text_when_staff_gave_one(session: Session) -> None:
    resident = _resident(session, "en-reader", language="en")
    alerts.subscribe(session=session, resident=resident, township=None)

    alert = alerts.publish(
        session=session,
        staff=None,
        text="警惕冒充公检法",
        text_en="Beware of callers posing as the police",
        fraud_type="fraud_police",
        townships=[],
    )

    text = _items(session, alert.id)[0].body["replies"][0]["text"]
    assert "Beware of callers posing as the police" in text
    assert "stop scam alerts" in text


def test_telegram_is_preferred_when_a_resident_has_both(session: Session) -> None:
    resident = _resident(session, "9001", channel="telegram")
    alerts.subscribe(session=session, resident=resident, township=None)

    alert = alerts.publish(session=session, staff=None, text="提醒", fraud_type=None, townships=[])

    assert _items(session, alert.id)[0].channel.value == "telegram"


def test_delivery_counts_follow_the_outbox(session: Session) -> None:
    readers = [_resident(session, f"reader-{n}") for n in range(3)]
    for reader in readers:
        alerts.subscribe(session=session, resident=reader, township=None)
    alert = alerts.publish(session=session, staff=None, text="提醒", fraud_type=None, townships=[])
    items = _items(session, alert.id)
    items[0].status = OutboxStatus.AWAITING_PICKUP
    session.flush()
    outbox.take_for_web(session=session, recipient=items[0].recipient)
    items[1].status = OutboxStatus.FAILED
    session.flush()

    counts = alerts.delivery_counts(session=session, alert=alert)

    assert counts["sent"] == 1
    assert counts["failed"] == 1
    assert counts["pending"] == 1


@pytest.mark.parametrize(
    "changes",
    [{"text": ""}, {"text": "x" * 1001}, {"fraud_type": "made_up"}, {"townships": ["不存在镇"]}],
)
def test_a_bad_alert_is_refused(session: Session, changes: dict[str, object]) -> None:
    fields: dict[str, object] = {"text": "提醒", "fraud_type": None, "townships": [], **changes}

    with pytest.raises(InvalidAlert):
        alerts.publish(session=session, staff=None, **fields)  # type: ignore[arg-type]


def test_a_township_caseworker_may_warn_only_their_township(
    session: Session, make_staff: Callable[..., StaffUser]
) -> None:
    worker = make_staff("caseworker", township="洛河镇")

    with pytest.raises(InvalidAlert):
        alerts.publish(session=session, staff=worker, text="提醒", fraud_type=None, townships=["上窑镇"])
    alert = alerts.publish(session=session, staff=worker, text="提醒", fraud_type=None, townships=["洛河镇"])
    assert alert.published_by_id == worker.id


def test_an_unknown_township_cannot_be_subscribed(session: Session) -> None:
    with pytest.raises(InvalidAlert):
        alerts.subscribe(session=session, resident=_resident(session, "x"), township="不存在镇")
