"""Filing disputes and petitions through /api/chat with the real model, then checking the store."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot import transcript
from bot.cases.enums import CaseStatus, EventAction
from bot.cases.models import Case
from bot.db.session import session_scope
from bot.residents import service as residents
from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e


def cases_of(stack: Stack, sender: str) -> list[Case]:
    with session_scope(stack.settings) as session:
        resident = residents.find_by_channel(session=session, channel="web", external_id=sender)
        if resident is None:
            return []
        found = list(session.scalars(select(Case).where(Case.resident_id == resident.id)))
        for case in found:
            _ = (case.events, transcript.for_case(session=session, case=case))
        session.expunge_all()
        return found


def say(stack: Stack, sender: str, text: str) -> dict[str, Any]:
    return stack.chat(sender, text=text)


def test_a_newcomer_files_a_dispute_in_chinese_and_gets_a_case_number(stack: Stack) -> None:
    sender = "intake-zh-1"
    reply = say(stack, sender, "我要登记纠纷")
    assert "同意吗" in texts(reply)
    reply = stack.press(sender, reply, "1 同意")
    assert "哪一类纠纷" in texts(reply)
    reply = stack.press(sender, reply, "1 邻里纠纷")
    assert "哪个镇" in texts(reply)
    reply = say(stack, sender, "孔店")
    assert "孔店乡的哪个村" in texts(reply)
    reply = say(stack, sender, "毛营村")
    assert "没找到「毛营村」" in texts(reply)
    reply = stack.press(sender, reply, "1 毛郢村")
    assert "发生了什么" in texts(reply)
    reply = say(stack, sender, "楼上邻居每天晚上十一点以后还在装修，吵得老人睡不着")
    assert "对方是谁" in texts(reply)
    reply = say(stack, sender, "楼上302的住户")
    assert "怎么解决" in texts(reply)
    reply = say(stack, sender, "晚上十点以后停止施工")
    assert "联系电话" in texts(reply)
    reply = say(stack, sender, "为什么要我的电话")
    assert "联系您" in texts(reply) and "联系电话" in texts(reply)  # answered, then asked again
    reply = say(stack, sender, "138123")
    assert "号码好像不对" in texts(reply)
    reply = say(stack, sender, "13812345678")
    assert "怎么调解" in texts(reply)
    reply = say(stack, sender, "1")
    assert "请核对" in texts(reply) and "孔店乡 毛郢村" in texts(reply)
    reply = stack.press(sender, reply, "1 确认提交")

    [case] = cases_of(stack, sender)
    assert case.number in texts(reply)
    assert "3 个工作日内" in texts(reply) and "（含当日）" in texts(reply)
    assert "说事室的地址和开放时间请咨询所在村" in texts(reply)
    assert (case.kind.value, case.category.value, case.status) == (
        "dispute",
        "neighbours",
        CaseStatus.REGISTERED,
    )
    assert (case.township, case.village, case.contact_phone) == ("孔店乡", "毛郢村", "13812345678")
    assert case.other_party == "楼上302的住户"
    assert case.request == "晚上十点以后停止施工"
    assert [event.action for event in case.events] == [EventAction.CREATED]
    with session_scope(stack.settings) as session:
        linked = [message.text for message in transcript.for_case(session=session, case=session.merge(case))]
    assert linked[0] == "我要登记纠纷"
    assert "13812345678" in linked


def test_a_dispute_can_be_cancelled_and_nothing_is_stored(stack: Stack) -> None:
    sender = "intake-cancel-1"
    reply = say(stack, sender, "我想申请调解")
    reply = stack.press(sender, reply, "1 同意")
    reply = say(stack, sender, "2")
    reply = say(stack, sender, "取消")
    assert "已取消" in texts(reply)
    assert cases_of(stack, sender) == []


def test_a_petition_is_filed_in_english_with_typed_answers(stack: Stack) -> None:
    sender = "intake-en-1"
    reply = say(stack, sender, "I want to file a petition")
    assert "Do you agree?" in texts(reply)
    reply = say(stack, sender, "I agree")
    assert "what is it about" in texts(reply)
    reply = say(stack, sender, "My pension was calculated wrongly")
    assert "Which town" in texts(reply)
    reply = say(stack, sender, "2")
    assert "facts and your request" in texts(reply)
    reply = say(
        stack,
        sender,
        "Since I retired last year my pension is lower than my contributions. Please recalculate it.",
    )
    assert "already handling" in texts(reply)
    reply = stack.press(sender, reply, "1 No, nobody else is handling it")
    assert "your name" in texts(reply)
    reply = say(stack, sender, "Wang Xiaoming")
    reply = say(stack, sender, "0554-6661234")
    assert "ID card number" in texts(reply)
    reply = say(stack, sender, "110105194912310021")
    assert "check digit" in texts(reply)
    reply = say(stack, sender, "11010519491231002X")
    assert "Please check" in texts(reply) and "110***********002X" in texts(reply)
    reply = say(stack, sender, "submit")

    [case] = cases_of(stack, sender)
    assert case.number.startswith("DT-XF-") and case.number in texts(reply)
    assert "15 days" in texts(reply)
    assert (case.kind.value, case.status, case.township) == ("petition", CaseStatus.REGISTERED, "洛河镇")
    assert case.title == "My pension was calculated wrongly"
    assert (case.id_number, case.contact_phone, case.language) == ("11010519491231002X", "0554-6661234", "en")
    assert [event.action for event in case.events] == [EventAction.CREATED]


def test_a_matter_in_court_is_not_registered_as_a_petition(stack: Stack) -> None:
    sender = "intake-court-1"
    reply = say(stack, sender, "我要信访")
    reply = stack.press(sender, reply, "1 同意")
    reply = say(stack, sender, "工伤赔偿的事")
    reply = stack.press(sender, reply, "1 大通街道")
    reply = say(stack, sender, "单位不给工伤赔偿，我已经起诉了，法院还没判")
    reply = stack.press(sender, reply, "3 已经起诉到法院")
    assert "不能再作为信访事项受理" in texts(reply) and "12348" in texts(reply)
    assert cases_of(stack, sender) == []


def test_a_form_interrupted_by_a_restart_of_every_process_finishes_with_one_case(stack: Stack) -> None:
    sender = "intake-restart-1"
    reply = say(stack, sender, "我要申请调解")
    reply = stack.press(sender, reply, "1 同意")
    reply = stack.press(sender, reply, "3 劳动欠薪纠纷")
    reply = say(stack, sender, "大通")
    reply = say(stack, sender, "居南")
    assert "发生了什么" in texts(reply)

    stack.stop()
    stack.start()

    reply = say(stack, sender, "在工地干了三个月活，老板一直不发工资")
    assert "对方是谁" in texts(reply)
    reply = say(stack, sender, "包工头李某")
    reply = say(stack, sender, "结清工资一万二")
    reply = say(stack, sender, "13912345678")
    reply = say(stack, sender, "电话调解")
    assert "请核对" in texts(reply) and "大通街道 居南社区" in texts(reply)
    reply = say(stack, sender, "确认提交")
    [case] = cases_of(stack, sender)
    assert case.number in texts(reply)
    assert (case.category.value, case.village, case.contact_preference.value) == (
        "labour",
        "居南社区",
        "phone",
    )


def test_my_cases_shows_status_and_a_case_can_be_withdrawn_after_confirming(stack: Stack) -> None:
    sender = "intake-mine-1"
    reply = say(stack, sender, "登记纠纷")
    reply = stack.press(sender, reply, "1 同意")
    for answer in (
        "5",
        "孔店乡",
        "东河",
        "网购的电饭煲坏了商家不退",
        "某网店",
        "退货退款",
        "13812345678",
        "2",
    ):
        reply = say(stack, sender, answer)
    reply = stack.press(sender, reply, "1 确认提交")
    [case] = cases_of(stack, sender)

    reply = say(stack, sender, "查询进度")
    assert case.number in texts(reply) and "已登记，等待受理" in texts(reply)
    reply = stack.press(sender, reply, f"撤回 {case.number}")
    assert "确定要撤回" in texts(reply)
    reply = stack.press(sender, reply, "确定撤回")
    assert "已撤回" in texts(reply)
    [case] = cases_of(stack, sender)
    assert case.status is CaseStatus.WITHDRAWN

    stranger = say(stack, "intake-stranger-1", f"查询 {case.number} 的进度")
    assert "没有编号为" in texts(stranger) and "已撤回" not in texts(stranger)


def test_asking_which_route_suits_wages_points_to_labour_routes_and_offers_to_register(stack: Stack) -> None:
    sender = "intake-route-1"
    reply = say(stack, sender, "老板拖欠工资三个月了我该找谁")
    assert "劳动保障监察" in texts(reply) and "仲裁" in texts(reply)
    reply = stack.press(sender, reply, "登记矛盾纠纷")
    reply = stack.press(sender, reply, "1 同意")
    assert "哪个镇" in texts(reply)  # the category came with the button


def test_after_delete_my_data_neither_the_store_nor_rasas_tracker_holds_the_phone_or_words(
    stack: Stack,
) -> None:
    from sqlalchemy import create_engine, text

    from bot.registry import metadata

    sender = "erase-zh-1"
    words = "楼下烧烤店油烟天天往我家窗户里灌"
    reply = say(stack, sender, "我要登记纠纷")
    reply = stack.press(sender, reply, "1 同意")
    reply = stack.press(sender, reply, "1 邻里纠纷")
    reply = say(stack, sender, "孔店")
    reply = say(stack, sender, "毛郢村")
    reply = say(stack, sender, words)
    reply = say(stack, sender, "楼下烧烤店")
    reply = say(stack, sender, "晚上别再排油烟")
    reply = say(stack, sender, "13812345670")
    reply = say(stack, sender, "1")
    reply = stack.press(sender, reply, "1 确认提交")
    assert cases_of(stack, sender), texts(reply)

    reply = say(stack, sender, "删除我的信息")
    reply = stack.press(sender, reply, "确定删除")

    engine = create_engine(stack.settings.tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :id"), {"id": f"web:{sender}"}
        ).all()
    engine.dispose()
    assert rows == []
    with session_scope(stack.settings) as session:
        for table in metadata.sorted_tables:
            for row in session.execute(select(table)).all():
                held = " ".join(str(value) for value in row)
                assert "13812345670" not in held, table.name
                # The case keeps its facts, its title and masked story among them (bot/flows/erasure.py).
                assert table.name == "cases" or words not in held, table.name
