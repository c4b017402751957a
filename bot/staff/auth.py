"""Signing in: session cookies, CSRF tokens, bearer tokens for /api/staff, and the lockout.

A session cookie holds a random key and its HMAC signature (the console secret); the database
keeps only the key's SHA-256, so signing out or deactivating an account ends the session at
once. The CSRF token of a form is an HMAC of the same key: it cannot be made without the secret
and is worthless with any other cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.config import ConsoleSettings
from bot.db.clock import db_now
from bot.staff import audit
from bot.staff import service as staff_service
from bot.staff.audit import AuditAction
from bot.staff.models import LoginAttempt, StaffApiToken, StaffSession, StaffUser

SESSION_COOKIE = "shuoshi_console"
# Set on the sign-in page before there is a session, so that its form has a CSRF token too.
PRE_SESSION_COOKIE = "shuoshi_console_pre"
TOKEN_PREFIX = "ssk_"  # noqa: S105


def _sign(secret: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(32)


def cookie_value(secret: str, key: str) -> str:
    return f"{key}.{_sign(secret, 'session', key)}"


def key_from_cookie(secret: str, value: str | None) -> str | None:
    """The session key in a cookie, if its signature is ours."""
    if not value or "." not in value:
        return None
    key, _, signature = value.rpartition(".")
    return key if hmac.compare_digest(signature, _sign(secret, "session", key)) else None


def csrf_token(secret: str, key: str) -> str:
    return _sign(secret, "csrf", key)


def csrf_valid(secret: str, key: str | None, token: str | None) -> bool:
    return bool(key and token) and hmac.compare_digest(str(token), csrf_token(secret, str(key)))


# Sessions


def start_session(*, session: Session, staff: StaffUser, hours: float) -> str:
    """A new session for `staff`; returns its key (for the cookie)."""
    key = new_key()
    session.add(
        StaffSession(
            key_hash=_hash(key),
            staff_id=staff.id,
            expires_at=db_now(session=session) + timedelta(hours=hours),
        )
    )
    session.flush()
    return key


def staff_for_session(*, session: Session, key: str) -> StaffUser | None:
    """The active staff member signed in with `key`, if the session is still running."""
    row = session.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key)))
    if row is None or row.ended_at is not None or row.expires_at <= db_now(session=session):
        return None
    return row.staff if row.staff.active else None


def end_session(*, session: Session, key: str) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.key_hash == _hash(key), StaffSession.ended_at.is_(None))
        .values(ended_at=db_now(session=session))
    )


def end_all_sessions(*, session: Session, staff: StaffUser) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff.id, StaffSession.ended_at.is_(None))
        .values(ended_at=db_now(session=session))
    )


# Bearer tokens


def issue_token(*, session: Session, staff: StaffUser) -> str:
    """A new bearer token for /api/staff; only its hash is kept, so it is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(StaffApiToken(token_hash=_hash(token), staff_id=staff.id))
    audit.record(session=session, action=AuditAction.TOKEN_ISSUED, staff=staff)
    return token


def staff_for_token(*, session: Session, token: str) -> StaffUser | None:
    row = session.scalar(select(StaffApiToken).where(StaffApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None or not row.staff.active:
        return None
    return row.staff


def revoke_tokens(*, session: Session, staff: StaffUser) -> int:
    rows = session.scalars(
        select(StaffApiToken).where(StaffApiToken.staff_id == staff.id, StaffApiToken.revoked_at.is_(None))
    ).all()
    now = db_now(session=session)
    for row in rows:
        row.revoked_at = now
    session.flush()
    return len(rows)


# Signing in, with a lockout


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["ok", "invalid", "locked"]
    staff: StaffUser | None = None


def _failures_since(session: Session, column: InstrumentedAttribute[Any], value: str, since: datetime) -> int:
    last_success = session.scalar(
        select(func.max(LoginAttempt.created_at)).where(column == value, LoginAttempt.succeeded.is_(True))
    )
    start = max(since, last_success) if last_success is not None else since
    return int(
        session.scalar(
            select(func.count(LoginAttempt.id)).where(
                column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > start
            )
        )
        or 0
    )


def is_locked(*, session: Session, settings: ConsoleSettings, username: str, address: str | None) -> bool:
    """Too many failed sign-ins for this username (or from this address) within the window."""
    since = db_now(session=session) - timedelta(minutes=settings.lockout_minutes)
    if _failures_since(session, LoginAttempt.username, username, since) >= settings.lockout_failures:
        return True
    return (
        address is not None
        and _failures_since(session, LoginAttempt.address, address, since)
        >= settings.lockout_failures_per_address
    )


def sign_in(
    *, session: Session, settings: ConsoleSettings, username: str, password: str, address: str | None
) -> SignIn:
    """Checks the password unless the username or address is locked; every try is recorded."""
    username = username.strip().lower()[:64]
    if is_locked(session=session, settings=settings, username=username, address=address):
        session.add(LoginAttempt(username=username, address=address, succeeded=False))
        audit.record(session=session, action=AuditAction.SIGN_IN_LOCKED, username=username, address=address)
        return SignIn("locked")
    staff = staff_service.authenticate(session=session, username=username, password=password)
    session.add(LoginAttempt(username=username, address=address, succeeded=staff is not None))
    if staff is None:
        audit.record(session=session, action=AuditAction.SIGN_IN_FAILED, username=username, address=address)
        return SignIn("invalid")
    audit.record(session=session, action=AuditAction.SIGNED_IN, staff=staff, address=address)
    return SignIn("ok", staff)
