"""The account's custom menu (自定义菜单) and what each CLICK key stands for.

Register it once per account (and again after changing it):
    .venv/bin/python -m bot.channels.wechat.menu
WeChat shows a new menu to followers within minutes (at once to new followers).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from bot.channels.wechat.api import WeChatApi
from bot.config import load_settings


@dataclass(frozen=True)
class Click:
    """A key's meaning: a channel command from this fixed table, or text typed as a resident would."""

    command: str | None = None
    text: str | None = None


# CLICK EventKey → what goes to the relay. Never what a push says on its own: an unknown key is
# ignored politely.
CLICKS: dict[str, Click] = {
    "SCAM_CHECK": Click(text="帮我看看这条消息是不是诈骗"),
    "SCAMMED": Click(text="我被骗了怎么办"),
    "ALERTS": Click(command="/subscribe_alerts"),
    "REGISTER_DISPUTE": Click(text="我要登记矛盾纠纷"),
    "MY_CASES": Click(command="/my_cases"),
    "HELP": Click(command="/help"),
    "ELDER": Click(command="/elder_mode_toggle"),
    "GUARDIAN": Click(command="/guardian_setup"),
    "PRIVACY": Click(command="/privacy"),
    "DELETE_MY_DATA": Click(command="/delete_my_data"),
}

# WeChat's limits: 3 menus of at most 5 entries; a menu name ≤ 4 Chinese characters, an entry's ≤ 8.
MENU: dict[str, Any] = {
    "button": [
        {
            "name": "防骗",
            "sub_button": [
                {"type": "click", "name": "帮我看看是不是诈骗", "key": "SCAM_CHECK"},
                {"type": "click", "name": "我被骗了怎么办", "key": "SCAMMED"},
                {"type": "click", "name": "订阅防骗预警", "key": "ALERTS"},
            ],
        },
        {
            "name": "说事",
            "sub_button": [
                {"type": "click", "name": "登记矛盾纠纷", "key": "REGISTER_DISPUTE"},
                {"type": "click", "name": "查询我的事项", "key": "MY_CASES"},
            ],
        },
        {
            "name": "更多",
            "sub_button": [
                {"type": "click", "name": "我能做什么", "key": "HELP"},
                {"type": "click", "name": "长辈模式开关", "key": "ELDER"},
                {"type": "click", "name": "绑定家人", "key": "GUARDIAN"},
                {"type": "click", "name": "隐私说明", "key": "PRIVACY"},
                {"type": "click", "name": "删除我的信息", "key": "DELETE_MY_DATA"},
            ],
        },
    ]
}


async def register() -> None:
    settings = load_settings()
    if not settings.wechat.enabled:
        raise SystemExit("WeChat is not configured: set WECHAT__APP_ID, WECHAT__APP_SECRET and WECHAT__TOKEN")
    async with httpx.AsyncClient(timeout=10.0) as http:
        await WeChatApi(settings=settings, http=http).create_menu(MENU)
    print("WeChat menu registered")


if __name__ == "__main__":
    asyncio.run(register())
