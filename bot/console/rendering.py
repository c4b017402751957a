"""Pages: the Jinja2 templates and what every page gets (language, CSRF token, signed-in staff)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from bot.cases.enums import CaseCategory, CaseKind, CaseSource, CaseStatus, ResolutionOutcome
from bot.config import Settings
from bot.console.i18n import LANGUAGE_COOKIE, Translator, language_of
from bot.district import load_profile
from bot.residents.privacy import mask_name, mask_phone
from bot.staff import auth
from bot.staff.enums import StaffRole

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
STATIC = Path(__file__).parent / "static"
# Lists show names and phone numbers masked, as the read schemas do.
TEMPLATES.env.filters["mask_name"] = mask_name
TEMPLATES.env.filters["mask_phone"] = mask_phone


def translator(request: Request) -> Translator:
    return Translator(language_of(request.cookies.get(LANGUAGE_COOKIE)))


def csrf_key(request: Request, settings: Settings) -> str | None:
    """What the request's CSRF token is bound to: the session key, or before signing in the
    pre-session cookie."""
    secret = settings.secret("console_secret")
    key = getattr(request.state, "session_key", None) or auth.key_from_cookie(
        secret, request.cookies.get(auth.SESSION_COOKIE)
    )
    return (
        key or getattr(request.state, "pre_session_key", None) or request.cookies.get(auth.PRE_SESSION_COOKIE)
    )


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    profile = load_profile(settings)
    key = csrf_key(request, settings)
    zone = profile.zone

    def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return "" if moment is None else moment.astimezone(zone).strftime(fmt)

    page = {
        "request": request,
        "tr": translator(request),
        "lang": language_of(request.cookies.get(LANGUAGE_COOKIE)),
        "csrf": auth.csrf_token(settings.secret("console_secret"), key) if key else "",
        "me": getattr(request.state, "staff", None),
        "profile": profile,
        "townships": [item.name for item in profile.townships],
        "statuses": list(CaseStatus),
        "kinds": list(CaseKind),
        "categories": list(CaseCategory),
        "sources": list(CaseSource),
        "outcomes": list(ResolutionOutcome),
        "roles": list(StaffRole),
        "local": local,
        "zone": zone,
    }
    response = TEMPLATES.TemplateResponse(request, template, {**page, **(context or {})}, status_code=status)
    # Pages show personal data: never kept by a shared cache or the browser's back-forward store.
    response.headers["Cache-Control"] = "no-store"
    return response
