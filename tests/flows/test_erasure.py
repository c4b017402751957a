"""Erasing a resident's personal data: personal fields go, case facts and figures stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot import transcript
from bot.actors import Actor
from bot.cases import attachments
from bot.cases.enums import CaseStatus, EventAction
from bot.cases.figures import Period
from bot.cases.models import AttachmentFile, Case
from bot.config import Settings
from bot.db.clock import db_now
from bot.flows.erasure import RESIDENT_TABLES, erase
from bot.flows.figures import figures
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.residents.schemas import ContactUpdate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def known_resident(session: Session, resident: Resident) -> Resident:
    residents.record_consent(session=session, resident=resident, notice_version="2026-01")
    residents.update_contact(
        session=session, resident=resident, contact=ContactUpdate(name="王芳", phone="13900001111")
    )
    return resident


@pytest.fixture
def their_case(make_case: Callable[..., Case], known_resident: Resident) -> Case:
    return make_case(
        "petition",
        description="我的电话是13900001111，身份证11010519491231002X，请联系。",
        other_party="某某公司",
    )


def _erase(session: Session, settings: Settings, resident: Resident) -> None:
    erase(session=session, settings=settings, resident=resident, actor=resident.actor)


def test_erasure_clears_the_residents_personal_fields(
    session: Session, settings: Settings, known_resident: Resident
) -> None:
    _erase(session, settings, known_resident)

    assert (known_resident.name, known_resident.phone, known_resident.consent_at) == (None, None, None)
    assert known_resident.identities == []
    assert known_resident.erased_at is not None


def test_erasure_removes_the_residents_guardianships_both_ways(
    session: Session, settings: Settings, known_resident: Resident
) -> None:
    mother = residents.for_channel(session=session, channel="telegram", external_id="mother")
    son = residents.for_channel(session=session, channel="telegram", external_id="son")
    residents.add_guardian(session=session, resident=known_resident, guardian=son)
    residents.add_guardian(session=session, resident=mother, guardian=known_resident)

    _erase(session, settings, known_resident)
    session.expire_all()

    assert (known_resident.guardianships, mother.guardianships) == ([], [])


def test_erasure_clears_personal_fields_of_their_cases(
    session: Session, settings: Settings, known_resident: Resident, their_case: Case
) -> None:
    _erase(session, settings, known_resident)

    assert (their_case.contact_phone, their_case.id_number, their_case.other_party) == (None, None, None)
    assert their_case.description == "我的电话是*******1111，身份证110***********002X，请联系。"


def test_erasure_keeps_the_case_facts(
    session: Session, settings: Settings, known_resident: Resident, their_case: Case
) -> None:
    facts = (their_case.number, their_case.kind, their_case.category, their_case.township, their_case.status)

    _erase(session, settings, known_resident)

    assert (
        their_case.number,
        their_case.kind,
        their_case.category,
        their_case.township,
        their_case.status,
    ) == facts
    assert their_case.events[-1].action is EventAction.PERSONAL_DATA_ERASED


def test_erasure_leaves_the_figures_unchanged(
    session: Session, settings: Settings, known_resident: Resident, their_case: Case
) -> None:
    today = db_now(session=session).date()
    period = Period(today - timedelta(days=1), today + timedelta(days=2))
    before = figures(session=session, period=period)

    _erase(session, settings, known_resident)

    assert figures(session=session, period=period) == before
    assert before.received == 1


def test_erasure_blanks_the_residents_messages(
    session: Session, settings: Settings, known_resident: Resident
) -> None:
    transcript.record(
        session=session, resident=known_resident, direction="in", channel="web", text="我叫王芳"
    )

    _erase(session, settings, known_resident)

    assert [
        message.text for message in transcript.for_resident(session=session, resident=known_resident)
    ] == [None]


def test_erasure_deletes_the_files_they_sent(
    session: Session, settings: Settings, known_resident: Resident
) -> None:
    stored = attachments.store(session=session, settings=settings, resident=known_resident, data=PNG)
    key = str(stored.path)
    assert session.get(AttachmentFile, key) is not None

    _erase(session, settings, known_resident)

    assert session.get(AttachmentFile, key) is None  # the bytes, from the case store
    assert (stored.path, stored.deleted_at is not None) == (None, True)


def test_after_erasure_the_same_chat_identity_starts_a_new_resident(
    session: Session, settings: Settings, known_resident: Resident
) -> None:
    _erase(session, settings, known_resident)

    newcomer = residents.for_channel(session=session, channel="web", external_id="resident-1")

    assert newcomer.id != known_resident.id
    assert newcomer.name is None


def test_staff_may_erase_on_the_residents_behalf(
    session: Session, settings: Settings, known_resident: Resident, their_case: Case, make_staff
) -> None:
    admin = make_staff("admin")

    erase(session=session, settings=settings, resident=known_resident, actor=Actor.of_staff(admin))

    assert their_case.events[-1].actor_staff_id == admin.id
    assert their_case.status is CaseStatus.REGISTERED


def test_erasure_also_drops_warning_subscriptions_queued_messages_and_surveys(
    session: Session, settings: Settings, make_case: Callable[..., Case]
) -> None:
    from bot.followups.models import SurveyOptOut
    from bot.outbox import service as outbox
    from bot.outbox.enums import OutboxKind
    from bot.outbox.models import OutboxItem
    from bot.residents.enums import Channel
    from bot.scams.models import AlertSubscription

    case = make_case()
    resident = case.resident
    session.add(AlertSubscription(resident_id=resident.id, township="洛河镇"))
    outbox.enqueue(
        session=session,
        resident=resident,
        kind=OutboxKind.STAFF_REPLY,
        channel=Channel.WEB,
        recipient="resident-1",
        body={"replies": [{"text": "请带上身份证", "buttons": []}]},
    )
    session.flush()

    erase(session=session, settings=settings, resident=resident, actor=resident.actor)

    assert session.scalars(select(AlertSubscription)).all() == []
    assert session.scalars(select(OutboxItem)).all() == []
    assert session.get(SurveyOptOut, resident.id) is not None


def test_every_table_that_points_at_a_resident_is_covered_by_erasure() -> None:
    from bot.registry import metadata

    pointing = {
        table.name
        for table in metadata.sorted_tables
        for column in table.columns
        if any(key.column.table.name == "residents" for key in column.foreign_keys)
    } | {"residents"}

    assert sorted(pointing - set(RESIDENT_TABLES)) == []
    assert sorted(set(RESIDENT_TABLES) - pointing) == []


# -- nothing of the resident survives erasure, in the case store or in Rasa's tracker store --------

PHONE = "13900001111"
ID_NUMBER = "11010519491231002X"
NAME = "王芳"
WORDS = "楼上天天半夜剁骨头"  # what they said in the chat and in the survey
REPLY = "请周三上午带上房产证来调解室"  # what staff wrote to them


def rasa_tracker(path: Path, rows: list[tuple[str, str]]) -> Settings:
    """A tracker store as Rasa's SQLTrackerStore makes it (its `events` table), with these
    (conversation id, event JSON) rows."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
            " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
            " action_name VARCHAR(255), data TEXT)"
        )
        for sender_id, data in rows:
            connection.exec_driver_sql(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'slot', 0, ?)",
                (sender_id, data),
            )
    engine.dispose()
    return Settings(tracker={"url": f"sqlite:///{path}"})


