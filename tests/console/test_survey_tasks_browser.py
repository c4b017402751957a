"""The phone-survey queue in a real browser (Debian's Chromium, headless, driven by Playwright)
against the gateway served by uvicorn on a free port: a caseworker finds whom to call, opens the
task, sees the number, records the answer; the case is closed and the answer is in the figures."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.app import create_app
from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.config import Settings
from bot.db.session import session_scope
from tests.console.conftest import PASSWORD
from tests.console.survey_tasks_setup import resolved_walk_in

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def gateway(console_settings: Settings) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(console_settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the gateway did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_caseworker_calls_a_walk_in_resident_and_records_the_answer_in_a_browser(
    gateway: str, add_staff: Callable[..., str], console_settings: Settings
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    add_staff("luohe", "caseworker", "洛河镇")
    number, survey_id = resolved_walk_in(console_settings, by="luohe")
    ARTIFACTS.mkdir(exist_ok=True)

    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_context(locale="zh-CN").new_page()
        page.goto(gateway + "/console")
        page.get_by_label("用户名").fill("luohe")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="电话回访").click()

        row = page.locator(f"#survey-{survey_id}")
        playwright.expect(row).to_contain_text(number)
        playwright.expect(row).to_contain_text("139****5678")
        row.get_by_role("link", name="回访").click()
        playwright.expect(page.locator("[data-phone]")).to_have_text("13912345678")
        page.get_by_label("基本满意").check()
        page.get_by_label("已解决").check()
        page.get_by_label("意见（可选）").fill("调解员很耐心")
        page.screenshot(path=str(ARTIFACTS / "console-phone-survey.png"), full_page=True)
        page.get_by_role("button", name="保存回答").click()

        playwright.expect(page.get_by_role("status")).to_contain_text("回访结果已记录")
        playwright.expect(page.locator(f"#survey-{survey_id}")).to_have_count(0)
        browser.close()

    with session_scope(console_settings) as session:
        assert cases.get_by_number(session=session, number=number).status is CaseStatus.CLOSED
