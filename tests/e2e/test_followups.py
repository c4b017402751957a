"""The follow-up loop with the real model: a case is resolved, the survey reaches the web chat,
the resident answers "not satisfied", and the case is reopened."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.cases.enums import CaseStatus
from bot.cases.models import Case
from bot.db.session import session_scope
from bot.followups.enums import Rating, Solved, SurveyStatus
from bot.followups.models import Survey
from tests.e2e.stack import Stack, resolved_dispute, texts

pytestmark = pytest.mark.e2e


def press(stack: Stack, sender: str, replies: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return stack.press(sender, {"replies": replies}, title)


def test_an_unhappy_answer_reopens_the_case(stack: Stack) -> None:
    sender = "survey-unhappy"
    stack.chat(sender, text="你好")
    number = resolved_dispute(stack, sender)

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
    number = resolved_dispute(stack, sender)

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
    resolved_dispute(stack, sender)
    arrived = stack.pending(sender, until="满意吗")

    stopped = press(stack, sender, arrived, "以后别再问我")
    assert "不再向您发满意度回访" in texts(stopped)
    with session_scope(stack.settings) as session:
        statuses = session.scalars(select(Survey.status).join(Case).where(Case.title == "楼上漏水")).all()
        assert SurveyStatus.CANCELLED in statuses
