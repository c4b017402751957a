"""Notices and surveys after a case changes status (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.actors import Actor
from bot.cases.enums import CaseStatus
from bot.cases.figures import Period
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.flows.status import change_status
from bot.followups import service as followups
from bot.followups.enums import Rating, Solved, SurveyStatus
from bot.followups.models import Survey
from bot.outbox.enums import OutboxKind
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.staff.models import StaffUser


@pytest.fixture
def staff(make_staff: Callable[..., StaffUser]) -> Actor:
    return make_staff("supervisor").actor


def resolve(session: Session, case: Case, staff: Actor) -> Case:
    change_status(session=session, case=case, to=CaseStatus.ACCEPTED, actor=staff)
    change_status(session=session, case=case, to=CaseStatus.IN_PROGRESS, actor=staff)
    change_status(
        session=session,
        case=case,
        to=CaseStatus.RESOLVED,
        actor=staff,
        note="双方签了调解协议",
        outcome="agreement",
    )
    return case


def outbox_of(session: Session, case: Case) -> list[OutboxItem]:
    return list(
        session.scalars(select(OutboxItem).where(OutboxItem.case_id == case.id).order_by(OutboxItem.id))
    )


def make_due(session: Session, survey: Survey) -> None:
    session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(due_at=db_now(session=session) - timedelta(seconds=1))
    )
    session.expire_all()


def survey_of(session: Session, case: Case) -> Survey:
    return session.scalars(select(Survey).where(Survey.case_id == case.id)).one()


def test_the_resident_is_told_when_the_case_is_accepted_rejected_and_resolved(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    accepted = resolve(session, make_case(), staff)
    rejected = make_case()
    change_status(
        session=session, case=rejected, to=CaseStatus.REJECTED, actor=staff, note="属于法院受理范围"
    )

    texts = [item.body["replies"][0]["text"] for item in outbox_of(session, accepted)]
    assert "已受理" in texts[0] and accepted.number in texts[0]
    assert "（含当日）" in texts[0]  # the last day written out, that day included (issue 24)
    assert "已办结" in texts[1] and "双方签了调解协议" in texts[1]
    assert "属于法院受理范围" in outbox_of(session, rejected)[0].body["replies"][0]["text"]
    assert {item.recipient for item in outbox_of(session, accepted)} == {"resident-1"}


def test_an_english_speaking_resident_gets_notices_in_english(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = make_case()
    residents.set_language(session=session, resident=case.resident, language="en")
    change_status(session=session, case=case, to=CaseStatus.ACCEPTED, actor=staff)
    assert "has been accepted" in outbox_of(session, case)[0].body["replies"][0]["text"]


def test_resolving_schedules_one_survey_after_the_profiles_delay(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = resolve(session, make_case(), staff)
    survey = survey_of(session, case)
    assert survey.status is SurveyStatus.SCHEDULED
    assert survey.due_at - db_now(session=session) > timedelta(days=2, hours=23)
    assert followups.schedule_survey(session=session, case=case) is survey  # not twice for one resolution


def test_a_due_survey_is_asked_once_through_rasa(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = resolve(session, make_case(), staff)
    make_due(session, survey_of(session, case))

    assert followups.send_due(session=session) == 1
    assert followups.send_due(session=session) == 0  # not due again until the reminder interval

    asked = [item for item in outbox_of(session, case) if item.kind is OutboxKind.SURVEY]
    assert [item.body for item in asked] == [
        {"intent": "followup_survey", "entities": {"case_number": case.number}}
    ]
    assert survey_of(session, case).status is SurveyStatus.SENT


def test_two_reminders_then_unanswered(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = resolve(session, make_case(), staff)
    survey = survey_of(session, case)
    for _ in range(4):
        make_due(session, survey)
        followups.send_due(session=session)

    kinds = [item.kind for item in outbox_of(session, case) if item.kind is not OutboxKind.STATUS_NOTICE]
    assert kinds == [OutboxKind.SURVEY, OutboxKind.SURVEY_REMINDER, OutboxKind.SURVEY_REMINDER]
    assert survey_of(session, case).status is SurveyStatus.UNANSWERED


def test_not_satisfied_reopens_the_case_for_a_supervisor(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = resolve(session, make_case(), staff)
    make_due(session, survey_of(session, case))
    followups.send_due(session=session)

    survey = followups.open_survey(session=session, resident=case.resident, case_number=case.number)
    followups.record_answer(
        session=session,
        survey=survey,
        rating=Rating.NOT_SATISFIED,
        solved=Solved.NO,
        comment="邻居还是半夜装修",
    )

    assert case.status is CaseStatus.IN_PROGRESS
    assert "reopened: resident not satisfied" in (case.events[-1].note or "")
    assert (survey.old_status, survey.new_status) == (CaseStatus.RESOLVED, CaseStatus.IN_PROGRESS)
    assert survey.comment == "邻居还是半夜装修"


def test_satisfied_and_solved_closes_the_case(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = resolve(session, make_case(), staff)
    make_due(session, survey_of(session, case))
    followups.send_due(session=session)
    survey = followups.open_survey(session=session, resident=case.resident)

    followups.record_answer(
        session=session, survey=survey, rating=Rating.BASICALLY_SATISFIED, solved=Solved.PARTLY, comment=None
    )

    assert case.status is CaseStatus.CLOSED
    with pytest.raises(followups.NoOpenSurvey):
        followups.record_answer(
            session=session, survey=survey, rating=Rating.SATISFIED, solved=Solved.YES, comment=None
        )


def test_a_resident_who_said_stop_is_never_surveyed_again(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    first = resolve(session, make_case(), staff)
    assert followups.opt_out(session=session, resident=first.resident) == 1

    second = resolve(session, make_case(), staff)

    assert survey_of(session, first).status is SurveyStatus.CANCELLED
    assert session.scalars(select(Survey).where(Survey.case_id == second.id)).first() is None


def test_at_most_one_open_survey_per_resident(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    first, second = resolve(session, make_case(), staff), resolve(session, make_case(), staff)
    make_due(session, survey_of(session, first))
    make_due(session, survey_of(session, second))

    followups.send_due(session=session)

    assert sorted(s.status for s in (survey_of(session, first), survey_of(session, second))) == [
        SurveyStatus.SCHEDULED,
        SurveyStatus.SENT,
    ]


def test_a_case_reopened_or_resolved_long_ago_is_not_asked_about(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    reopened, old = resolve(session, make_case(), staff), resolve(session, make_case(), staff)
    change_status(session=session, case=reopened, to=CaseStatus.IN_PROGRESS, actor=staff, note="还要再跟进")
    long_ago = db_now(session=session) - timedelta(days=31)
    session.execute(update(Survey).where(Survey.case_id == old.id).values(resolved_at=long_ago))
    session.execute(update(Case).where(Case.id == old.id).values(resolved_at=long_ago))
    session.expire_all()
    make_due(session, survey_of(session, reopened))
    make_due(session, survey_of(session, old))

    assert followups.send_due(session=session) == 0
    assert survey_of(session, reopened).cancel_reason == "case is in_progress now"
    assert survey_of(session, old).cancel_reason == "case was resolved too long ago"


def test_no_survey_for_rejected_or_withdrawn_cases(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    rejected, withdrawn = make_case(), make_case()
    change_status(session=session, case=rejected, to=CaseStatus.REJECTED, actor=staff, note="不属于受理范围")
    change_status(session=session, case=withdrawn, to=CaseStatus.WITHDRAWN, actor=withdrawn.resident.actor)
    assert session.scalars(select(Survey)).first() is None


def test_staff_see_the_answers_with_comments_for_the_period_and_township(
    session: Session, make_case: Callable[..., Case], staff: Actor
) -> None:
    case = resolve(session, make_case(), staff)
    make_due(session, survey_of(session, case))
    followups.send_due(session=session)
    survey = followups.open_survey(session=session, resident=case.resident)
    followups.record_answer(
        session=session, survey=survey, rating=Rating.SATISFIED, solved=Solved.YES, comment="调解员很耐心"
    )
    this_year = Period.year(db_now(session=session).year)

    assert [s.comment for s in followups.answers(session=session, period=this_year)] == ["调解员很耐心"]
    assert followups.answers(session=session, period=this_year, township="孔店乡") == []
    assert followups.answers(session=session, period=Period.year(2020)) == []
