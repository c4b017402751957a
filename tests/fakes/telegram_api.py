"""A local fake of Telegram's Bot API: feeds updates to the bot and records what it sends.

python-telegram-bot is pointed at it with `base_url`; nothing leaves this machine. It speaks
enough of the API for our bot: getMe, getUpdates (long polling), setWebhook/deleteWebhook,
setMyCommands, sendMessage, answerCallbackQuery, editMessageReplyMarkup, sendChatAction,
getFile and file downloads; `fail_next` makes the next call of a method answer 429, 403 or 5xx;
`slow_chat` makes sending to one chat take a while (a slow network), so a test can see whether
other chats are served meanwhile. Calls are recorded when they are answered.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_USER = {"id": 900000001, "is_bot": True, "first_name": "说事", "username": "shuoshi_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True  # False when the fake answered with an error (fail_next)
    at: float = field(default_factory=time.monotonic)  # when the fake answered it


@dataclass
class FakeTelegram:
    port: int = 0
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    # chat id → seconds each sendMessage to it takes before it is answered
    delays: dict[int, float] = field(default_factory=dict)
    # chat id → the messages sent to it, in order (what `sent` finds, without scanning every call)
    by_chat: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Called (from the fake's thread) with the chat id after each message sent to it.
    on_send: Callable[[int], None] | None = None
    # Ids start somewhere new for each fake: update ids are remembered in the shared test database,
    # where another fake's update 1 would make this one's update 1 look like a redelivery.
    _ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(random.randrange(1, 10**9, 10**5))
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- what a test does ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def user(
        self, user_id: int, language_code: str | None = "zh-hans", first_name: str = "张"
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def message(self, user_id: int, **content: Any) -> dict[str, Any]:
        """Queues a private message from `user_id` (pass text=, contact=, photo=, ...)."""
        language_code = content.pop("language_code", "zh-hans")
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "张"},
            "from": self.user(user_id, language_code),
            **content,
        }
        if isinstance(content.get("text"), str) and content["text"].startswith("/"):
            command = content["text"].split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push({"message": message})

    def edited(self, user_id: int, text: str, language_code: str | None = "zh-hans") -> dict[str, Any]:
        """Queues an edit of an earlier private message from `user_id`."""
        now = int(time.time())
        return self.push(
            {
                "edited_message": {
                    "message_id": next(self._ids),
                    "date": now - 30,
                    "edit_date": now,
                    "chat": {"id": user_id, "type": "private", "first_name": "张"},
                    "from": self.user(user_id, language_code),
                    "text": text,
                }
            }
        )

    def group_message(
        self, chat_id: int, user_id: int, text: str, language_code: str | None = "zh-hans"
    ) -> dict[str, Any]:
        """Queues a message from `user_id` in the group `chat_id` (a negative id, as Telegram's)."""
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "小区群"},
            "from": self.user(user_id, language_code),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push({"message": message})

    def slow_chat(self, chat_id: int, seconds: float) -> None:
        with self._lock:
            self.delays[chat_id] = seconds

    def callback(self, user_id: int, data: str, language_code: str | None = "zh-hans") -> dict[str, Any]:
        """Queues a press of an inline button carrying `data`."""
        return self.push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": self.user(user_id, language_code),
                    "chat_instance": str(user_id),
                    "data": data,
                    "message": {
                        "message_id": next(self._ids),
                        "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private"},
                        "from": BOT_USER,
                        "text": "…",
                    },
                }
            }
        )

    def push(self, update: dict[str, Any], update_id: int | None = None) -> dict[str, Any]:
        with self._lock:
            update = {"update_id": update_id if update_id is not None else next(self._ids), **update}
            self.updates.append(update)
        return update

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[dict[str, Any]]:
        """What the bot sent successfully (refused attempts are in `calls` only)."""
        with self._lock:
            return [
                c.params
                for c in self.calls
                if c.ok
                and c.method == method
                and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
            ]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages sent to one chat, in order (cheap: for the load bench)."""
        with self._lock:
            return list(self.by_chat.get(chat_id, ()))

    def called(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError("the bot did not do what was expected in time")

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The chat's messages once there are at least `count` of them."""
        return list(self.wait_for(lambda: (m := self.sent(chat_id)) and len(m) >= count and m, timeout))

    def fail_next(
        self, method: str, status: int, retry_after: int | None = None, description: str | None = None
    ) -> None:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": description or f"fake failure {status}",
        }
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self.failures.setdefault(method, []).append((status, body))

    # -- the server ---------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        params = await _params(request)
        delay = self.delays.get(int(params.get("chat_id") or 0), 0.0) if method == "sendMessage" else 0.0
        if delay:
            await asyncio.sleep(delay)
        with self._lock:
            failure = self.failures.get(method, []).pop(0) if self.failures.get(method) else None
            self.calls.append(Call(method, params, ok=failure is None))
            if failure is None and method == "sendMessage":
                self.by_chat.setdefault(int(params.get("chat_id") or 0), []).append(params)
        if failure is not None:
            return JSONResponse(failure[1], status_code=failure[0])
        if method == "sendMessage" and self.on_send is not None:
            self.on_send(int(params.get("chat_id") or 0))
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        return _ok(self._answer(method, params))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.05)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}:
            chat_id = int(params.get("chat_id", 0))
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "getFile":
            file_id = str(params["file_id"])
            size = len(self.files.get(file_id, b""))
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": size,
                "file_path": f"files/{file_id}",
            }
        return True

    async def _file(self, request: Request) -> Response:
        file_id = request.path_params["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return Response(status_code=404)
        return Response(self.files[file_id], media_type="application/octet-stream")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )

    def start(self) -> FakeTelegram:
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


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        return dict(json.loads(body)) if body else {}
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value if isinstance(value, str) else "<file>"
    params.update(request.query_params)
    return params
