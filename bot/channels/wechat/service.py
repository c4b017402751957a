"""WeChat's rows in the store: pushes seen, and the shared access token with its lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.wechat.models import WeChatAccessToken, WeChatPush
from bot.db.clock import db_now

KEEP = timedelta(days=2)  # WeChat retries within seconds; two days is plenty
EARLY = timedelta(minutes=5)  # a token is renewed this long before it expires
LEASE = timedelta(seconds=30)


def first_delivery(*, session: Session, key: str) -> bool:
    """Records the push; False if it was recorded before (WeChat retrying)."""
    try:
        with session.begin_nested():
            session.add(WeChatPush(key=key))
    except IntegrityError:
        return False
    return True


def forget_old(*, session: Session) -> int:
    result = session.execute(
        delete(WeChatPush).where(WeChatPush.received_at < db_now(session=session) - KEEP)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class TokenState:
    token: str | None  # a token still good for a while, or None
    lease_taken: bool  # this caller holds the lease and must fetch a new token


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def token_or_lease(*, session: Session, app_id: str, holder: str) -> TokenState:
    """The stored token if it is still good; else the lease to fetch one, if nobody holds it."""
    now = db_now(session=session)
    row = session.get(WeChatAccessToken, app_id)
    if row is None:
        try:
            with session.begin_nested():
                session.add(WeChatAccessToken(app_id=app_id))
        except IntegrityError:
            pass
        row = session.get(WeChatAccessToken, app_id)
        assert row is not None
    expires = _aware(row.expires_at)
    if row.token and expires is not None and expires - EARLY > now:
        return TokenState(row.token, lease_taken=False)
    # The lease is taken only while there is still no good token: another gateway may have
    # stored one since the row was read (PostgreSQL re-reads the row for the update's condition).
    taken = session.execute(
        update(WeChatAccessToken)
        .where(
            WeChatAccessToken.app_id == app_id,
            or_(WeChatAccessToken.lease_until.is_(None), WeChatAccessToken.lease_until < now),
            or_(
                WeChatAccessToken.token.is_(None),
                WeChatAccessToken.expires_at.is_(None),
                WeChatAccessToken.expires_at <= now + EARLY,
            ),
        )
        .values(lease_holder=holder, lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    return TokenState(None, lease_taken=bool(getattr(taken, "rowcount", 0)))


def store_token(*, session: Session, app_id: str, holder: str, token: str, expires_in: int) -> None:
    """The token the lease holder fetched; the lease is released."""
    now = db_now(session=session)
    session.execute(
        update(WeChatAccessToken)
        .where(WeChatAccessToken.app_id == app_id)
        .values(
            token=token, expires_at=now + timedelta(seconds=expires_in), lease_holder=None, lease_until=None
        )
        .execution_options(synchronize_session=False)
    )


def release_lease(*, session: Session, app_id: str, holder: str) -> None:
    session.execute(
        update(WeChatAccessToken)
        .where(WeChatAccessToken.app_id == app_id, WeChatAccessToken.lease_holder == holder)
        .values(lease_holder=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def expire_token(*, session: Session, app_id: str, token: str) -> None:
    """WeChat refused this token (expired or replaced): the next caller fetches a new one."""
    session.execute(
        update(WeChatAccessToken)
        .where(WeChatAccessToken.app_id == app_id, WeChatAccessToken.token == token)
        .values(expires_at=None)
        .execution_options(synchronize_session=False)
    )
