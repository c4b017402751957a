"""The follow-up loop with the real model: a case is resolved, the survey reaches the web chat,
the resident answers "not satisfied", and the case is reopened."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.cases import service as cases
from bot.cases import staff as staff_accounts
from bot.cases.enums import CaseStatus, StaffRole
from bot.cases.models import Case
from bot.cases.schemas import CaseCreate
from bot.cases.transitions import transition
from bot.db.session import session_scope
from bot.followups.enums import Rating, Solved, SurveyStatus
from bot.followups.models import Survey
from bot.residents import service as residents
from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e


def press(stack: Stack, sender: str, replies: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return stack.press(sender, {"replies": replies}, title)


def resolve_a_dispute(stack: Stack, sender: str) -> str:
    """Staff take a case of this web-chat resident from registration to resolved."""
    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=sender)
        case = cases.create(
            session=session,
            resident=resident,
            case_in=CaseCreate(
                kind="dispute",
                category="neighbours",
                township="洛河镇",
                title="楼上漏水",
                description="楼上卫生间漏水到我家厨房",
                channel="web",
            ),
        )
        worker = staff_accounts.create(
            session=session, username=f"sup-{sender}", password="a long password 1", role=StaffRole.SUPERVISOR
        )
        for status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
            transition(session=session, case=case, to=status, actor=worker.actor)
        transition(
            session=session,
            case=case,
            to=CaseStatus.RESOLVED,
            actor=worker.actor,
            note="物业已修好防水层",
            outcome="agreement",
        )
        return case.number


def test_an_unhappy_answer_reopens_the_case(stack: Stack) -> None:
    sender = "survey-unhappy"
    stack.chat(sender, text="你好")
    number = resolve_a_dispute(stack, sender)

    arrived = stack.pending(sender, until="满意吗")
    assert any("已受理" in r["text"] for r in arrived)
    assert any("已办结" in r["text"] and "物业已修好防水层" in r["text"] for r in arrived)
    assert any(number in r["text"] for r in arrived)

    solved = press(stack, sender, arrived, "不满意")
    assert "解决了吗" in texts(solved)
    comment = stack.press(sender, solved, "没解决")
    assert "还有什么想对我们说" in texts(comment)
    done = stack.chat(sender, text="楼上还在漏水，墙都发霉了")
    assert "已重新办理" in texts(done)

    with session_scope(stack.settings) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        survey = session.scalars(select(Survey).where(Survey.case_id == case.id)).one()
        assert case.status is CaseStatus.IN_PROGRESS
        assert "reopened: resident not satisfied" in (case.events[-1].note or "")
        assert (survey.status, survey.rating, survey.solved) == (
            SurveyStatus.ANSWERED,
            Rating.NOT_SATISFIED,
            Solved.NO,
        )
        assert survey.comment == "楼上还在漏水，墙都发霉了"


def test_a_happy_answer_in_english_closes_the_case(stack: Stack) -> None:
    sender = "survey-happy-en"
    stack.chat(sender, text="hello there, good morning")
    number = resolve_a_dispute(stack, sender)

    arrived = stack.pending(sender, until="Are you satisfied")
    assert any("has been resolved" in r["text"] for r in arrived)
    solved = press(stack, sender, arrived, "Satisfied")
    comment = stack.press(sender, solved, "Yes")
    done = stack.press(sender, comment, "Nothing more")
    assert "is now closed" in texts(done)

    with session_scope(stack.settings) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        assert case.status is CaseStatus.CLOSED


def test_stop_asking_me_is_honoured(stack: Stack) -> None:
    sender = "survey-stop"
    stack.chat(sender, text="你好")
    resolve_a_dispute(stack, sender)
    arrived = stack.pending(sender, until="满意吗")

    stopped = press(stack, sender, arrived, "以后别再问我")
    assert "不再向您发满意度回访" in texts(stopped)
    with session_scope(stack.settings) as session:
        statuses = session.scalars(select(Survey.status).join(Case).where(Case.title == "楼上漏水")).all()
        assert SurveyStatus.CANCELLED in statuses