def tracker_rows(settings: Settings) -> list[tuple[str, str]]:
    engine = create_engine(settings.tracker_url)
    with engine.connect() as connection:
        rows = [(r[0], r[1]) for r in connection.exec_driver_sql("SELECT sender_id, data FROM events")]
    engine.dispose()
    return rows


def test_erasure_deletes_the_residents_conversations_from_rasas_tracker_store(
    session: Session, settings: Settings, known_resident: Resident, tmp_path: Path
) -> None:
    tracker = rasa_tracker(
        tmp_path / "tracker.db",
        [
            ("web:resident-1", f'{{"event": "slot", "name": "contact_phone", "value": "{PHONE}"}}'),
            ("web:resident-1", f'{{"event": "user", "text": "{WORDS}"}}'),
            ("web:someone-else", '{"event": "user", "text": "你好"}'),
        ],
    )
    with_tracker = settings.model_copy(update={"tracker": tracker.tracker})

    report = erase(
        session=session, settings=with_tracker, resident=known_resident, actor=known_resident.actor
    )

    assert report.conversations == ("web:resident-1",)
    assert tracker_rows(with_tracker) == [("web:someone-else", '{"event": "user", "text": "你好"}')]


def test_after_erasure_no_table_holds_the_residents_phone_id_number_name_or_words(
    session: Session,
    settings: Settings,
    known_resident: Resident,
    their_case: Case,
    make_staff: Callable[..., Any],
    tmp_path: Path,
) -> None:
    from bot.flows.replies import reply_to_resident
    from bot.followups.enums import Rating, Solved, SurveyStatus
    from bot.followups.models import Survey
    from bot.outbox import service as outbox

    transcript.record(
        session=session, resident=known_resident, direction="in", channel="web", text=f"{WORDS}，电话{PHONE}"
    )
    item = reply_to_resident(session=session, case=their_case, staff=make_staff("supervisor"), text=REPLY)
    outbox.mark_sent(session=session, item=item)
    now = db_now(session=session)
    session.add(
        Survey(
            case_id=their_case.id,
            resident_id=known_resident.id,
            resolved_at=now,
            status=SurveyStatus.ANSWERED,
            due_at=now,
            answered_at=now,
            rating=Rating.NOT_SATISFIED,
            solved=Solved.NO,
            comment=f"{WORDS}，还是没人管",
        )
    )
    session.flush()
    tracker = rasa_tracker(
        tmp_path / "tracker.db",
        [("web:resident-1", f'{{"event": "slot", "name": "id_number", "value": "{ID_NUMBER}"}}')],
    )

    erase(
        session=session,
        settings=settings.model_copy(update={"tracker": tracker.tracker}),
        resident=known_resident,
        actor=known_resident.actor,
    )
    session.flush()

    from bot.registry import metadata

    found = []
    for table in metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            text = " ".join(str(value) for value in row)
            found += [
                (table.name, secret) for secret in (PHONE, ID_NUMBER, NAME, WORDS, REPLY) if secret in text
            ]
    assert found == []
    assert tracker_rows(tracker) == []
