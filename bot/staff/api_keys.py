"""API keys: the only way a program may name the web-chat resident it speaks for.

A web browser's resident is the one its cookie names (the gateway issues it). A kiosk, an
integration or the benchmarks name a `sender` themselves, and only with a key made by
`shuoshi api-key add NAME`: printed once, kept as its SHA-256 (a copy of the database names no
usable key).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.db.errors import DomainError
from bot.staff.models import ApiKey

KEY_PREFIX = "ssa_"


class InvalidApiKey(DomainError):
    """A key name that cannot be used."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add(*, session: Session, name: str) -> str:
    """A new key for the program called `name`; the key itself is returned once and never kept."""
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidApiKey("an API key's name must be 1 to 64 characters")
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise InvalidApiKey(f"there is already an API key called {name!r}; revoke it first")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, key_hash=_hash(key)))
    session.flush()
    return key


def find(*, session: Session, key: str) -> ApiKey | None:
    """The live key with this value, if any."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(key)))
    return row if row is not None and row.revoked_at is None else None


def revoke(*, session: Session, name: str) -> None:
    """Ends the key called `name` (its name becomes free again)."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
    if row is None:
        raise InvalidApiKey(f"no live API key called {name!r}")
    row.revoked_at = db_now(session=session)
    # The name may be used again; the revoked row keeps its hash so the old key stays refused.
    row.name = f"{name[:40]} (revoked {row.id})"
    session.flush()
