"""The server URL WeChat pushes to: GET checks it once (echostr), POST brings every message.

A POST is answered "success" as soon as its signature is checked (and in safe mode the body
decrypted), well within WeChat's 5 seconds; recording it (once) and the replies follow in the
background, through the customer-service API (channel.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from bot.channels.wechat.channel import WeChatChannel
from bot.channels.wechat.crypto import InvalidSignature
from bot.channels.wechat.messages import InvalidPush

router = APIRouter()
PATH = "/wechat"


def _channel(request: Request) -> WeChatChannel | None:
    return getattr(request.app.state, "wechat", None)


@router.get(PATH, include_in_schema=False)
async def verify(request: Request) -> PlainTextResponse:
    channel = _channel(request)
    if channel is None:
        return PlainTextResponse("WeChat is not enabled", status_code=404)
    try:
        return PlainTextResponse(channel.verify_url(request.query_params))
    except InvalidSignature:
        return PlainTextResponse("forbidden", status_code=403)


@router.post(PATH, include_in_schema=False)
async def push(request: Request) -> PlainTextResponse:
    channel = _channel(request)
    if channel is None:
        return PlainTextResponse("WeChat is not enabled", status_code=404)
    try:
        body = (await request.body()).decode("utf-8")
        pushed = channel.open_push(request.query_params, body)
    except InvalidSignature:
        return PlainTextResponse("forbidden", status_code=403)
    except (InvalidPush, UnicodeDecodeError):
        return PlainTextResponse("not a WeChat message", status_code=400)
    channel.accept(pushed)
    # "success" (not an empty reply) tells WeChat no passive reply follows and not to retry.
    return PlainTextResponse("success")
