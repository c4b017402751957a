"""Time limits: due dates on the district's calendar, across month ends; overdue and due-soon cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.deadlines import (
    acceptance_due,
    add_days,
    due_soon,
    due_text,
    handling_due,
    is_rest_day,
    local_date,
    next_working_day,
    overdue,
    period_text,
)
from bot.cases.enums import CaseKind
from bot.cases.errors import DeadlineError, NotPermitted
from bot.cases.models import Case
from bot.cases.transitions import transition
from bot.district import BUNDLED_PROFILE, Calendar, DistrictProfile, ProfileError, TimeLimits, parse_profile
from bot.intake import service as intake
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

    received = local_date(case.created_at, profile.zone)
    assert case.accept_due == next_working_day(received + timedelta(days=15), profile.calendar)
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
    accepted = local_date(case.accepted_at, profile.zone)
    assert case.handle_due == next_working_day(accepted + timedelta(days=60), profile.calendar)


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


# -- working days, holidays and how a due date is written (issue 24) ------------------------------

NATIONAL = Calendar()
DISPUTE = TimeLimits(
    accept_within_days=3, handle_within_days=30, extend_max_days=30, accept_in_working_days=True
)
CONSULTATION = TimeLimits(
    accept_within_days=1,
    handle_within_days=5,
    extend_max_days=5,
    accept_in_working_days=True,
    handle_in_working_days=True,
)


def test_the_holiday_calendar_knows_the_years_deadlines_reach() -> None:
    assert is_rest_day(date(2026, 10, 1), NATIONAL)  # National Day
    assert not is_rest_day(date(2026, 10, 10), NATIONAL)  # a Saturday worked in exchange (调休)
    assert is_rest_day(date(2027, 1, 1), NATIONAL)  # next year's New Year's Day
    assert is_rest_day(date(2026, 12, 5), NATIONAL) and not is_rest_day(date(2026, 12, 7), NATIONAL)


@pytest.mark.parametrize(
    ("limits", "received", "due"),
    [
        (DISPUTE, date(2026, 12, 3), date(2026, 12, 8)),  # Thursday: Fri, Mon, Tue
        (DISPUTE, date(2026, 12, 4), date(2026, 12, 9)),  # Friday: Mon, Tue, Wed
        (CONSULTATION, date(2026, 12, 4), date(2026, 12, 7)),  # Friday: the next Monday
        (DISPUTE, date(2026, 9, 30), date(2026, 10, 10)),  # over National Day, to the swapped Saturday
    ],
)
def test_short_targets_count_working_days(limits: TimeLimits, received: date, due: date) -> None:
    assert acceptance_due(received, limits, NATIONAL) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 9, 16), date(2026, 10, 8)),  # 1 October is National Day: the day after the holiday
        (date(2026, 11, 22), date(2026, 12, 7)),  # a Sunday: the Monday
        (date(2026, 9, 25), date(2026, 10, 10)),  # a Saturday worked in exchange stays
        (date(2026, 12, 3), date(2026, 12, 18)),  # a working day stays
    ],
)
def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day(received: date, due: date) -> None:
    # 民法典 Art. 203: the period ends on the day after the holiday.
    assert acceptance_due(received, PETITION, NATIONAL) == due


def test_the_profiles_own_calendar_overrides_the_national_one() -> None:
    local = Calendar(extra_rest_days=(date(2026, 12, 18),), extra_working_days=(date(2026, 12, 5),))
    assert acceptance_due(date(2026, 12, 3), PETITION, local) == date(2026, 12, 21)
    assert add_days(date(2026, 12, 3), 2, working_days=True, calendar=local) == date(2026, 12, 5)


def test_a_day_cannot_be_both_a_rest_day_and_a_working_day() -> None:
    text = (
        BUNDLED_PROFILE.read_text(encoding="utf-8")
        .replace("extra_rest_days: []", "extra_rest_days: [2027-01-04]")
        .replace("extra_working_days: []", "extra_working_days: [2027-01-04]")
    )
    with pytest.raises(ProfileError, match="calendar"):
        parse_profile(text)


def test_the_bundled_profile_counts_short_targets_in_working_days(profile: DistrictProfile) -> None:
    assert profile.limits(CaseKind.DISPUTE).accept_in_working_days
    assert profile.limits(CaseKind.CONSULTATION).accept_in_working_days
    assert not profile.limits(CaseKind.PETITION).accept_in_working_days  # 信访工作条例 counts 日


def test_a_new_dispute_is_never_due_on_a_rest_day(
    make_case: Callable[..., Case], session: Session, profile: DistrictProfile
) -> None:
    case = make_case("dispute")
    session.refresh(case)

    assert not is_rest_day(case.accept_due, profile.calendar)
    received = local_date(case.created_at, profile.zone)
    assert case.accept_due == add_days(received, 3, working_days=True, calendar=profile.calendar)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hans", "2026年12月6日（含当日）"),
        ("zh-Hant", "2026年12月6日（含当日）"),  # converted by the gateway: 含當日
        ("en", "6 December 2026, that day included"),
    ],
)
def test_a_due_date_is_written_out_with_the_last_day_included(language: str, text: str) -> None:
    assert due_text(date(2026, 12, 6), language) == text


def test_a_receipt_names_the_last_day_and_counts_working_days(profile: DistrictProfile) -> None:
    case = Case(
        number="DT-JF-2026-000001",
        kind=CaseKind.DISPUTE,
        township="洛河镇",
        accept_due=date(2026, 12, 8),
        language="zh-Hans",
    )
    receipt = intake.receipt(case=case, profile=profile)

    assert receipt["accept_due"] == "2026年12月8日（含当日）"
    assert receipt["accept_period"] == "3 个工作日"
    assert "-" not in receipt["accept_due"]
    assert period_text(60, working_days=False, language="en") == "60 days"
