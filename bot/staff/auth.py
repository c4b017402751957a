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
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

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


def issue_token(*, session: Session, staff: StaffUser, by: StaffUser | None, days: float) -> str:
    """A new bearer token for /api/staff that lasts `days`; only its hash is kept, so it is
    shown once. Audited as `by` (None: the command line) issuing a token for `staff`."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        StaffApiToken(
            token_hash=_hash(token),
            staff_id=staff.id,
            expires_at=db_now(session=session) + timedelta(days=days),
        )
    )
    audit.record(
        session=session,
        action=AuditAction.TOKEN_ISSUED,
        staff=by,
        username=None if by is not None else "cli",
        target=staff.username,
    )
    return token


def staff_for_token(*, session: Session, token: str) -> StaffUser | None:
    """The active staff member a live token (not revoked, not expired) belongs to."""
    row = session.scalar(select(StaffApiToken).where(StaffApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None or not row.staff.active:
        return None
    if row.expires_at <= db_now(session=session):
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


# Signing in, with growing delays


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["ok", "invalid", "locked"]
    staff: StaffUser | None = None
    # When locked: seconds until the next try will be checked.
    wait_seconds: int = 0


# An address the account signed in from within this many days is its owner's: failures for the
# username from elsewhere never make its owner wait there.
KNOWN_ADDRESS_DAYS = 90


def delay_after(failures: int, *, free: int, first_seconds: float, cap_seconds: float) -> float:
    """Seconds the next try must wait after `failures` counted failures: none for the first
    `free`, then `first_seconds`, doubling with each further failure, never more than the cap."""
    if failures < free:
        return 0.0
    return float(min(first_seconds * 2 ** min(failures - free, 30), cap_seconds))


def _failures(
    session: Session, where: list[Any], since: datetime, *, reset_by_success: bool
) -> tuple[int, datetime | None]:
    """How many counted failures match `where` since `since` (or since the last success that
    matches, if that resets them), and when the last one was."""
    start = since
    if reset_by_success:
        last_success = session.scalar(
            select(func.max(LoginAttempt.created_at)).where(*where, LoginAttempt.succeeded.is_(True))
        )
        if last_success is not None:
            start = max(start, last_success)
    count, last = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.created_at)).where(
            *where, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > start
        )
    ).one()
    return int(count or 0), last


def _known_address(session: Session, username: str, address: str, now: datetime) -> bool:
    return (
        session.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.username == username,
                LoginAttempt.address == address,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.created_at > now - timedelta(days=KNOWN_ADDRESS_DAYS),
            )
            .limit(1)
        )
        is not None
    )


def wait_before_next_try(
    *, session: Session, settings: ConsoleSettings, username: str, address: str | None
) -> float:
    """Seconds before a try for `username` from `address` will be checked (0: now).

    Three counts, each with its own free tries and growing delay: this username from this
    address; this address, any username; this username from addresses its owner never signed in
    from (a short cap, and never for its owner at a known address, so that no one can lock
    `admin` out at will)."""
    now = db_now(session=session)
    since = now - timedelta(hours=settings.lockout_forget_hours)
    longest = settings.lockout_minutes * 60.0
    first = float(settings.lockout_first_delay_seconds)
    checks: list[tuple[list[Any], bool, int, float]] = []
    if address is not None:
        pair = [LoginAttempt.username == username, LoginAttempt.address == address]
        checks.append((pair, True, settings.lockout_failures, longest))
        checks.append(
            ([LoginAttempt.address == address], False, settings.lockout_failures_per_address, longest)
        )
    if address is None or not _known_address(session, username, address, now):
        checks.append(
            (
                [LoginAttempt.username == username],
                True,
                settings.lockout_failures_per_user,
                float(settings.lockout_user_max_delay_seconds),
            )
        )
    wait = 0.0
    for where, reset, free, cap in checks:
        count, last = _failures(session, where, since, reset_by_success=reset)
        if last is None:
            continue
        delay = delay_after(count, free=free, first_seconds=first, cap_seconds=cap)
        wait = max(wait, (last + timedelta(seconds=delay) - now).total_seconds())
    return wait


def sign_in(
    *, session: Session, settings: ConsoleSettings, username: str, password: str, address: str | None
) -> SignIn:
    """Checks the password unless the try must wait; a try that must wait is refused unchecked
    and not counted (so hammering does not lengthen the wait), but audited."""
    username = username.strip().lower()[:64]
    wait = wait_before_next_try(session=session, settings=settings, username=username, address=address)
    if wait > 0:
        audit.record(session=session, action=AuditAction.SIGN_IN_LOCKED, username=username, address=address)
        return SignIn("locked", wait_seconds=max(1, math.ceil(wait)))
    staff = staff_service.authenticate(session=session, username=username, password=password)
    session.add(LoginAttempt(username=username, address=address, succeeded=staff is not None))
    if staff is None:
        audit.record(session=session, action=AuditAction.SIGN_IN_FAILED, username=username, address=address)
        return SignIn("invalid")
    audit.record(session=session, action=AuditAction.SIGNED_IN, staff=staff, address=address)
    return SignIn("ok", staff)
