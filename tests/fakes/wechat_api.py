"""A local fake of WeChat: its API server, and the platform that pushes residents' messages.

The gateway is pointed at it with `WECHAT__API_BASE_URL`; nothing leaves this machine.
- As WeChat's API it speaks: /cgi-bin/token (each fetch issues a new token and, as WeChat does,
  the one before stops working), customer-service messages (refused with 45015 outside the
  48-hour window, which it keeps per OpenID from the pushes it made), template messages,
  temporary media downloads and menu creation; `fail_next` makes the next call of a path fail.
- As the platform it signs (and in safe mode encrypts) pushes and POSTs them to the server URL,
  retrying as WeChat does: a push not answered within 5 seconds is sent again, three times in all.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.wechat.crypto import MessageCrypto, signature

APP_ID = "wx0123456789abcdef"
APP_SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "shuoshiTestToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ACCOUNT = "gh_0123456789ab"
WINDOW = 48 * 3600  # seconds: customer-service messages only this long after the resident acted
RETRY_AFTER = 5.0  # seconds WeChat waits for the server URL's answer before pushing again
PUSHES = 3  # WeChat pushes a message at most this often


@dataclass
class Call:
    path: str
    body: dict[str, Any]
    at: float  # time.monotonic() when the fake received it
    ok: bool = True


@dataclass
class Delivery:
    """What the platform saw of one push: each attempt's answer and when it came."""

    answers: list[str]
    sent_at: float
    answered_at: float | None


