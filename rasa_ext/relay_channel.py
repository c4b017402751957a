"""The relay input channel: how the gateway talks to Rasa.

Rasa's own REST channel accepts anyone who can reach it. This one answers only requests that
carry the shared secret (`X-Shuoshi-Secret`), records the real channel (telegram, wechat, web,
terminal) as the input channel, and reports a failure as HTTP 500 instead of an empty reply, so
the gateway can tell the resident the service is busy rather than say nothing.

Loaded by Rasa from credentials.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ext import metadata as metadata_entities
from rasa_ext import speedups

speedups.apply()
logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Shuoshi-Secret"  # noqa: S105 - the header's name, not a secret
CHANNELS = {"web", "telegram", "wechat", "terminal", "followup"}


class RelayInput(RestInput):
    """REST input guarded by a shared secret; only the gateway may call it."""

    @classmethod
    def name(cls) -> str:
        return "relay"

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the relay channel needs a non-empty 'secret' in credentials.yml")
        self.secret = secret

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(secret=(credentials or {}).get("secret", ""))

    def _authorised(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.secret.encode())

    def _extract_input_channel(self, req: Request) -> str:
        channel = (req.json or {}).get("input_channel")
        return channel if channel in CHANNELS else self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        relay = Blueprint("relay_webhook", __name__)

        @relay.listener("after_server_stop")
        async def close_sessions(*_: Any) -> None:
            await speedups.close_sessions()

        @relay.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @relay.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "forbidden"}, status=403)
            body = request.json
            if (
                not isinstance(body, dict)
                or not body.get("sender")
                or not isinstance(body.get("message"), str)
            ):
                return response.json({"error": "sender and message are required"}, status=400)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        # a payload skips the NLU pipeline, so its entities carry the metadata's slots
                        metadata_entities.into_payload(body["message"], body.get("metadata")),
                        collector,
                        str(body["sender"]),
                        input_channel=self._extract_input_channel(request),
                        metadata=body.get("metadata") or {},
                    )
                )
            except CancelledError:
                logger.error("relay: message handling timed out")
                return response.json({"error": "timeout", "messages": collector.messages}, status=500)
            except Exception:
                logger.exception("relay: message handling failed")
                return response.json({"error": "failure", "messages": collector.messages}, status=500)
            return response.json(collector.messages)

        return relay
