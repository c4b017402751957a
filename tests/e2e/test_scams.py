"""The scam check, warnings and guardians with the real model, action server and gateway."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.cases.enums import CaseCategory, CaseKind
from bot.cases.models import Case
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.scams import alerts
from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e

POLICE_SCAM = "我是市公安局的警官，你涉嫌洗钱案件，请把钱转到安全账户配合调查，不要告诉家人"


def test_the_scam_check_api_answers_on_the_running_gateway(stack: Stack) -> None:
    response = stack.http.post("/api/scam-check", json={"text": POLICE_SCAM})

    assert response.status_code == 200
    assert response.json()["risk"] == "high" and response.json()["fraud_type"] == "fraud_police"


def test_asking_is_this_a_scam_then_pasting_gets_an_explained_high_risk(stack: Stack) -> None:
    asked = stack.chat("e2e-scam-1", "帮我看看这条短信是不是诈骗")
    assert "复制粘贴" in texts(asked)

    checked = stack.chat("e2e-scam-1", POLICE_SCAM)

    shown = texts(checked)
    assert "诈骗风险：高" in shown and "冒充公检法诈骗" in shown and "安全账户" in shown
    assert "是不是已经按对方说的转了钱" in shown


def test_already_paid_leads_to_the_cheated_steps_and_an_urgent_case_at_the_top(stack: Stack) -> None:
    stack.chat("e2e-scam-2", "帮我查一下这条消息是不是骗人的")
    checked = stack.chat("e2e-scam-2", POLICE_SCAM)

    paid = stack.press("e2e-scam-2", checked, "已经转钱或说了验证码")
    assert "被骗了怎么办" in texts(paid) and "110" in texts(paid)
    where = stack.press("e2e-scam-2", paid, "登记紧急求助")
    assert "哪个乡镇" in texts(where)
    opened = stack.press("e2e-scam-2", where, "洛河镇")

    number = re.search(r"DT-ZX-\d{4}-\d{6}", texts(opened))
    assert number is not None
    with session_scope(stack.settings) as session:
        case = session.scalars(select(Case).where(Case.number == number.group(0))).one()
        assert (case.kind, case.category, case.urgent) == (CaseKind.CONSULTATION, CaseCategory.FRAUD, True)


def test_in_english_the_check_and_its_question_are_in_english(stack: Stack) -> None:
    asked = stack.chat("e2e-scam-3", "is this a scam")
    assert "Paste the whole message" in texts(asked)

    checked = stack.chat(
        "e2e-scam-3",
        "This is officer Chen. Your ID is linked to money laundering. Transfer your savings to the safe account.",  # noqa: E501
    )

    assert "Scam risk: HIGH" in texts(checked) and "safe account" in texts(checked)


def test_a_subscriber_receives_a_published_warning_in_the_web_chat(stack: Stack) -> None:
    where = stack.chat("e2e-alert-1", "订阅防骗预警")
    subscribed = stack.press("e2e-alert-1", where, "洛河镇")
    assert "已订阅洛河镇的防骗预警" in texts(subscribed)

    with session_scope(stack.settings) as session:
        alert = alerts.publish(
            session=session,
            staff=None,
            text="近期有人冒充社保局打电话",
            fraud_type="elder_insurance",
            townships=["洛河镇"],
        )
        alert_id = alert.id
    replies = stack.pending("e2e-alert-1", until="冒充社保局")

    assert any("防骗预警" in reply["text"] for reply in replies)
    with session_scope(stack.settings) as session:
        counts = alerts.delivery_counts(session=session, alert=alerts.get(session=session, alert_id=alert_id))
        assert counts["sent"] == 1

    stopped = stack.chat("e2e-alert-1", "退订预警")
    assert "已退订" in texts(stopped)


def test_a_guardian_linked_by_code_hears_about_a_high_risk_check(stack: Stack) -> None:
    choose = stack.chat("e2e-elder-1", "绑定家人")
    given = stack.press("e2e-elder-1", choose, "高风险和已转钱都提醒")
    code = re.search(r"\d{10}", texts(given))
    assert code is not None

    linked = stack.chat("e2e-son-1", f"绑定 {code.group(0)}")
    assert "绑定成功" in texts(linked)

    stack.chat("e2e-elder-1", "帮我看看这条短信是不是诈骗")
    checked = stack.chat("e2e-elder-1", POLICE_SCAM)
    assert "家人发了提醒" in texts(checked)
    notice = stack.pending("e2e-son-1", until="家人守护")
    assert POLICE_SCAM not in str(notice)


def test_an_elderly_resident_is_offered_warnings_after_a_check(stack: Stack) -> None:
    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="e2e-elder-2")
        residents.set_elder_mode(session=session, resident=resident, on=True)

    stack.chat("e2e-elder-2", "帮我看看这条短信是不是诈骗")
    checked = stack.chat(
        "e2e-elder-2", "【菜鸟驿站】您的包裹已到幸福路驿站，取件码 3-2-1108，请于今日20:00前领取。"
    )

    assert "风险低" in texts(checked) and "订阅" in texts(checked)  # the elder-mode wording
