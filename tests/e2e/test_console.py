"""The staff console in a real browser (Debian's Chromium, headless, driven by Playwright), on the
whole running installation: a resident chats, a case exists, staff sign in and work it, and the
resident's web chat receives the reply."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot import transcript
from bot.cases import service as cases
from bot.cases.schemas import CaseCreate
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.staff import accounts
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e
PASSWORD = "a long supervisor password"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def _case_from_a_chat(stack: Stack, sender: str) -> str:
    """A resident chats through /api/chat; the case is registered for them with that conversation.

    Until the intake dialogue registers disputes itself, the case is created through the cases
    service, as the intake action will, and the conversation linked to it.
    """
    stack.chat(sender, text="你好")
    stack.chat(sender, text="楼上邻居天天半夜装修，吵得老人睡不着")
    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=sender)
        case = cases.create(
            session=session,
            case_in=CaseCreate(
                kind="dispute",
                category="neighbours",
                township="洛河镇",
                title="楼上邻居半夜装修",
                description="楼上邻居每天半夜装修，<script>alert(1)</script>多次沟通无果。",
                request="希望调解",
                contact_phone="13812345678",
                channel="web",
                urgent=True,
            ),
            resident=resident,
        )
        transcript.link_to_case(session=session, case=case)
        accounts.add_staff(
            session=session, username="e2e.supervisor", password=PASSWORD, role="supervisor", township=None
        )
        return case.number


def test_staff_sign_in_accept_reply_and_resolve_and_the_resident_gets_the_reply(
    stack: Stack, page: Page
) -> None:
    sender = "console-e2e-resident"
    number = _case_from_a_chat(stack, sender)
    stack.http.get("/api/chat/pending", params={"sender": sender})  # anything sent before the staff reply
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(stack.base_url + "/console")
    page.get_by_label("用户名").fill("e2e.supervisor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="统计").click()
    resolved_before = int(page.locator('[data-figure="resolved"]').inner_text())  # other tests' cases too
    page.get_by_role("link", name="案件").first.click()
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("待受理")
    expect(row).to_contain_text("紧急")
    page.screenshot(path=str(ARTIFACTS / "console-queue.png"), full_page=True)

    page.get_by_role("link", name=number).click()
    expect(page.locator(".description")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator(".transcript")).to_contain_text("楼上邻居天天半夜装修")
    expect(page.locator(".facts")).to_contain_text("138****5678")
    page.screenshot(path=str(ARTIFACTS / "console-case.png"), full_page=True)

    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("h1 .status")).to_have_text("已受理")
    page.get_by_label("回复群众（经其渠道送达）").fill("您好，我们已受理，明天上午到您家了解情况。")
    page.get_by_role("button", name="发送回复").click()
    expect(page.locator(".transcript")).to_contain_text("明天上午到您家了解情况")
    page.get_by_role("button", name="开始办理").click()
    page.get_by_label("办理结果").fill("经村调委会调解，楼上住户承诺晚上十点后不再施工。")
    page.get_by_label("结果类型").select_option("agreement")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.locator("h1 .status")).to_have_text("已办结")
    expect(page.locator(".timeline")).to_contain_text("回复群众")
    page.screenshot(path=str(ARTIFACTS / "console-case-resolved.png"), full_page=True)

    pending = stack.http.get("/api/chat/pending", params={"sender": sender}).json()
    assert any("明天上午到您家了解情况" in reply["text"] for reply in pending["replies"])

    page.get_by_role("link", name="统计").click()
    expect(page.locator('[data-figure="resolved"]')).to_have_text(str(resolved_before + 1))
    expect(page.locator('[data-figure="huajie"]')).to_contain_text("%")
    page.screenshot(path=str(ARTIFACTS / "console-figures.png"), full_page=True)
