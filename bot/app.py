"""The gateway: one ASGI app for web chat, the health check, Telegram, WeChat and the console."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot import health, logs, metrics
from bot.channels.telegram.bot import TelegramChannel
from bot.channels.telegram.webhook import router as telegram_router
from bot.channels.web.routes import router as web_router
from bot.channels.web.scam_check import router as scam_router
from bot.channels.wechat.channel import WeChatChannel
from bot.channels.wechat.routes import router as wechat_router
from bot.config import Settings, load_settings
from bot.console.setup import install as install_console
from bot.conversation.payloads import ForgedPayload
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import InvalidMessage, Relay
from bot.delivery.dispatcher import Dispatcher
from bot.district import load_profile

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024


class BodySizeLimit:
    """Refuses a request body larger than MAX_BODY_BYTES before anything reads it. Plain ASGI, not
    Starlette's BaseHTTPMiddleware, which costs every request a task group and a stream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = Headers(scope=scope).get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                refusal = JSONResponse(
                    {"error": f"request body larger than {MAX_BODY_BYTES} bytes"}, status_code=413
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _field_errors(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    # Under uvicorn nothing else configures logging (inside `shuoshi` or a test runner it is done).
    logs.configure_unless_hosted(process="gateway", level=settings.log_level)
    load_profile(settings)  # a bad district profile stops the gateway, naming the field

    meters = metrics.Metrics(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as http:
            rasa: RasaClient = metrics.MeteredRasaClient(metrics=meters, settings=settings, http=http)
            relay: Relay = metrics.MeteredRelay(metrics=meters, settings=settings, rasa=rasa)
            app.state.settings = settings
            app.state.rasa = rasa
            app.state.relay = relay
            app.state.telegram = (
                TelegramChannel(settings=settings, relay=relay) if settings.telegram.token else None
            )
            if app.state.telegram is not None:
                await app.state.telegram.start()
            app.state.wechat = (
                WeChatChannel(settings=settings, relay=relay, http=http) if settings.wechat.enabled else None
            )
            dispatcher = Dispatcher(
                settings=settings,
                rasa=rasa,
                relay=relay,
                telegram=app.state.telegram,
                wechat=app.state.wechat,
            )
            task = (
                asyncio.create_task(dispatcher.run_forever(interval=settings.dispatcher.interval))
                if settings.dispatcher.enabled
                else None
            )
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                if app.state.telegram is not None:
                    await app.state.telegram.stop()
                if app.state.wechat is not None:
                    await app.state.wechat.drain()

    app = FastAPI(title="Shuoshi gateway", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings  # also before the lifespan runs (routes that need no Rasa)
    app.add_middleware(BodySizeLimit)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _field_errors(error)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        # The JSON APIs answer every error as {"error": ...}; pages keep FastAPI's own handling.
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": str(error.detail)}, status_code=error.status_code, headers=error.headers
            )
        return await http_exception_handler(request, error)

    @app.exception_handler(InvalidMessage)
    async def invalid_message(request: Request, error: InvalidMessage) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=422)

    @app.exception_handler(ForgedPayload)
    async def forged_payload(request: Request, error: ForgedPayload) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=400)

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        state = await health.check(settings=settings, rasa=request.app.state.rasa)
        return JSONResponse(state, status_code=200 if state["status"] == "ok" else 503)

    @app.get("/metrics")
    async def metrics_text() -> Response:
        # The store's gauges are read here, off the event loop.
        return Response(await asyncio.to_thread(meters.render), media_type=CONTENT_TYPE_LATEST)

    @app.get("/livez")
    async def livez() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        state = await health.readiness(settings=settings, rasa=request.app.state.rasa)
        return JSONResponse(state, status_code=200 if state["status"] == "ok" else 503)

    app.include_router(web_router)
    app.include_router(telegram_router)
    app.include_router(wechat_router)
    app.include_router(scam_router)
    install_console(app)
    return app
