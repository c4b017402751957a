"""The transcript: every message in and out, linked to the resident and then to their case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot import transcript
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.transcript.enums import Direction
from bot.transcript.models import Message


def test_messages_in_and_out_are_kept_in_order(session: Session, resident: Resident) -> None:
    transcript.record(
        session=session, resident=resident, direction="in", channel="web", text="我要反映邻居噪音"
    )
    transcript.record(
        session=session, resident=resident, direction="out", channel="web", text="请说说发生了什么"
    )
    transcript.record(
        session=session, resident=resident, direction="in", channel="web", text="确认", payload="/confirm"
    )

    kept = [
        (message.direction, message.text, message.payload)
        for message in transcript.for_resident(session=session, resident=resident)
    ]
    assert kept == [
        (Direction.IN, "我要反映邻居噪音", None),
        (Direction.OUT, "请说说发生了什么", None),
        (Direction.IN, "确认", "/confirm"),
    ]


def test_a_turn_written_in_one_statement_keeps_its_order(session: Session, resident: Resident) -> None:
    texts = ["楼上天天漏水", "请问发生在哪个镇？", "您也可以直接说“找工作人员”", "好的"]
    messages = [
        transcript.record(
            session=session,
            resident=resident,
            direction="in" if n in (0, 3) else "out",
            channel="telegram",
            text=text,
            flush=False,
        )
        for n, text in enumerate(texts)
    ]
    assert all(message.id is None for message in messages)  # not written yet

    session.flush()

    assert [m.text for m in transcript.for_resident(session=session, resident=resident)] == texts
    assert [m.id for m in messages] == sorted(m.id for m in messages)


def test_a_message_about_a_case_is_linked_to_it(
    session: Session, resident: Resident, make_case: Callable[..., Case]
) -> None:
    case = make_case("dispute")

    message = transcript.record(
        session=session, resident=resident, direction="out", channel="telegram", text="已受理", case=case
    )

    assert (message.case_id, message.channel.value) == (case.id, "telegram")


def test_the_intake_conversation_is_linked_to_the_case_it_produced(
    session: Session, resident: Resident, make_case: Callable[..., Case]
) -> None:
    started = db_now(session=session)
    earlier = transcript.record(
        session=session, resident=resident, direction="in", channel="web", text="96110 是什么？"
    )
    session.execute(
        update(Message).where(Message.id == earlier.id).values(created_at=started - timedelta(minutes=5))
    )
    transcript.record(session=session, resident=resident, direction="in", channel="web", text="我要调解")
    transcript.record(session=session, resident=resident, direction="out", channel="web", text="好的，请描述")
    case = make_case("dispute")

    linked = transcript.link_to_case(session=session, case=case, since=started)

    assert linked == 2
    assert [message.text for message in transcript.for_case(session=session, case=case)] == [
        "我要调解",
        "好的，请描述",
    ]


def test_another_residents_messages_are_not_linked(
    session: Session, resident: Resident, make_case: Callable[..., Case]
) -> None:
    other = residents.for_channel(session=session, channel="web", external_id="other")
    transcript.record(session=session, resident=other, direction="in", channel="web", text="你好")
    case = make_case("dispute")

    assert transcript.link_to_case(session=session, case=case) == 0


SURVEY_BUTTONS = [
    {"title": "解决了", "payload": "/solved_yes"},
    {"title": "部分解决", "payload": "/solved_partly"},
    {"title": "没解决", "payload": "/solved_no"},
]


def test_the_buttons_of_the_last_unanswered_message_are_what_a_typed_answer_may_answer(
    session: Session, resident: Resident
) -> None:
    transcript.record(session=session, resident=resident, direction="in", channel="web", text="你好")
    transcript.record(
        session=session,
        resident=resident,
        direction="out",
        channel="web",
        text="问题解决了吗？",
        buttons=SURVEY_BUTTONS,
    )
    transcript.record(session=session, resident=resident, direction="out", channel="web", text="可以直接打字")

    assert transcript.last_offered(session=session, resident=resident, channel="web") == SURVEY_BUTTONS
    # On another channel nothing was offered.
    assert transcript.last_offered(session=session, resident=resident, channel="telegram") == []


def test_once_the_resident_has_answered_the_old_buttons_no_longer_count(
    session: Session, resident: Resident
) -> None:
    transcript.record(
        session=session,
        resident=resident,
        direction="out",
        channel="web",
        text="问题解决了吗？",
        buttons=SURVEY_BUTTONS,
    )
    transcript.record(
        session=session, resident=resident, direction="in", channel="web", text="没解决", payload="/solved_no"
    )

    assert transcript.last_offered(session=session, resident=resident, channel="web") == []


def test_erasure_blanks_the_offered_buttons_too(session: Session, resident: Resident) -> None:
    message = transcript.record(
        session=session,
        resident=resident,
        direction="out",
        channel="web",
        text="问题解决了吗？",
        buttons=SURVEY_BUTTONS,
    )

    transcript.forget_resident(session=session, resident=resident)
    session.refresh(message)

    assert (message.text, message.buttons) == (None, None)
