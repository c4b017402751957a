"""The account's access token: fetched once for all gateways, renewed when WeChat refuses it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.wechat.api import WeChatApi, WindowClosed
from bot.config import Settings, WechatSettings
from tests.fakes.wechat_api import APP_ID, APP_SECRET, TOKEN, FakeWeChat


@pytest.fixture
def wechat() -> Iterator[FakeWeChat]:
    fake = FakeWeChat().start()
    yield fake
    fake.stop()


@pytest.fixture
def configured(committed: Settings, wechat: FakeWeChat) -> Settings:
    return committed.model_copy(
        update={
            "wechat": WechatSettings(
                app_id=APP_ID,
                app_secret=SecretStr(APP_SECRET),
                token=SecretStr(TOKEN),
                api_base_url=wechat.base_url,
            )
        }
    )


async def test_many_gateways_sending_at_once_fetch_one_token(
    configured: Settings, wechat: FakeWeChat
) -> None:
    wechat.age("oResident", hours=1)
    async with httpx.AsyncClient() as http:
        gateways = [WeChatApi(settings=configured, http=http) for _ in range(4)]
        await asyncio.gather(*(api.send_text("oResident", f"第{n}条") for n, api in enumerate(gateways * 3)))

    assert len(wechat.tokens_issued) == 1
    assert len(wechat.sent("oResident")) == 12


async def test_a_token_replaced_elsewhere_is_renewed_and_the_message_still_sent(
    configured: Settings, wechat: FakeWeChat
) -> None:
    wechat.age("oResident", hours=1)
    async with httpx.AsyncClient() as http:
        api = WeChatApi(settings=configured, http=http)
        await api.send_text("oResident", "第一条")
        # Someone fetched a token with the same AppSecret (another tool): ours stops working.
        httpx.get(f"{wechat.base_url}/cgi-bin/token", params={"appid": APP_ID, "secret": APP_SECRET})
        await api.send_text("oResident", "第二条")

    assert [c.body["text"]["content"] for c in wechat.sent("oResident")] == ["第一条", "第二条"]
    assert len(wechat.tokens_issued) == 3


async def test_outside_the_48_hours_a_customer_service_message_is_refused(
    configured: Settings, wechat: FakeWeChat
) -> None:
    wechat.age("oQuiet", hours=49)
    async with httpx.AsyncClient() as http:
        with pytest.raises(WindowClosed):
            await WeChatApi(settings=configured, http=http).send_text("oQuiet", "您的事项已受理")
