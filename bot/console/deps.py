"""FastAPI dependencies of the console and the staff API: the transaction, who is asking, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.console.rendering import csrf_key
from bot.db.session import session_scope
from bot.staff import auth
from bot.staff.enums import StaffRole
from bot.staff.models import StaffUser


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, as pages show it; stays readable after the transaction ended (error pages)."""

    id: int
    username: str
    display_name: str | None
    role: StaffRole
    township: str | None

    @classmethod
    def of(cls, staff: StaffUser) -> SignedIn:
        return cls(staff.id, staff.username, staff.display_name, staff.role, staff.township)


class SignInRequired(Exception):
    """No valid session (console: redirect to sign-in) or bearer token (API: 401)."""


class Forbidden(Exception):
    """Signed in, but this role may not do this (403)."""


class CsrfFailed(Exception):
    """A form came without the CSRF token of the session that showed it (403)."""


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    with session_scope(settings_of(request)) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def console_staff(request: Request, session: DbSession) -> StaffUser:
    """The staff member signed in to the console with this browser's session cookie."""
    settings = settings_of(request)
    key = auth.key_from_cookie(settings.secret("console_secret"), request.cookies.get(auth.SESSION_COOKIE))
    staff = auth.staff_for_session(session=session, key=key) if key else None
    if staff is None:
        raise SignInRequired()
    request.state.staff = SignedIn.of(staff)
    request.state.session_key = key
    return staff


def senior_console_staff(staff: Annotated[StaffUser, Depends(console_staff)]) -> StaffUser:
    if not staff.role.is_senior:
        raise Forbidden()
    return staff


def office_console_staff(staff: Annotated[StaffUser, Depends(console_staff)]) -> StaffUser:
    """Staff of the centre's offices: not a grid worker, who works only their own cases."""
    if staff.role is StaffRole.GRID_WORKER:
        raise Forbidden()
    return staff


def admin_console_staff(staff: Annotated[StaffUser, Depends(console_staff)]) -> StaffUser:
    if staff.role is not StaffRole.ADMIN:
        raise Forbidden()
    return staff


def api_staff(request: Request, session: DbSession) -> StaffUser:
    """The staff member whose bearer token came with the request (cookies are not looked at)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    staff = (
        auth.staff_for_token(session=session, token=token.strip())
        if scheme.lower() == "bearer" and token.strip()
        else None
    )
    if staff is None:
        raise SignInRequired()
    request.state.staff = SignedIn.of(staff)
    return staff


def senior_api_staff(staff: Annotated[StaffUser, Depends(api_staff)]) -> StaffUser:
    if not staff.role.is_senior:
        raise Forbidden()
    return staff


async def csrf_protected(request: Request) -> None:
    """Every console form that changes something carries the token of the session that showed it."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    token = form.get("csrf")
    settings = settings_of(request)
    if not auth.csrf_valid(settings.secret("console_secret"), csrf_key(request, settings), str(token or "")):
        raise CsrfFailed()


ConsoleStaff = Annotated[StaffUser, Depends(console_staff)]
OfficeConsoleStaff = Annotated[StaffUser, Depends(office_console_staff)]
SeniorConsoleStaff = Annotated[StaffUser, Depends(senior_console_staff)]
AdminConsoleStaff = Annotated[StaffUser, Depends(admin_console_staff)]
ApiStaff = Annotated[StaffUser, Depends(api_staff)]
SeniorApiStaff = Annotated[StaffUser, Depends(senior_api_staff)]
