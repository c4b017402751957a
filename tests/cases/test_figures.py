"""The centre's figures: received, accepted, resolved, 办结率, 化解率, 满意率, overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.cases.enums import CaseStatus, ResolutionOutcome
from bot.cases.figures import Period, rate
from bot.cases.models import Case
from bot.flows.figures import figures, figures_by
from bot.followups.enums import Rating, Solved, SurveyStatus
from bot.followups.models import Survey

MARCH = Period.month(2026, 3)
IN_MARCH = datetime(2026, 3, 15, 2, 0, tzinfo=UTC)
AFTER_MARCH = date(2026, 4, 20)


def _set(session: Session, cases: list[Case], **values: object) -> None:
    """Puts cases straight into a state (the figures read the store; the life cycle is tested elsewhere)."""
    session.execute(update(Case).where(Case.id.in_([case.id for case in cases])).values(**values))
    session.expire_all()


@pytest.fixture
def register(session: Session, make_case: Callable[..., Case]) -> Callable[..., list[Case]]:
    def register(
        count: int, kind: str = "dispute", *, at: datetime = IN_MARCH, **changes: object
    ) -> list[Case]:
        made = [make_case(kind, **changes) for _ in range(count)]
        _set(session, made, created_at=at, accept_due=at.date() + timedelta(days=3))
        return made

    return register


def test_rates_are_percentages_rounded_half_up_to_two_decimals() -> None:
    assert rate(89, 93) == Decimal("95.70")
    assert rate(87, 89) == Decimal("97.75")
    assert rate(1, 8) == Decimal("12.50")
    assert rate(0, 0) is None


def test_93_received_and_89_resolved_make_a_banjie_rate_of_95_70(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    received = register(93)
    _set(
        session,
        received[:80],
        status=CaseStatus.RESOLVED,
        accepted_at=IN_MARCH,
        outcome=ResolutionOutcome.AGREEMENT,
    )
    _set(
        session,
        received[80:89],
        status=CaseStatus.CLOSED,
        accepted_at=IN_MARCH,
        outcome=ResolutionOutcome.AGREEMENT,
    )
    _set(
        session,
        received[89:],
        status=CaseStatus.IN_PROGRESS,
        accepted_at=IN_MARCH,
        handle_due=date(2026, 5, 1),
    )

    result = figures(session=session, period=MARCH, today=AFTER_MARCH)

    assert (result.received, result.accepted, result.resolved) == (93, 93, 89)
    assert result.banjie_rate == Decimal("95.70")


def test_huajie_rate_counts_disputes_settled_by_agreement(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    disputes = register(8)
    _set(session, disputes[:6], status=CaseStatus.RESOLVED, outcome=ResolutionOutcome.AGREEMENT)
    _set(session, disputes[6:7], status=CaseStatus.CLOSED, outcome=ResolutionOutcome.NO_AGREEMENT)
    petitions = register(2, "petition")
    _set(session, petitions, status=CaseStatus.RESOLVED, outcome=ResolutionOutcome.ANSWERED)

    result = figures(session=session, period=MARCH, today=AFTER_MARCH)

    assert (result.disputes_settled, result.disputes_concluded) == (6, 7)
    assert result.huajie_rate == Decimal("85.71")


def test_manyi_rate_is_none_while_no_follow_up_was_answered(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    register(3)

    result = figures(session=session, period=MARCH, today=AFTER_MARCH)

    assert (result.manyi_rate, result.followups_answered, result.followups_satisfied) == (None, 0, 0)


def _answer(
    session: Session, cases: list[Case], rating: Rating, status: SurveyStatus = SurveyStatus.ANSWERED
) -> None:
    for case in cases:
        session.add(
            Survey(
                case=case,
                resident=case.resident,
                resolved_at=IN_MARCH,
                status=status,
                due_at=IN_MARCH,
                rating=rating if status is SurveyStatus.ANSWERED else None,
                solved=Solved.YES,
            )
        )
    session.flush()


def test_manyi_rate_counts_satisfied_and_basically_satisfied_answers(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    cases = register(93)
    _answer(session, cases[:80], Rating.SATISFIED)
    _answer(session, cases[80:87], Rating.BASICALLY_SATISFIED)
    _answer(session, cases[87:89], Rating.NOT_SATISFIED)
    _answer(session, cases[89:92], Rating.SATISFIED, status=SurveyStatus.UNANSWERED)

    result = figures(session=session, period=MARCH, today=AFTER_MARCH)

    assert (result.followups_satisfied, result.followups_answered) == (87, 89)
    assert result.manyi_rate == Decimal("97.75")


def test_rejected_and_withdrawn_cases_count_as_received_not_resolved(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    made = register(4)
    _set(session, made[:1], status=CaseStatus.REJECTED)
    _set(session, made[1:2], status=CaseStatus.WITHDRAWN)
    _set(
        session,
        made[2:3],
        status=CaseStatus.RESOLVED,
        accepted_at=IN_MARCH,
        outcome=ResolutionOutcome.AGREEMENT,
    )

    result = figures(session=session, period=MARCH, today=AFTER_MARCH)

    assert (result.received, result.rejected, result.withdrawn, result.accepted, result.resolved) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert result.banjie_rate == Decimal("25.00")


def test_overdue_counts_open_cases_past_their_deadline(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    made = register(3)
    _set(session, made[:1], accept_due=date(2026, 4, 19))
    _set(session, made[1:2], accept_due=date(2026, 4, 20))
    _set(session, made[2:], accept_due=date(2026, 4, 1), status=CaseStatus.WITHDRAWN)

    assert figures(session=session, period=MARCH, today=AFTER_MARCH).overdue == 1


def test_a_period_counts_only_cases_received_in_it_on_beijing_days(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    register(1, at=datetime(2026, 2, 28, 15, 59, tzinfo=UTC))  # 28 February, 23:59 in Huainan
    register(2, at=datetime(2026, 2, 28, 16, 0, tzinfo=UTC))  # 1 March, 00:00
    register(3, at=datetime(2026, 3, 31, 15, 59, tzinfo=UTC))  # 31 March, 23:59
    register(4, at=datetime(2026, 3, 31, 16, 0, tzinfo=UTC))  # 1 April, 00:00

    assert figures(session=session, period=MARCH, today=AFTER_MARCH).received == 5


def test_figures_filter_by_kind_and_category(session: Session, register: Callable[..., list[Case]]) -> None:
    register(2, "dispute", category="family")
    register(3, "dispute", category="neighbours")
    register(4, "petition")

    assert figures(session=session, period=MARCH, kind="dispute", today=AFTER_MARCH).received == 5
    assert figures(session=session, period=MARCH, category="family", today=AFTER_MARCH).received == 2


def test_figures_per_township_list_every_township_of_the_district(
    session: Session, register: Callable[..., list[Case]]
) -> None:
    resolved = register(2, township="上窑镇")
    register(1, township="上窑镇")
    register(1, township="孔店乡")
    _set(session, resolved, status=CaseStatus.RESOLVED, outcome=ResolutionOutcome.AGREEMENT)

    rows = figures_by(session=session, by="township", period=MARCH, today=AFTER_MARCH)

    assert [(row.group, row.received, row.resolved, row.banjie_rate) for row in rows] == [
        ("大通街道", 0, 0, None),
        ("洛河镇", 0, 0, None),
        ("上窑镇", 3, 2, Decimal("66.67")),
        ("九龙岗镇", 0, 0, None),
        ("孔店乡", 1, 0, Decimal("0.00")),
    ]


def test_figures_per_kind_and_per_category(session: Session, register: Callable[..., list[Case]]) -> None:
    register(2, "dispute", category="family")
    register(1, "consultation")

    by_kind = figures_by(session=session, by="kind", period=MARCH, today=AFTER_MARCH)
    by_category = figures_by(session=session, by="category", period=MARCH, today=AFTER_MARCH)

    assert [(row.group, row.received) for row in by_kind] == [
        ("dispute", 2),
        ("petition", 0),
        ("consultation", 1),
    ]
    assert [(row.group, row.received) for row in by_category] == [("family", 2), ("other", 1)]


def test_a_month_period_runs_from_its_first_day_to_the_next_months() -> None:
    assert Period.month(2026, 2) == Period(date(2026, 2, 1), date(2026, 3, 1))
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2027, 1, 1))
