"""Residents: one per chat identity, consent before personal data, contact details."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.residents.schemas import ContactUpdate, ResidentRead


def test_first_message_creates_the_resident_and_the_next_finds_them(session: Session) -> None:
    first = residents.for_channel(session=session, channel="telegram", external_id="42")
    again = residents.for_channel(session=session, channel="telegram", external_id="42")

    assert again.id == first.id
    assert [(identity.channel.value, identity.external_id) for identity in first.identities] == [
        ("telegram", "42")
    ]


def test_two_first_messages_at_once_make_one_resident(committed: Settings) -> None:
    start = threading.Barrier(4)
    found: list[int] = []

    def first_message() -> None:
        start.wait()
        with session_scope(committed) as session:
            found.append(residents.for_channel(session=session, channel="web", external_id="twice").id)

    threads = [threading.Thread(target=first_message) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(found) == 4
    assert len(set(found)) == 1


def test_the_same_id_on_another_channel_is_another_resident(session: Session) -> None:
    on_telegram = residents.for_channel(session=session, channel="telegram", external_id="42")
    on_web = residents.for_channel(session=session, channel="web", external_id="42")

    assert on_web.id != on_telegram.id
    assert session.scalar(select(func.count(Resident.id))) == 2


def test_an_unknown_channel_is_refused(session: Session) -> None:
    with pytest.raises(residents.InvalidResident, match="channel"):
        residents.for_channel(session=session, channel="signal", external_id="42")


def test_a_new_resident_speaks_simplified_chinese_without_elder_mode(session: Session) -> None:
    resident = residents.for_channel(session=session, channel="web", external_id="w-1")

    assert (resident.language, resident.elder_mode, resident.consent_at) == ("zh-Hans", False, None)


def test_consent_records_when_and_which_notice(session: Session, resident: Resident) -> None:
    residents.record_consent(session=session, resident=resident, notice_version="2026-01")

    assert resident.consent_notice_version == "2026-01"
    assert resident.consent_at is not None
    assert resident.has_consented


def test_contact_details_need_consent_first(session: Session, resident: Resident) -> None:
    with pytest.raises(residents.InvalidResident, match="no consent"):
        residents.update_contact(session=session, resident=resident, contact=ContactUpdate(name="王芳"))


def test_contact_details_are_stored_normalised(session: Session, resident: Resident) -> None:
    residents.record_consent(session=session, resident=resident, notice_version="2026-01")

    residents.update_contact(
        session=session,
        resident=resident,
        contact=ContactUpdate(name="王芳", phone="+86 139 0000 1111", township="上窑镇"),
    )

    assert (resident.name, resident.phone, resident.township) == ("王芳", "13900001111", "上窑镇")


def test_a_township_outside_the_district_is_refused(session: Session, resident: Resident) -> None:
    residents.record_consent(session=session, resident=resident, notice_version="2026-01")

    with pytest.raises(residents.InvalidResident, match="not in the district profile"):
        residents.update_contact(
            session=session, resident=resident, contact=ContactUpdate(township="田家庵区")
        )


def test_the_resident_view_masks_name_and_phone(session: Session, resident: Resident) -> None:
    residents.record_consent(session=session, resident=resident, notice_version="2026-01")
    residents.update_contact(
        session=session, resident=resident, contact=ContactUpdate(name="王芳", phone="13900001111")
    )

    view = ResidentRead.model_validate(resident)

    assert (view.name, view.phone) == ("王*", "139****1111")


def test_language_is_one_the_assistant_speaks(session: Session, resident: Resident) -> None:
    residents.set_language(session=session, resident=resident, language="zh-Hant")

    with pytest.raises(residents.InvalidResident, match="language"):
        residents.set_language(session=session, resident=resident, language="fr")
    assert resident.language == "zh-Hant"


def test_a_guardian_counts_once_confirmed(session: Session, resident: Resident) -> None:
    daughter = residents.for_channel(session=session, channel="telegram", external_id="daughter")

    link = residents.add_guardian(
        session=session, resident=resident, guardian=daughter, relationship_label="女儿"
    )
    assert link.confirmed_at is None
    residents.confirm_guardian(session=session, guardianship=link)

    assert [(item.guardian_id, item.confirmed_at is not None) for item in resident.guardianships] == [
        (daughter.id, True)
    ]
