"""Claim codes: one-time, stored as a hash, refused alike for a wrong code and an unknown number,
and limited per resident and overall."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from bot.cases import claims, on_behalf
from bot.cases.enums import EventAction
from bot.cases.models import Case
from bot.residents.enums import Channel
from bot.residents.models import Resident
from bot.staff.models import StaffUser

ClaimResult = claims.ClaimResult


@pytest.fixture
def phone_case(session: Session, make_staff: Callable[..., StaffUser]) -> on_behalf.Registered:
    staff = make_staff("supervisor")
    case_in = on_behalf.StaffCaseIn(
        kind="dispute",
        township="洛河镇",
        description="隔壁养鸡场气味很大",
        contact_phone="13812345678",
        resident_name="赵大爷",
        source="phone",
        consent="by_phone",
    )
    return on_behalf.register(session=session, staff=staff, case_in=case_in)


def _resident(session: Session) -> Resident:
    resident = Resident()
    session.add(resident)
    session.flush()
    return resident


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_right_code_links_the_case_once_and_moves_the_name_over(
    session: Session, phone_case: on_behalf.Registered
) -> None:
    resident, other = _resident(session), _resident(session)
    case, code = phone_case.case, phone_case.claim_code
    recorded = case.resident

    claim = claims.claim(
        session=session, resident=resident, number=case.number, code=code, channel=Channel.WEB
    )
    replay = claims.claim(session=session, resident=other, number=case.number, code=code, channel=Channel.WEB)

    assert claim.result is ClaimResult.CLAIMED and case.resident is resident
    assert (case.channel, case.claim_code_hash) == (Channel.WEB, None) and case.claimed_at is not None
    assert resident.name == "赵大爷" and resident.phone == "13812345678"
    assert recorded.name is None and recorded.phone is None  # no personal data left on the empty row
    assert case.events[-1].action is EventAction.CLAIMED
    assert replay.result is ClaimResult.REFUSED  # one-time


def test_a_wrong_code_and_an_unknown_number_are_refused_alike(
    session: Session, phone_case: on_behalf.Registered, make_case: Callable[..., Case]
) -> None:
    resident = _resident(session)
    case, code = phone_case.case, phone_case.claim_code
    chat_case = make_case()  # has no claim code at all

    wrong = claims.claim(
        session=session, resident=resident, number=case.number, code=_wrong(code), channel=None
    )
    unknown = claims.claim(
        session=session, resident=resident, number="DT-JF-2026-999999", code=code, channel=None
    )
    codeless = claims.claim(
        session=session, resident=resident, number=chat_case.number, code=code, channel=None
    )

    assert wrong == unknown == codeless == claims.Claim(ClaimResult.REFUSED)
    assert case.resident is not resident


def test_five_wrong_tries_stop_a_resident_even_with_the_right_code(
    session: Session, phone_case: on_behalf.Registered
) -> None:
    resident, other = _resident(session), _resident(session)
    case, code = phone_case.case, phone_case.claim_code
    for _ in range(claims.MAX_FAILURES_PER_RESIDENT):
        claims.claim(session=session, resident=resident, number=case.number, code=_wrong(code), channel=None)

    stopped = claims.claim(session=session, resident=resident, number=case.number, code=code, channel=None)
    elsewhere = claims.claim(session=session, resident=other, number=case.number, code=code, channel=None)

    assert stopped.result is ClaimResult.LIMITED
    assert elsewhere.result is ClaimResult.CLAIMED  # another identity is not stopped by this one


def test_many_wrong_tries_from_many_identities_stop_everyone(
    session: Session, phone_case: on_behalf.Registered, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claims, "MAX_FAILURES_OVERALL", 6)
    case, code = phone_case.case, phone_case.claim_code
    for _ in range(6):
        claims.claim(
            session=session, resident=_resident(session), number=case.number, code=_wrong(code), channel=None
        )

    late = claims.claim(
        session=session, resident=_resident(session), number=case.number, code=code, channel=None
    )

    assert late.result is ClaimResult.LIMITED


def test_the_store_keeps_only_the_codes_hash(phone_case: on_behalf.Registered) -> None:
    stored = phone_case.case.claim_code_hash or ""

    assert stored.startswith("$argon2") and phone_case.claim_code not in stored
