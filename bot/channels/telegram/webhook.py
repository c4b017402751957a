"""Telegram's webhook, served by the gateway: only requests with our secret token get through."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.channels.telegram.bot import TelegramChannel

router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    channel: TelegramChannel | None = request.app.state.telegram
    settings = request.app.state.settings
    if channel is None or settings.telegram.mode != "webhook":
        return JSONResponse({"error": "the Telegram webhook is not enabled"}, status_code=404)
    expected = settings.telegram.secret_token
    given = request.headers.get(SECRET_HEADER, "")
    if expected is None or not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    try:
        data: Any = await request.json()
    except ValueError:
        return JSONResponse({"error": "body is not JSON"}, status_code=400)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return JSONResponse({"error": "not a Telegram update"}, status_code=400)
    await channel.receive_webhook(data)
    return JSONResponse({"ok": True})