@dataclass
class FakeWeChat:
    port: int = 0
    server_url: str = ""  # the gateway's /wechat, set by the test
    encrypted: bool = False
    calls: list[Call] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    # When each resident last acted (for the 48-hour window), in time.time() seconds.
    last_acted: dict[str, float] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    tokens_issued: list[str] = field(default_factory=list)
    unfollowed: set[str] = field(default_factory=set)
    # MsgIds start somewhere new for each fake: they are remembered in the shared test database.
    _ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(random.randrange(10**15, 10**18))
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- pushes, as the platform sends them ---------------------------------------------------

    def xml(self, openid: str, msg_type: str, create_time: int | None = None, **fields: Any) -> str:
        parts = {
            "ToUserName": ACCOUNT,
            "FromUserName": openid,
            "CreateTime": create_time or int(time.time()),
            "MsgType": msg_type,
            **fields,
        }
        body = "".join(
            f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>"
            for k, v in parts.items()
        )
        return f"<xml>{body}</xml>"

    def signed(
        self, xml: str, *, token: str = TOKEN, timestamp: int | None = None
    ) -> tuple[dict[str, str], str]:
        """The query and body WeChat would POST for this message."""
        stamp, nonce = str(timestamp or int(time.time())), str(random.randrange(10**9))
        query = {"signature": signature(token, stamp, nonce), "timestamp": stamp, "nonce": nonce}
        if not self.encrypted:
            return query, xml
        encrypted = MessageCrypto(aes_key=AES_KEY, app_id=APP_ID).encrypt(xml)
        query |= {"encrypt_type": "aes", "msg_signature": signature(token, stamp, nonce, encrypted)}
        return (
            query,
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{escape(encrypted)}]]></Encrypt></xml>",
        )

    def post(self, xml: str, *, retries: bool = True, **signing: Any) -> Delivery:
        """Pushes like WeChat: up to three times while the answer does not come within 5 s."""
        query, body = self.signed(xml, **signing)
        answers: list[str] = []
        sent_at, answered_at = time.monotonic(), None
        for _ in range(PUSHES if retries else 1):
            try:
                response = httpx.post(
                    self.server_url, params=query, content=body.encode(), timeout=RETRY_AFTER
                )
            except httpx.TimeoutException:
                answers.append("<timeout>")
                continue
            answered_at = time.monotonic()
            answers.append(f"{response.status_code} {response.text}")
            if response.status_code == 200:
                break
        return Delivery(answers, sent_at, answered_at)

    def push(self, openid: str, msg_type: str, *, acts: bool = True, **fields: Any) -> Delivery:
        with self._lock:
            if acts:
                self.last_acted[openid] = time.time()
            if fields.get("Event") == "unsubscribe":
                self.unfollowed.add(openid)
            elif fields.get("Event") == "subscribe":
                self.unfollowed.discard(openid)
        return self.post(self.xml(openid, msg_type, **fields))

    def text(self, openid: str, content: str, msg_id: int | None = None) -> Delivery:
        return self.push(openid, "text", Content=content, MsgId=msg_id or next(self._ids))

    def voice(self, openid: str, recognition: str = "") -> Delivery:
        return self.push(
            openid, "voice", MediaId="voice-1", Format="amr", Recognition=recognition, MsgId=next(self._ids)
        )

    def image(self, openid: str, media_id: str) -> Delivery:
        return self.push(
            openid, "image", PicUrl=f"{self.base_url}/pic/{media_id}", MediaId=media_id, MsgId=next(self._ids)
        )

    def location(self, openid: str) -> Delivery:
        return self.push(
            openid,
            "location",
            Location_X="32.6",
            Location_Y="117.0",
            Scale=15,
            Label="大通区",
            MsgId=next(self._ids),
        )

    def event(
        self, openid: str, event: str, key: str | None = None, create_time: int | None = None
    ) -> Delivery:
        fields: dict[str, Any] = {"Event": event}
        if key is not None:
            fields["EventKey"] = key
        return self.push(openid, "event", acts=event != "unsubscribe", create_time=create_time, **fields)

    def age(self, openid: str, hours: float) -> None:
        """The resident last acted `hours` ago (the 48-hour window)."""
        with self._lock:
            self.last_acted[openid] = time.time() - hours * 3600

    # -- what the gateway sent ----------------------------------------------------------------

    def sent(self, openid: str | None = None, path: str = "/cgi-bin/message/custom/send") -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.ok and c.path == path and (openid is None or c.body.get("touser") == openid)
            ]

    def texts(self, openid: str) -> list[str]:
        return [str(c.body["text"]["content"]) for c in self.sent(openid)]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError("the gateway did not do what was expected in time")

    def wait_for_texts(self, openid: str, count: int, timeout: float = 30.0) -> list[str]:
        return list(self.wait_for(lambda: (t := self.texts(openid)) and len(t) >= count and t, timeout))

    def fail_next(self, path: str, errcode: int, status: int = 200) -> None:
        with self._lock:
            self.failures.setdefault(path, []).append(
                (status, {"errcode": errcode, "errmsg": f"fake {errcode}"})
            )

    # -- the API server -----------------------------------------------------------------------

    def _valid(self, token: str | None) -> bool:
        with self._lock:
            return bool(self.tokens_issued) and token == self.tokens_issued[-1]

    async def _token(self, request: Request) -> Response:
        params = request.query_params
        if params.get("appid") != APP_ID or params.get("secret") != APP_SECRET:
            return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
        token = secrets.token_urlsafe(16)
        with self._lock:
            self.tokens_issued.append(token)
            self.calls.append(Call("/cgi-bin/token", {}, time.monotonic()))
        return JSONResponse({"access_token": token, "expires_in": 7200})

    async def _api(self, request: Request) -> Response:
        path = request.url.path
        raw = await request.body()
        body: dict[str, Any] = json.loads(raw) if raw else dict(request.query_params)
        with self._lock:
            failure = self.failures.get(path, []).pop(0) if self.failures.get(path) else None
        if failure is None and not self._valid(request.query_params.get("access_token")):
            failure = (200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        if failure is None and body.get("touser") in self.unfollowed:
            failure = (200, {"errcode": 43004, "errmsg": "require subscribe"})
        if failure is None and path == "/cgi-bin/message/custom/send":
            with self._lock:
                acted = self.last_acted.get(str(body.get("touser")))
            if acted is None or time.time() - acted > WINDOW:
                failure = (
                    200,
                    {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"},
                )
        with self._lock:
            self.calls.append(Call(path, body, time.monotonic(), ok=failure is None))
        if failure is not None:
            return JSONResponse(failure[1], status_code=failure[0])
        if path == "/cgi-bin/media/get":
            data = self.media.get(str(body.get("media_id")))
            if data is None:
                return JSONResponse({"errcode": 40007, "errmsg": "invalid media_id"})
            return Response(data, media_type="image/jpeg")
        if path == "/cgi-bin/message/template/send":
            return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": next(self._ids)})
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/token", self._token, methods=["GET"]),
                Route("/cgi-bin/{path:path}", self._api, methods=["GET", "POST"]),
            ]
        )

    def start(self) -> FakeWeChat:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        self.wait_for(lambda: self._server.started, timeout=10)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
