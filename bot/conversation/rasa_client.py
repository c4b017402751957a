"""HTTP client for the Rasa server (relay channel, HTTP API) and the action server's health."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any
from urllib.parse import quote

import httpx

from bot.config import Settings

RELAY_WEBHOOK = "/webhooks/relay/webhook"
SECRET_HEADER = "X-Shuoshi-Secret"  # noqa: S105 (a header name, not a secret)


def conversation_path(conversation_id: str) -> str:
    """A conversation id as one URL path segment. Senders are [A-Za-z0-9_-] after the channel's
    `web:` (the relay refuses others), so this changes nothing today; it keeps an id that slipped
    through from ever reaching another path (`..`, `/`, `?`)."""
    return quote(conversation_id, safe=":")


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or failed to handle the message."""


class RasaClient:
    """Talks to the Rasa servers and the action server over HTTP."""

    def __init__(self, *, settings: Settings, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http
        self._actions_probe: asyncio.Future[bool] | None = None
        self._actions_up_since = float("-inf")
        self._in_flight: dict[str, asyncio.Semaphore] = {}

    async def _request(self, method: str, conversation_id: str, path: str, **options: Any) -> httpx.Response:
        """One request to the Rasa instance that owns the conversation, once fewer than
        `rasa.max_in_flight` are open there; waiting and answering together take at most
        `rasa.timeout` seconds."""
        base = self.instance_for(conversation_id)
        slots = self._in_flight.setdefault(base, asyncio.Semaphore(self._settings.rasa.max_in_flight))
        try:
            async with asyncio.timeout(self._settings.rasa.timeout), slots:
                return await self._http.request(method, f"{base}{path}", timeout=None, **options)
        except (httpx.HTTPError, TimeoutError) as error:
            raise RasaUnavailable(f"Rasa is unreachable: {type(error).__name__}") from error

    async def send(
        self, *, conversation_id: str, message: str, channel: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """The assistant's replies to one message, as Rasa returns them."""
        response = await self._request(
            "POST",
            conversation_id,
            RELAY_WEBHOOK,
            json={
                "sender": conversation_id,
                "message": message,
                "input_channel": channel,
                "metadata": metadata,
            },
            headers={SECRET_HEADER: self._settings.secret("relay_secret")},
        )
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa answered with something other than a list of messages")
        return replies

    async def trigger_intent(
        self, *, conversation_id: str, intent: str, entities: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Runs `intent` in the conversation as if the resident had sent it; the assistant's replies."""
        response = await self._request(
            "POST",
            conversation_id,
            f"/conversations/{conversation_path(conversation_id)}/trigger_intent",
            params={"token": self._settings.secret("rasa_token")},
            json={"name": intent, "entities": entities},
        )
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code} to trigger_intent")
        return list(response.json().get("messages") or [])

    async def active_form(self, *, conversation_id: str) -> str | None:
        """The form the resident is in the middle of, if any (a survey must not cut into it)."""
        response = await self._request(
            "GET",
            conversation_id,
            f"/conversations/{conversation_path(conversation_id)}/tracker",
            params={"token": self._settings.secret("rasa_token"), "include_events": "NONE"},
        )
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code} for the tracker")
        loop = (response.json().get("active_loop") or {}).get("name")
        return str(loop) if loop else None

    def instance_for(self, conversation_id: str) -> str:
        """The Rasa instance that owns this conversation: a stable hash, the same in every gateway."""
        urls = self._settings.rasa.urls
        digest = hashlib.sha256(conversation_id.encode()).digest()
        return urls[int.from_bytes(digest[:8], "big") % len(urls)]

    async def rasa_alive(self) -> bool:
        """Whether every Rasa instance is up (busy counts as up, see `_alive`)."""
        states = await asyncio.gather(
            *(self._alive(f"{url}/webhooks/relay/") for url in self._settings.rasa.urls)
        )
        return all(states)

    async def any_rasa_alive(self) -> bool:
        """Whether at least one Rasa instance is up (the gateway can serve some residents)."""
        states = await asyncio.gather(
            *(self._alive(f"{url}/webhooks/relay/") for url in self._settings.rasa.urls)
        )
        return any(states)

    async def actions_alive(self, *, fresh: bool = False) -> bool:
        """Whether the action server is up (busy counts as up, see `_alive`). Turns that arrive
        while a probe is on its way share it (200 residents at once send one probe, not 200),
        and a server found up counts as up for `actions.alive_for` seconds after the probe left
        (a probe a turn was a sixth of the gateway's CPU under load, docs/load.md), unless
        `fresh`. A server found down is probed again on the next turn."""
        if not fresh and time.monotonic() - self._actions_up_since < self._settings.actions.alive_for:
            return True
        if self._actions_probe is None or self._actions_probe.done():
            self._actions_probe = asyncio.ensure_future(self._probe_actions())
        return await asyncio.shield(self._actions_probe)

    async def _probe_actions(self) -> bool:
        sent = time.monotonic()
        alive = await self._alive(f"{self._settings.actions.url}/health")
        self._actions_up_since = sent if alive else float("-inf")
        return alive

    async def _alive(self, url: str) -> bool:
        """A server too busy to answer within the timeout is busy, not down (under load that is
        the normal case, docs/load.md); only a refused or broken connection or an error status
        counts as down."""
        try:
            response = await self._http.get(url, timeout=2.0)
        except httpx.TimeoutException:
            return True
        except httpx.HTTPError:
            return False
        return response.status_code == 200
