"""`shuoshi followups dispatch`: one pass of the dispatcher outside the gateway (cron, tests)."""

from __future__ import annotations

import httpx

from bot.channels.telegram.bot import TelegramChannel
from bot.channels.wechat.channel import WeChatChannel
from bot.config import Settings
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import Relay
from bot.delivery.dispatcher import Dispatcher, PassReport


async def dispatch_once(settings: Settings) -> PassReport:
    async with httpx.AsyncClient() as http:
        rasa = RasaClient(settings=settings, http=http)
        relay = Relay(settings=settings, rasa=rasa)
        telegram = TelegramChannel(settings=settings, relay=relay) if settings.telegram.token else None
        wechat = WeChatChannel(settings=settings, relay=relay, http=http) if settings.wechat.enabled else None
        if telegram is not None:
            await telegram.application.initialize()
        try:
            dispatcher = Dispatcher(
                settings=settings, rasa=rasa, relay=relay, telegram=telegram, wechat=wechat
            )
            return await dispatcher.run_once()
        finally:
            if telegram is not None:
                await telegram.application.shutdown()
