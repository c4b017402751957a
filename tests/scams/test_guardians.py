"""Linking a family guardian with a one-time code, and what the guardian hears."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.outbox.enums import OutboxKind
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.scams import guardians
from bot.scams.guardians import GuardianEvent, InvalidGuardianCode, TooManyWrongCodes


@pytest.fixture
def elder(session: Session) -> Resident:
    return residents.for_channel(session=session, channel="web", external_id="grandma")


@pytest.fixture
def son(session: Session) -> Resident:
    return residents.for_channel(session=session, channel="telegram", external_id="5550001")


def _notices(session: Session, guardian: Resident) -> list[OutboxItem]:
    return list(
        session.query(OutboxItem).filter(
            OutboxItem.resident_id == guardian.id, OutboxItem.kind == OutboxKind.GUARDIAN_NOTICE
        )
    )


def test_a_family_member_with_the_code_becomes_a_confirmed_guardian(
    session: Session, elder: Resident, son: Resident
) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)

    link = guardians.redeem(session=session, guardian=son, code=f" {code[:4]} {code[4:]} ")

    assert link.confirmed_at is not None
    assert [g.guardian_id for g in guardians.guardians_of(session=session, resident=elder)] == [son.id]


def test_a_code_works_once(session: Session, elder: Resident, son: Resident) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)
    guardians.redeem(session=session, guardian=son, code=code)
    stranger = residents.for_channel(session=session, channel="web", external_id="stranger")

    with pytest.raises(InvalidGuardianCode):
        guardians.redeem(session=session, guardian=stranger, code=code)


def test_a_wrong_expired_or_replaced_code_links_nobody(
    session: Session, elder: Resident, son: Resident
) -> None:
    _, old = guardians.create_invite(session=session, resident=elder)
    _, new = guardians.create_invite(session=session, resident=elder)

    with pytest.raises(InvalidGuardianCode):
        guardians.redeem(session=session, guardian=son, code=old)
    with pytest.raises(InvalidGuardianCode):
        guardians.redeem(
            session=session, guardian=son, code="1234567890" if new != "1234567890" else "9876543210"
        )
    second, code = guardians.create_invite(session=session, resident=elder)
    second.expires_at = second.created_at - timedelta(seconds=1)
    session.flush()
    with pytest.raises(InvalidGuardianCode):
        guardians.redeem(session=session, guardian=son, code=code)
    assert guardians.guardians_of(session=session, resident=elder) == []


def test_a_resident_cannot_guard_themselves(session: Session, elder: Resident) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)

    with pytest.raises(InvalidGuardianCode):
        guardians.redeem(session=session, guardian=elder, code=code)


def test_a_high_risk_check_sends_the_guardian_a_short_message_once(
    session: Session, elder: Resident, son: Resident
) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)
    guardians.redeem(session=session, guardian=son, code=code)

    for _ in range(2):
        guardians.notify(
            session=session,
            resident=elder,
            event=GuardianEvent.HIGH_RISK,
            fraud_type="fraud_police",
            occasion="c1",
        )

    notices = _notices(session, son)
    assert len(notices) == 1
    assert notices[0].channel.value == "telegram" and notices[0].recipient == "5550001"
    text = notices[0].body["replies"][0]["text"]
    assert "冒充公检法诈骗" in text and "打个电话" in text


def test_the_guardian_hears_only_what_the_resident_chose(
    session: Session, elder: Resident, son: Resident
) -> None:
    _, code = guardians.create_invite(
        session=session, resident=elder, notify_high_risk=False, notify_paid=True
    )
    guardians.redeem(session=session, guardian=son, code=code)

    high = guardians.notify(
        session=session, resident=elder, event=GuardianEvent.HIGH_RISK, fraud_type=None, occasion="a"
    )
    paid = guardians.notify(
        session=session, resident=elder, event=GuardianEvent.PAID, fraud_type=None, occasion="b"
    )

    assert (high, paid) == (0, 1)
    assert "110" in _notices(session, son)[0].body["replies"][0]["text"]


def test_an_english_speaking_guardian_reads_english(session: Session, elder: Resident, son: Resident) -> None:
    residents.set_language(session=session, resident=son, language="en")
    _, code = guardians.create_invite(session=session, resident=elder)
    guardians.redeem(session=session, guardian=son, code=code)

    guardians.notify(session=session, resident=elder, event=GuardianEvent.PAID, fraud_type=None, occasion="x")

    assert _notices(session, son)[0].body["replies"][0]["text"].startswith("Shuoshi guardian notice")


def test_removing_guardians_stops_the_notices(session: Session, elder: Resident, son: Resident) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)
    guardians.redeem(session=session, guardian=son, code=code)

    assert guardians.remove_guardians(session=session, resident=elder) == 1
    sent = guardians.notify(
        session=session, resident=elder, event=GuardianEvent.PAID, fraud_type=None, occasion="y"
    )

    assert sent == 0


def test_a_code_is_ten_digits_and_never_starts_with_0(session: Session, elder: Resident) -> None:
    codes = [guardians.create_invite(session=session, resident=elder)[1] for _ in range(50)]

    assert all(len(code) == 10 and code.isdigit() and code[0] != "0" for code in codes)


def test_the_resident_is_told_when_someone_links_as_their_guardian(
    session: Session, elder: Resident, son: Resident
) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)

    guardians.redeem(session=session, guardian=son, code=code)

    [told] = _notices(session, elder)
    assert told.recipient == "grandma"
    assert told.body["replies"][0]["text"] == guardians.linked_notice(english=False)
    assert "解除绑定" in told.body["replies"][0]["text"]


def test_wrong_codes_from_everyone_together_stop_all_tries_for_an_hour(
    session: Session, elder: Resident
) -> None:
    _, code = guardians.create_invite(session=session, resident=elder)
    for n in range(guardians.FAILURES_OVERALL.count):  # a guesser with many chat identities
        guesser = residents.for_channel(session=session, channel="telegram", external_id=f"9{n:05d}")
        guardians.record_wrong_code(session=session, guardian=guesser)
    son = residents.for_channel(session=session, channel="telegram", external_id="5550002")

    with pytest.raises(TooManyWrongCodes):
        guardians.redeem(session=session, guardian=son, code=code)
