"""Cases that did not begin in a chat, on the whole running installation: a caseworker registers a
walk-in in a real browser and prints its receipt; a resident claims a staff-registered case in the
web chat with the receipt's number and code (the real model reads them) and answers its survey."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.cases import on_behalf
from bot.cases.enums import CaseSource, CaseStatus, ConsentMethod
from bot.cases.models import Case
from bot.db.session import session_scope
from bot.flows.status import change_status
from bot.followups.enums import SurveyStatus
from bot.followups.models import Survey
from bot.staff import accounts
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e
PASSWORD = "a long caseworker password"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def test_a_caseworker_registers_a_walk_in_and_prints_its_receipt(stack: Stack, page: Page) -> None:
    with session_scope(stack.settings) as session:
        accounts.add_staff(
            session=session, username="e2e.walkin", password=PASSWORD, role="caseworker", township="孔店乡"
        )
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(stack.base_url + "/console")
    page.get_by_label("用户名").fill("e2e.walkin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="代群众登记").click()
    page.get_by_label("来源").select_option("walk_in")
    page.get_by_label("类别").select_option("neighbours")
    page.get_by_label("村（社区）").fill("毛郢村")
    page.get_by_label("事情经过").fill("邻居把排水管接到我家院墙下，下雨天院子积水。")
    page.get_by_label("对方当事人").fill("西邻刘某")
    page.get_by_label("诉求").fill("请村里调解，改走排水管")
    page.get_by_label("姓名（信访必填）").fill("周玉兰")
    page.get_by_label("联系电话").fill("13955401188")
    # The form asks for the consent before it sends anything.
    page.get_by_role("button", name="登记并打印回执").click()
    expect(page).to_have_url(re.compile(r"/console/cases/new$"))
    page.get_by_label("当面同意").check()
    page.get_by_label("群众已同意上述说明").check()
    page.get_by_role("button", name="登记并打印回执").click()

    number = page.locator(".case-number").inner_text().strip()
    code = page.locator(".claim-code").inner_text().strip()
    assert re.fullmatch(r"DT-JF-\d{4}-\d{6}", number) and re.fullmatch(r"\d{6}", code)
    expect(page.locator(".claim-message")).to_have_text(f"查询 {number} {code}")
    expect(page.locator("textarea.sms")).to_have_value(re.compile(f"编号 {number}，认领码 {code}"))
    page.screenshot(path=str(ARTIFACTS / "console-walk-in-receipt.png"), full_page=True)

    page.get_by_role("link", name="查看案件").click()
    expect(page.locator(".source")).to_have_text("来访")
    expect(page.locator(".consent")).to_contain_text("当面同意")
    page.get_by_role("link", name="案件").first.click()
    page.get_by_label("来源").select_option("walk_in")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("tr", has_text=number)).to_contain_text("待受理")

    with session_scope(stack.settings) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        assert case.source is CaseSource.WALK_IN and case.consent_method is ConsentMethod.IN_PERSON
        assert case.registered_by is not None and case.registered_by.username == "e2e.walkin"
        assert (case.village, case.other_party, case.contact_phone) == ("毛郢村", "西邻刘某", "13955401188")
        assert case.resident.name == "周玉兰" and case.resident.identities == []


def test_a_resident_claims_a_phone_case_in_chat_and_answers_its_survey(stack: Stack) -> None:
    sender = "claim-phone-case"
    with session_scope(stack.settings) as session:
        worker = accounts.add_staff(
            session=session, username="e2e.phone", password=PASSWORD, role="supervisor", township=None
        )
        registered = on_behalf.register(
            session=session,
            staff=worker,
            case_in=on_behalf.StaffCaseIn(
                kind="dispute",
                category="labour",
                township="洛河镇",
                description="在工地干了三个月，工头拖欠工资八千元。",
                contact_phone="13812345678",
                resident_name="陈建国",
                source="phone",
                consent="by_phone",
            ),
        )
        number, code = registered.case.number, registered.claim_code
    wrong = f"{int(code) + 1:06d}"[-6:]

    stack.chat(sender, text="你好")
    refused = texts(stack.chat(sender, text=f"查询 {number} {wrong}"))
    unknown = texts(stack.chat(sender, text=f"查询 DT-JF-2026-999999 {code}"))
    claimed = texts(stack.chat(sender, text=f"查询 {number} {code}"))
    again = texts(stack.chat(sender, text=f"查询 {number} {code}"))
    mine = texts(stack.chat(sender, text="查询进度"))

    assert "对不上" in refused and refused == unknown  # the same answer: nothing said about the number
    assert number in claimed and "已经和您的这个账号关联" in claimed
    assert "已经和您的这个账号关联" in again  # typing the receipt twice does no harm
    assert number in mine

    with session_scope(stack.settings) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        assert case.claimed_at is not None and case.claim_code_hash is None
        assert [(i.channel.value, i.external_id) for i in case.resident.identities] == [("web", sender)]
        assert case.resident.name == "陈建国"
        for status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
            change_status(session=session, case=case, to=status, actor=worker.actor)
        change_status(
            session=session,
            case=case,
            to=CaseStatus.RESOLVED,
            actor=worker.actor,
            note="工头已结清工资",
            resolution="经调解，工头当场结清八千元工资",
            outcome="agreement",
        )

    arrived = stack.pending(sender, until="满意吗")
    assert any(number in reply["text"] for reply in arrived)
    solved = stack.press(sender, {"replies": arrived}, "满意")
    comment = stack.press(sender, solved, "解决了")
    stack.press(sender, comment, "没有了")

    with session_scope(stack.settings) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        survey = session.scalars(select(Survey).where(Survey.case_id == case.id)).one()
        assert survey.status is SurveyStatus.ANSWERED
        assert case.status is CaseStatus.CLOSED
