"""The figures over a mixed set of chat, walk-in and phone cases, each taken through its life cycle
by the same services, match a hand count, in total and by how the cases came in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import on_behalf
from bot.cases.deadlines import today as district_today
from bot.cases.figures import Period
from bot.cases.models import Case
from bot.flows.figures import figures, figures_by
from bot.flows.status import change_status
from bot.followups.enums import Rating, Solved, SurveyStatus
from bot.followups.models import Survey
from bot.staff.models import StaffUser


def _walk(session: Session, case: Case, staff: StaffUser, *steps: str, outcome: str = "agreement") -> None:
    for step in steps:
        change_status(
            session=session,
            case=case,
            to=step,
            actor=staff.actor,
            note="不属于受理范围" if step == "rejected" else None,
            resolution="已办结" if step == "resolved" else None,
            outcome=outcome if step == "resolved" else None,
        )


def _answer(session: Session, case: Case, rating: Rating) -> None:
    survey = session.scalars(select(Survey).where(Survey.case_id == case.id)).one()
    survey.status, survey.rating, survey.solved = SurveyStatus.ANSWERED, rating, Solved.YES
    session.flush()


def test_figures_by_source_match_a_hand_count(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    staff = make_staff("supervisor")

    def staff_case(source: str) -> Case:
        case_in = on_behalf.StaffCaseIn(
            kind="dispute",
            category="neighbours",
            township="洛河镇",
            description="邻里之间因为院墙起了争执",
            contact_phone="13812345678",
            source=source,
            consent="by_phone" if source == "phone" else "in_person",
        )
        return on_behalf.register(session=session, staff=staff, case_in=case_in).case

    chat = [make_case() for _ in range(4)]
    walk_in = [staff_case("walk_in") for _ in range(3)]
    phone = [staff_case("phone") for _ in range(2)]
    resolve = ("accepted", "in_progress", "resolved")
    # chat: two settled, one rejected, one still waiting.
    _walk(session, chat[0], staff, *resolve)
    _walk(session, chat[1], staff, *resolve)
    _walk(session, chat[2], staff, "rejected")
    # walk-in: one settled, one without agreement, one accepted.
    _walk(session, walk_in[0], staff, *resolve)
    _walk(session, walk_in[1], staff, *resolve, outcome="no_agreement")
    _walk(session, walk_in[2], staff, "accepted")
    # phone: one settled, one rejected.
    _walk(session, phone[0], staff, *resolve)
    _walk(session, phone[1], staff, "rejected")
    _answer(session, chat[0], Rating.SATISFIED)
    _answer(session, chat[1], Rating.NOT_SATISFIED)
    _answer(session, walk_in[0], Rating.BASICALLY_SATISFIED)
    _answer(session, phone[0], Rating.SATISFIED)
    today = district_today(session=session)
    period = Period(today - timedelta(days=1), today + timedelta(days=1))

    total = figures(session=session, period=period)
    by_source = {row.group: row for row in figures_by(session=session, by="source", period=period)}

    def counted(group: str | None) -> tuple[object, ...]:
        row = total if group is None else by_source[group]
        return (
            row.received,
            row.accepted,
            row.rejected,
            row.resolved,
            row.banjie_rate,
            row.huajie_rate,
            row.manyi_rate,
        )

    assert counted(None) == (9, 6, 2, 5, Decimal("55.56"), Decimal("80.00"), Decimal("75.00"))
    assert counted("chat") == (4, 2, 1, 2, Decimal("50.00"), Decimal("100.00"), Decimal("50.00"))
    assert counted("walk_in") == (3, 3, 0, 2, Decimal("66.67"), Decimal("50.00"), Decimal("100.00"))
    assert counted("phone") == (2, 1, 1, 1, Decimal("50.00"), Decimal("100.00"), Decimal("100.00"))
    assert list(by_source) == ["chat", "walk_in", "phone", "patrol", "letter"]
    assert by_source["patrol"].received == by_source["letter"].received == 0
    # The parts add up to the whole.
    assert sum(row.received for row in by_source.values()) == total.received
    assert sum(row.resolved for row in by_source.values()) == total.resolved
