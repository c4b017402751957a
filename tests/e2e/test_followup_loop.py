"""The whole follow-up loop as people live it: a resident files a dispute by chatting, staff
resolve it through /api/staff, the survey reaches the resident's channel (web chat, Telegram),
the resident answers "not satisfied", and the case is reopened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.cases.schemas import CaseCreate
from bot.config import TelegramSettings
from bot.db.session import session_scope
from bot.launcher.processes import Service
from bot.residents import service as residents
from tests.e2e.stack import Stack, supervisor_headers, texts
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def staff_api(stack: Stack) -> dict[str, str]:
    """A supervisor's bearer token for /api/staff."""
    return supervisor_headers(stack.settings, "loop.supervisor")


def resolve_through_the_staff_api(stack: Stack, headers: dict[str, str], number: str) -> None:
    for step in (
        {"to": "accepted"},
        {"to": "in_progress"},
        {"to": "resolved", "note": "双方达成协议，楼上已停止夜间施工", "outcome": "agreement"},
    ):
        response = stack.http.post(f"/api/staff/cases/{number}/transition", json=step, headers=headers)
        assert response.status_code == 200, response.text


def file_a_dispute(stack: Stack, sender: str) -> str:
    reply = stack.chat(sender, text="我要登记纠纷")
    for answer in ("1 同意", "1 邻里纠纷"):
        reply = stack.press(sender, reply, answer)
    for text in (
        "孔店乡",
        "毛郢村",
        "楼上邻居每天半夜装修",
        "楼上的住户",
        "晚上十点以后别施工",
        "13812345678",
        "1",
    ):
        reply = stack.chat(sender, text=text)
    reply = stack.press(sender, reply, "1 确认提交")
    with session_scope(stack.settings) as session:
        resident = residents.find_by_channel(session=session, channel="web", external_id=sender)
        assert resident is not None
        [case] = cases.for_resident(session=session, resident=resident)
        assert case.number in texts(reply)
        return case.number


def status_of(stack: Stack, number: str) -> CaseStatus:
    with session_scope(stack.settings) as session:
        return cases.get_by_number(session=session, number=number).status


def test_web_chat_a_dispute_filed_resolved_surveyed_and_reopened(
    stack: Stack, staff_api: dict[str, str]
) -> None:
    sender = "loop-web"
    number = file_a_dispute(stack, sender)
    resolve_through_the_staff_api(stack, staff_api, number)

    arrived = stack.pending(sender, until="满意吗")
    assert any("已办结" in r["text"] and "双方达成协议" in r["text"] for r in arrived)
    solved = stack.press(sender, {"replies": arrived}, "不满意")
    stack.press(sender, solved, "没解决")
    done = stack.chat(sender, text="还是半夜在装修")
    assert "已重新办理" in texts(done)
    assert status_of(stack, number) is CaseStatus.IN_PROGRESS

    detail = stack.http.get(f"/api/staff/cases/{number}", headers=staff_api).json()
    assert detail["status"] == "in_progress"
    assert any("reopened: resident not satisfied" in (e.get("note") or "") for e in detail["events"])


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def telegram_gateway(stack: Stack, telegram: FakeTelegram) -> Iterator[Service]:
    # The survey goes out from the dispatcher of a gateway that has Telegram on.
    service = stack.extra_gateway(
        telegram=TelegramSettings(token="123456:LOOP", base_url=f"http://127.0.0.1:{telegram.port}"),
    )
    yield service
    service.stop()


def buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def test_telegram_the_survey_arrives_and_an_unhappy_answer_reopens_the_case(
    stack: Stack, staff_api: dict[str, str], telegram: FakeTelegram, telegram_gateway: Service
) -> None:
    user = 8801
    telegram.message(user, text="你好")
    telegram.wait_for_messages(user, 1)
    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="telegram", external_id=str(user))
        number = cases.create(
            session=session,
            resident=resident,
            case_in=CaseCreate(
                kind="dispute",
                category="neighbours",
                township="洛河镇",
                title="院子排水",
                channel="telegram",
                description="邻居家的排水管通到我家院子",
            ),
        )
        number = number.number
    resolve_through_the_staff_api(stack, staff_api, number)

    question = telegram.wait_for(
        lambda: next((m for m in telegram.sent(user) if "满意吗" in m["text"]), None), timeout=90
    )
    telegram.callback(user, buttons(question)["不满意"])
    solved = telegram.wait_for(
        lambda: next((m for m in telegram.sent(user) if "解决了吗" in m["text"]), None)
    )
    telegram.callback(user, buttons(solved)["没解决"])
    telegram.wait_for(lambda: any("还有什么想对我们说" in m["text"] for m in telegram.sent(user)))
    telegram.message(user, text="管子还没改")
    telegram.wait_for(lambda: any("已重新办理" in m["text"] for m in telegram.sent(user)))
    assert status_of(stack, number) is CaseStatus.IN_PROGRESS
    assert any("已受理" in m["text"] for m in telegram.sent(user))  # the status notices came too
