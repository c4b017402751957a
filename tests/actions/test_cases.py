"""My cases, looking a case up by number, and withdrawing one: saved trackers, the real store."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

import actions.cases as case_actions
from bot.actors import Actor, ActorRole
from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.flows import status as status_flow
from bot.residents import service as residents
from tests.actions.test_intake import run, tracker
from tests.conftest import build_case_input


@pytest.fixture
def store(committed: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(case_actions, "settings", lambda: committed)
    return committed


def register(store: Settings, external_id: str, **changes: Any) -> str:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=external_id)
        return cases.create(
            session=session, case_in=build_case_input("dispute", **changes), resident=resident
        ).number


def status_of(store: Settings, number: str) -> CaseStatus:
    with session_scope(store) as session:
        return session.scalars(select(Case.status).where(Case.number == number)).one()


def test_my_cases_lists_only_my_own_with_status_and_latest_event(store: Settings) -> None:
    mine = register(store, "me-1", title="邻居装修噪音")
    theirs = register(store, "other-1", title="别人的事")
    messages, _ = run(case_actions.ActionMyCases(), tracker("web:me-1", text="查询进度", intent="my_cases"))
    [reply] = messages
    assert reply["response"] == "utter_my_cases"
    assert mine in reply["cases"] and "已登记，等待受理" in reply["cases"] and "登记" in reply["cases"]
    assert theirs not in reply["cases"]
    assert reply["buttons"][0]["payload"] == f'/withdraw_case{{"n":"{mine}"}}'


def test_in_elder_mode_my_cases_says_only_number_title_and_status(store: Settings) -> None:
    mine = register(store, "me-elder", title="邻居装修噪音")
    elder = tracker("web:me-elder", text="查询进度", intent="my_cases", slots={"elder_mode": True})
    [reply], _ = run(case_actions.ActionMyCases(), elder)
    assert reply["cases"] == f"{mine} 邻居装修噪音：已登记，等待受理"
    assert reply["buttons"][0]["payload"] == f'/withdraw_case{{"n":"{mine}"}}'


def test_another_residents_case_number_is_answered_as_if_it_did_not_exist(store: Settings) -> None:
    theirs = register(store, "other-2")
    missing = theirs[:-1] + ("9" if theirs[-1] != "9" else "8")
    answers = []
    for number in (theirs, missing):
        messages, _ = run(
            case_actions.ActionMyCases(), tracker("web:me-2", text=f"{number} 办到哪了", intent="my_cases")
        )
        answers.append({key: value for key, value in messages[0].items() if key != "case_number"})
    assert answers[0] == answers[1]
    assert answers[0]["response"] == "utter_case_not_found"


def test_a_case_is_withdrawn_only_after_confirmation(store: Settings) -> None:
    number = register(store, "me-3")
    messages, _ = run(
        case_actions.ActionPrepareWithdraw(), tracker("web:me-3", text="我要撤回", intent="withdraw_case")
    )
    assert messages[0]["response"] == "utter_ask_withdraw_confirm"
    assert status_of(store, number) is CaseStatus.REGISTERED

    confirm = messages[0]["buttons"][0]["payload"]
    assert confirm == f'/withdraw_confirm{{"n":"{number}"}}'
    saved = tracker(
        "web:me-3", text=confirm, intent="withdraw_confirm", entities=[{"entity": "n", "value": number}]
    )
    messages, _ = run(case_actions.ActionWithdrawCase(), saved)
    assert messages[0]["response"] == "utter_case_withdrawn"
    assert status_of(store, number) is CaseStatus.WITHDRAWN


def test_a_typed_yes_withdraws_only_right_after_the_question(store: Settings) -> None:
    number = register(store, "me-4")
    asked = [
        {"event": "action", "name": "action_prepare_withdraw"},
        {"event": "action", "name": "action_listen"},
    ]
    saved = tracker(
        "web:me-4",
        text="确定撤回",
        intent="withdraw_confirm",
        slots={"withdraw_number": number},
        events=asked,
    )
    run(case_actions.ActionWithdrawCase(), saved)
    assert status_of(store, number) is CaseStatus.WITHDRAWN

    other = register(store, "me-4")
    later = [*asked, {"event": "action", "name": "utter_greet"}]
    saved = tracker(
        "web:me-4", text="确定撤回", intent="withdraw_confirm", slots={"withdraw_number": other}, events=later
    )
    messages, _ = run(case_actions.ActionWithdrawCase(), saved)
    assert messages[0]["response"] == "utter_nothing_to_withdraw"
    assert status_of(store, other) is CaseStatus.REGISTERED


def test_a_case_in_progress_cannot_be_withdrawn(store: Settings) -> None:
    number = register(store, "me-5")
    with session_scope(store) as session:
        case = cases.get_by_number(session=session, number=number)
        staff = Actor(role=ActorRole.CASEWORKER)
        status_flow.change_status(session=session, case=case, to="accepted", actor=staff)
        status_flow.change_status(session=session, case=case, to="in_progress", actor=staff)
    saved = tracker("web:me-5", text=f"撤回 {number}", intent="withdraw_case")
    messages, _ = run(case_actions.ActionPrepareWithdraw(), saved)
    assert messages[0]["response"] == "utter_case_not_withdrawable"
    assert messages[0]["status"] == "正在办理"
    assert status_of(store, number) is CaseStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("text", "language", "response"),
    [
        ("我老公一喝酒就打我，这种事该找谁", "zh-Hans", "utter_danger_violence"),
        ("he hits me when he drinks, who can help", "en", "utter_danger_violence"),
    ],
)
def test_route_advice_puts_danger_before_mediation(text: str, language: str, response: str) -> None:
    saved = tracker("web:route-danger", text=text, intent="ask_route", slots={"language": language})
    messages, _ = run(case_actions.ActionRouteAdvice(), saved)

    assert [message["response"] for message in messages] == [response]
    assert not messages[0]["buttons"]  # no "register a dispute" offer
