"""Time limits: due dates on the district's calendar, across month ends; overdue and due-soon cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.deadlines import acceptance_due, due_soon, handling_due, local_date, overdue
from bot.cases.errors import DeadlineError, NotPermitted
from bot.cases.models import Case
from bot.cases.transitions import transition
from bot.district import DistrictProfile, TimeLimits
from bot.staff.models import StaffUser

PETITION = TimeLimits(accept_within_days=15, handle_within_days=60, extend_max_days=30)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 15)),
        (date(2026, 2, 20), date(2026, 3, 7)),
        (date(2028, 2, 20), date(2028, 3, 6)),  # leap year
        (date(2026, 12, 20), date(2027, 1, 4)),
    ],
)
def test_acceptance_is_due_15_calendar_days_after_receipt(received: date, due: date) -> None:
    assert acceptance_due(received, PETITION) == due


def test_handling_is_due_60_days_after_acceptance_across_month_ends() -> None:
    assert handling_due(date(2026, 1, 31), PETITION) == date(2026, 4, 1)


def test_a_case_received_late_at_night_utc_counts_from_the_next_beijing_day(profile: DistrictProfile) -> None:
    received = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)  # 1 February, 00:30 in Huainan

    assert local_date(received, profile.zone) == date(2026, 2, 1)
    assert acceptance_due(local_date(received, profile.zone), PETITION) == date(2026, 2, 16)


def test_a_new_petition_must_be_decided_on_within_15_days(
    make_case: Callable[..., Case], session: Session, profile: DistrictProfile
) -> None:
    case = make_case("petition")
    session.refresh(case)

    assert case.accept_due == local_date(case.created_at, profile.zone) + timedelta(days=15)
    assert case.handle_due is None


def test_accepting_a_petition_sets_the_60_day_handling_deadline(
    make_case: Callable[..., Case],
    session: Session,
    profile: DistrictProfile,
    make_staff: Callable[..., StaffUser],
) -> None:
    case = make_case("petition")

    transition(session=session, case=case, to="accepted", actor=make_staff().actor)

    assert case.accepted_at is not None
    assert case.handle_due == local_date(case.accepted_at, profile.zone) + timedelta(days=60)


@pytest.fixture
def accepted_petition(
    make_case: Callable[..., Case], session: Session, make_staff: Callable[..., StaffUser]
) -> Case:
    case = make_case("petition")
    transition(session=session, case=case, to="accepted", actor=make_staff().actor)
    return case


def test_a_supervisor_extends_the_handling_deadline_once(
    session: Session, accepted_petition: Case, make_staff: Callable[..., StaffUser]
) -> None:
    due = accepted_petition.handle_due
    assert due is not None

    cases.extend_deadline(
        session=session,
        case=accepted_petition,
        days=30,
        actor=make_staff("supervisor").actor,
        reason="需会同人社部门核查",
    )

    assert accepted_petition.handle_due == due + timedelta(days=30)
    assert (
        accepted_petition.events[-1].note
        == f"+30 days to {(due + timedelta(days=30)).isoformat()}: 需会同人社部门核查"
    )


def test_a_second_extension_is_refused(
    session: Session, accepted_petition: Case, make_staff: Callable[..., StaffUser]
) -> None:
    supervisor = make_staff("supervisor").actor
    cases.extend_deadline(session=session, case=accepted_petition, days=10, actor=supervisor, reason="核查")

    with pytest.raises(DeadlineError, match="already extended once"):
        cases.extend_deadline(
            session=session, case=accepted_petition, days=10, actor=supervisor, reason="再核查"
        )


def test_an_extension_beyond_the_profiles_limit_is_refused(
    session: Session, accepted_petition: Case, make_staff: Callable[..., StaffUser]
) -> None:
    due = accepted_petition.handle_due

    with pytest.raises(DeadlineError, match="1 to 30 days, not 31"):
        cases.extend_deadline(
            session=session,
            case=accepted_petition,
            days=31,
            actor=make_staff("supervisor").actor,
            reason="核查",
        )
    assert accepted_petition.handle_due == due


def test_a_caseworker_cannot_extend_a_deadline(
    session: Session, accepted_petition: Case, make_staff: Callable[..., StaffUser]
) -> None:
    with pytest.raises(NotPermitted):
        cases.extend_deadline(
            session=session, case=accepted_petition, days=5, actor=make_staff().actor, reason="忙"
        )


def _due(session: Session, case: Case, **dates: date) -> None:
    session.execute(update(Case).where(Case.id == case.id).values(**dates))
    session.refresh(case)


TODAY = date(2026, 3, 10)


def test_overdue_lists_open_cases_past_their_current_deadline(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    late_decision = make_case("petition")
    _due(session, late_decision, accept_due=date(2026, 3, 9))
    on_time = make_case("petition")
    _due(session, on_time, accept_due=TODAY)
    late_handling = make_case("dispute")
    transition(session=session, case=late_handling, to="accepted", actor=make_staff().actor)
    _due(session, late_handling, accept_due=date(2026, 1, 1), handle_due=date(2026, 2, 28))

    assert [case.number for case in overdue(session=session, today=TODAY)] == [
        late_decision.number,
        late_handling.number,
    ]


def test_a_resolved_case_is_never_overdue(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("petition")
    worker = make_staff().actor
    for status in ("accepted", "in_progress"):
        transition(session=session, case=case, to=status, actor=worker)
    transition(session=session, case=case, to="resolved", actor=worker, note="已答复")
    _due(session, case, accept_due=date(2026, 1, 1), handle_due=date(2026, 1, 2))

    assert overdue(session=session, today=TODAY) == []


def test_due_soon_lists_cases_due_within_the_next_days(
    session: Session, make_case: Callable[..., Case]
) -> None:
    soon, later, past = make_case("petition"), make_case("petition"), make_case("petition")
    _due(session, soon, accept_due=TODAY + timedelta(days=3))
    _due(session, later, accept_due=TODAY + timedelta(days=4))
    _due(session, past, accept_due=TODAY - timedelta(days=1))

    assert [case.number for case in due_soon(session=session, today=TODAY, within_days=3)] == [soon.number]


def test_overdue_filters_by_township(session: Session, make_case: Callable[..., Case]) -> None:
    here = make_case("dispute", township="上窑镇")
    there = make_case("dispute", township="洛河镇")
    for case in (here, there):
        _due(session, case, accept_due=date(2026, 3, 1))

    assert [case.number for case in overdue(session=session, today=TODAY, township="上窑镇")] == [here.number]
