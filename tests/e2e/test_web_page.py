"""The web chat page in a real browser (Debian's Chromium, headless, driven by Playwright), and
the gateway keeping a client's idle connection open longer than the client keeps it."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


def test_an_idle_connection_is_kept_longer_than_a_client_keeps_it(stack: Stack) -> None:
    """httpx keeps an idle connection 5 s; a gateway closing it at 5 s too (uvicorn's default)
    races the client's next message on it, which then fails."""
    address = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        socket = connection.sock
        time.sleep(6.5)
        connection.request("GET", "/healthz")  # on the same connection, idle for 6.5 s
        second = connection.getresponse()
        second.read()
        same = socket is not None and connection.sock is socket
    finally:
        connection.close()
    assert first.status == second.status == 200
    assert same  # not a new connection


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def test_a_resident_greets_presses_a_button_and_reads_the_menu(stack: Stack, page: Page) -> None:
    page.goto(stack.base_url + "/")
    bot = page.locator(".msg.bot")
    expect(bot.first).to_contain_text("说事")  # the page greets on its own
    page.get_by_role("button", name="我能做什么").first.click()
    expect(bot.last).to_contain_text("登记矛盾纠纷")
    page.get_by_label("消息").fill("谢谢你")
    page.get_by_role("button", name="发送").click()
    expect(bot.last).to_contain_text("不客气")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)


def test_the_page_switches_to_english(stack: Stack, page: Page) -> None:
    page.goto(stack.base_url + "/")
    expect(page.locator(".msg.bot").first).to_contain_text("说事")
    page.get_by_role("button", name="English").click()
    expect(page.locator(".msg.bot").last).to_contain_text("Hello!")
    expect(page.get_by_role("button", name="Send")).to_be_visible()


def test_text_from_the_resident_is_shown_as_text_not_html(stack: Stack, page: Page) -> None:
    page.goto(stack.base_url + "/")
    expect(page.locator(".msg.bot").first).to_contain_text("说事")
    page.get_by_label("消息").fill("<img src=x onerror=alert(1)>你好")
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".msg.me").last).to_have_text("<img src=x onerror=alert(1)>你好")
    assert page.locator(".msg img").count() == 0


def test_the_page_keeps_the_residents_id_in_an_httponly_cookie_never_in_a_url(
    stack: Stack, page: Page
) -> None:
    from bot.channels.web import identity
    from bot.db.session import session_scope
    from bot.outbox import service as outbox
    from bot.outbox.enums import OutboxKind
    from bot.residents import service as residents
    from bot.residents.enums import Channel

    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(stack.base_url + "/")
    expect(page.locator(".msg.bot").first).to_contain_text("说事")
    [cookie] = [c for c in page.context.cookies() if c["name"] == identity.COOKIE]
    sender = identity.sender_from_cookie(stack.settings, cookie["value"])
    assert sender is not None
    with session_scope(stack.settings) as session:
        outbox.enqueue(
            session=session,
            resident=residents.for_channel(session=session, channel="web", external_id=sender),
            kind=OutboxKind.STAFF_REPLY,
            body={"replies": [{"text": "请周三上午来调解室", "buttons": []}]},
            channel=Channel.WEB,
            recipient=sender,
        )
    expect(page.locator(".msg.bot").last).to_contain_text("请周三上午来调解室", timeout=15_000)  # polled

    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert identity.COOKIE not in page.evaluate("document.cookie")  # out of the page's scripts' reach
    assert any("/api/chat/pending" in url for url in urls)
    assert not any(sender in url or "sender=" in url for url in urls)

    page.get_by_role("button", name="在此设备上忘记我").click()
    expect(page.locator(".notice").last).to_contain_text("这台设备已忘记您")
    assert [c for c in page.context.cookies() if c["name"] == identity.COOKIE] == []
