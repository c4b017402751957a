"""WeChat's HTTP API, the parts we use, over httpx: the access token, customer-service and
template messages, media downloads and the menu.

The access token is the account's, not this process's: fetching a new one makes the previous
one stop working within minutes, so it lives in the store and one gateway at a time renews it
under a lease (service.token_or_lease) while the others wait for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from typing import Any

import httpx

from bot.channels.wechat import service
from bot.config import Settings
from bot.db.session import session_scope

logger = logging.getLogger(__name__)

# errcodes: the token is invalid or expired (another fetch replaced it): renew and try once more.
TOKEN_REFUSED = frozenset({40001, 40014, 42001})
# The customer-service window is closed (48 hours since the resident last wrote) or its quota used.
WINDOW_CLOSED = frozenset({45015, 45047})
NOT_FOLLOWING = 43004
SEND_ATTEMPTS = 3
LEASE_WAIT = 0.2  # seconds between looks at the store while another gateway renews the token


class WeChatError(RuntimeError):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode


class WindowClosed(WeChatError):
    """The resident has not written for 48 hours: customer-service messages are refused."""


class NotFollowing(WeChatError):
    """The resident no longer follows the account: nothing reaches them."""


class WeChatApi:
    def __init__(self, *, settings: Settings, http: httpx.AsyncClient) -> None:
        wechat = settings.wechat
        assert wechat.app_id and wechat.app_secret
        self._settings = settings
        self._http = http
        self._base = wechat.api_base_url.rstrip("/")
        self._app_id = wechat.app_id
        self._secret = wechat.app_secret.get_secret_value()
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"

    # -- the access token ---------------------------------------------------------------------

    async def access_token(self) -> str:
        for _ in range(300):  # a minute at most; a lease lasts 30 s
            state = await asyncio.to_thread(self._token_or_lease)
            if state.token is not None:
                return state.token
            if state.lease_taken:
                return await self._renew()
            await asyncio.sleep(LEASE_WAIT)
        raise WeChatError(-1, "no access token: another gateway holds the lease and never stored one")

    def _token_or_lease(self) -> service.TokenState:
        with session_scope(self._settings) as session:
            return service.token_or_lease(session=session, app_id=self._app_id, holder=self._holder)

    async def _renew(self) -> str:
        try:
            response = await self._http.get(
                f"{self._base}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self._app_id, "secret": self._secret},
            )
            data = _json(response)
            token, expires_in = str(data["access_token"]), int(data.get("expires_in", 7200))
        except BaseException:
            await asyncio.to_thread(self._release)
            raise
        await asyncio.to_thread(self._store, token, expires_in)
        logger.info("wechat: access token renewed (good for %d s)", expires_in)
        return token

    def _store(self, token: str, expires_in: int) -> None:
        with session_scope(self._settings) as session:
            service.store_token(
                session=session, app_id=self._app_id, holder=self._holder, token=token, expires_in=expires_in
            )

    def _release(self) -> None:
        with session_scope(self._settings) as session:
            service.release_lease(session=session, app_id=self._app_id, holder=self._holder)

    def _expire(self, token: str) -> None:
        with session_scope(self._settings) as session:
            service.expire_token(session=session, app_id=self._app_id, token=token)

    async def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, content: bytes | None = None
    ) -> httpx.Response:
        """One API call with the shared token; renewed once if WeChat says it is no longer good;
        a 5xx or a dropped connection tried again with backoff."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            token = await self.access_token()
            try:
                response = await self._http.request(
                    method,
                    f"{self._base}{path}",
                    params={**(params or {}), "access_token": token},
                    content=content,
                )
            except httpx.TransportError:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
                continue
            if response.status_code >= 500 and attempt < SEND_ATTEMPTS:
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
                continue
            errcode = _errcode(response)
            if errcode in TOKEN_REFUSED and attempt < SEND_ATTEMPTS:
                await asyncio.to_thread(self._expire, token)
                continue
            return response
        raise AssertionError("unreachable")

    # -- messages -----------------------------------------------------------------------------

    async def send_text(self, openid: str, content: str) -> None:
        """A customer-service text message (客服消息); WindowClosed outside the 48 hours."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        _json(await self._call("POST", "/cgi-bin/message/custom/send", content=_utf8(body)))

    async def send_template(self, openid: str, template_id: str, data: dict[str, Any]) -> None:
        body = {"touser": openid, "template_id": template_id, "data": data}
        _json(await self._call("POST", "/cgi-bin/message/template/send", content=_utf8(body)))

    async def download_media(self, media_id: str, limit: int) -> bytes:
        """A temporary media file the resident sent (an image), at most `limit` bytes."""
        response = await self._call("GET", "/cgi-bin/media/get", params={"media_id": media_id})
        if response.headers.get("content-type", "").startswith(("application/json", "text/plain")):
            _json(response)
        if len(response.content) > limit:
            raise ValueError(f"> {limit // (1024 * 1024)} MB")
        return response.content

    async def create_menu(self, menu: dict[str, Any]) -> None:
        _json(await self._call("POST", "/cgi-bin/menu/create", content=_utf8(menu)))


def _utf8(body: dict[str, Any]) -> bytes:
    # WeChat shows \\uXXXX escapes literally: send the characters themselves.
    return json.dumps(body, ensure_ascii=False).encode()


def _errcode(response: httpx.Response) -> int:
    try:
        data = response.json()
    except ValueError:
        return 0
    return int(data.get("errcode") or 0) if isinstance(data, dict) else 0


def _json(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    errcode = int(data.get("errcode") or 0)
    if errcode == NOT_FOLLOWING:
        raise NotFollowing(errcode, str(data.get("errmsg", "")))
    if errcode in WINDOW_CLOSED:
        raise WindowClosed(errcode, str(data.get("errmsg", "")))
    if errcode:
        raise WeChatError(errcode, str(data.get("errmsg", "")))
    return dict(data)
