"""Phone surveys (the 12345 way): a walk-in's survey is a task for staff to call, the answer they
record closes or reopens the case and counts in 满意率 like a chat answer; calls that do not reach
the resident are retried, then the survey is unanswered; a resident who claimed the case in a
chat is asked there instead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import on_behalf
from bot.cases.enums import CaseStatus
from bot.cases.figures import Period
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.flows.figures import figures
from bot.followups import phone
from bot.followups import service as followups
from bot.followups.enums import Rating, Solved, SurveyMethod, SurveyStatus
from bot.outbox.models import OutboxItem
from bot.residents.models import ChannelIdentity
from bot.staff.models import StaffUser
from tests.followups.test_surveys import make_due, resolve, survey_of


@pytest.fixture
def supervisor(make_staff: Callable[..., StaffUser]) -> StaffUser:
    return make_staff("supervisor")


@pytest.fixture
def walk_in(session: Session, supervisor: StaffUser) -> Callable[..., Case]:
    """A case staff registered for a resident who walked in, resolved, its survey due."""

    def make(source: str = "walk_in") -> Case:
        registered = on_behalf.register(
            session=session,
            staff=supervisor,
            case_in=on_behalf.StaffCaseIn(
                kind="dispute",
                category="neighbours",
                township="洛河镇",
                description="邻居在公共楼道堆放杂物，影响通行。",
                contact_phone="13912345678",
                resident_name="李桂兰",
                source=source,
                consent="in_person",
            ),
        )
        case = resolve(session, registered.case, supervisor.actor)
        make_due(session, survey_of(session, case))
        return case

    return make


def test_a_walk_in_case_gets_a_phone_task_not_a_chat_survey(
    session: Session, walk_in: Callable[..., Case], supervisor: StaffUser
) -> None:
    case = walk_in()

    followups.send_due(session=session)

    survey = survey_of(session, case)
    assert survey.method is SurveyMethod.PHONE and survey.status is SurveyStatus.SCHEDULED
    assert session.scalars(select(OutboxItem).where(OutboxItem.case_id == case.id)).all() == []
    assert [task.case.number for task in phone.tasks(session=session)] == [case.number]


def test_a_phone_answer_closes_the_case_and_counts_in_the_satisfaction_rate(
    session: Session, walk_in: Callable[..., Case], supervisor: StaffUser
) -> None:
    happy, unhappy = walk_in(), walk_in("phone")
    today = db_now(session=session)
    month = Period.month(today.year, today.month)
    assert figures(session=session, period=month).followups_answered == 0

    phone.record_phone_answer(
        session=session,
        survey=survey_of(session, happy),
        staff=supervisor,
        rating=Rating.BASICALLY_SATISFIED,
        solved=Solved.YES,
        comment="调解员很耐心",
    )
    phone.record_phone_answer(
        session=session,
        survey=survey_of(session, unhappy),
        staff=supervisor,
        rating=Rating.NOT_SATISFIED,
        solved=Solved.NO,
    )

    assert happy.status is CaseStatus.CLOSED
    assert unhappy.status is CaseStatus.IN_PROGRESS
    assert unhappy.events[-1].note is not None and unhappy.events[-1].note.startswith("reopened")
    assert survey_of(session, happy).recorded_by_id == supervisor.id
    shown = figures(session=session, period=month)
    assert (shown.followups_satisfied, shown.followups_answered) == (1, 2)
    assert str(shown.manyi_rate) == "50.00"
    assert phone.tasks(session=session) == []


def test_calls_that_do_not_reach_the_resident_are_retried_then_the_survey_is_unanswered(
    session: Session, walk_in: Callable[..., Case], supervisor: StaffUser
) -> None:
    case = walk_in()
    survey = survey_of(session, case)

    phone.record_not_reached(session=session, survey=survey, staff=supervisor, note="无人接听")

    assert survey.status is SurveyStatus.SENT and survey.call_attempts == 1
    assert survey.last_call_note == "无人接听"
    assert phone.tasks(session=session) == []  # back tomorrow (phone_retry_interval: 1d)
    make_due(session, survey)
    assert [task.id for task in phone.tasks(session=session)] == [survey.id]
    phone.record_not_reached(session=session, survey=survey, staff=supervisor)
    phone.record_not_reached(session=session, survey=survey, staff=supervisor)
    assert survey.status is SurveyStatus.UNANSWERED and survey.call_attempts == 3
    assert case.status is CaseStatus.RESOLVED
    with pytest.raises(followups.NoOpenSurvey):
        phone.record_not_reached(session=session, survey=survey, staff=supervisor)


def test_a_resident_who_claimed_the_case_in_a_chat_is_asked_there(
    session: Session, walk_in: Callable[..., Case]
) -> None:
    case = walk_in()
    session.add(ChannelIdentity(resident=case.resident, channel="web", external_id="claimed-in-web"))
    session.flush()

    assert followups.send_due(session=session) == 1

    survey = survey_of(session, case)
    assert survey.method is SurveyMethod.CHAT and survey.status is SurveyStatus.SENT
    assert phone.tasks(session=session) == []


def test_a_chat_survey_is_not_a_phone_task(
    session: Session, make_case: Callable[..., Case], supervisor: StaffUser
) -> None:
    case = resolve(session, make_case(), supervisor.actor)
    assert survey_of(session, case).method is SurveyMethod.CHAT
    make_due(session, survey_of(session, case))
    assert phone.tasks(session=session) == []
    with pytest.raises(followups.NoOpenSurvey):
        phone.record_phone_answer(
            session=session,
            survey=survey_of(session, case),
            staff=supervisor,
            rating=Rating.SATISFIED,
            solved=Solved.YES,
        )


def test_a_survey_of_another_township_is_not_a_task_for_its_caseworker(
    session: Session, walk_in: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    from bot.cases import scope

    survey = survey_of(session, walk_in())
    elsewhere = make_staff("caseworker", township="孔店乡")

    assert phone.tasks(session=session, visible=scope.visible(elsewhere)) == []
    with pytest.raises(phone.NoPhoneTask):
        phone.task(session=session, survey_id=survey.id, visible=scope.visible(elsewhere))
