"""Wires the console and the staff API into the gateway: routes, static files, errors, headers."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.cases.errors import IllegalTransition, MissingReason, NotPermitted
from bot.console.alerts import router as alerts_router
from bot.console.api import router as api_router
from bot.console.deps import CsrfFailed, Forbidden, SignInRequired
from bot.console.registration import router as registration_router
from bot.console.rendering import STATIC, render, translator
from bot.console.routes import router as console_router
from bot.console.surveys import api_router as surveys_api_router
from bot.console.surveys import router as surveys_router
from bot.db.errors import DomainError, NotFound

API_PREFIX = "/api/staff"
CONSOLE_PREFIX = "/console"

# Every asset is served from here: scripts, styles and images from anywhere else are refused.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _status_of(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, IllegalTransition):
        return 409
    if isinstance(error, MissingReason):
        return 422
    return 400


async def _sign_in_required(request: Request, error: Exception) -> Response:
    if _is_api(request):
        return JSONResponse(
            {"error": "a valid bearer token is required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{CONSOLE_PREFIX}/login?next={quote(target)}", status_code=303)


async def _forbidden(request: Request, error: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"error": "your role may not do this"}, status_code=403)
    tr = translator(request)
    return render(
        request, "error.html", {"message": tr("您的角色无权进行此操作。", "Your role may not do this.")}, 403
    )


async def _csrf_failed(request: Request, error: Exception) -> Response:
    tr = translator(request)
    message = tr(
        "表单已失效，请返回刷新页面后重试。", "This form has expired: go back, reload the page and try again."
    )
    return render(request, "error.html", {"message": message}, 403)


async def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    status = _status_of(error)
    if _is_api(request):
        return JSONResponse({"error": str(error), "code": error.code}, status_code=status)
    if request.url.path.startswith(CONSOLE_PREFIX):
        return render(request, "error.html", {"message": str(error)}, status)
    return JSONResponse({"error": str(error)}, status_code=status)


class SecurityHeaders:
    """Headers for every console page: no framing, no foreign scripts, no referrer leaks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path.startswith(CONSOLE_PREFIX) or path.startswith(API_PREFIX)):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI) -> None:
    """Adds the console (/console) and the staff API (/api/staff) to the gateway."""
    app.mount(f"{CONSOLE_PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    # Before the console's own routes: /console/cases/new is not a case number.
    app.include_router(registration_router)
    app.include_router(console_router)
    app.include_router(alerts_router)
    app.include_router(surveys_router)
    app.include_router(surveys_api_router)
    app.include_router(api_router)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_middleware(SecurityHeaders)
