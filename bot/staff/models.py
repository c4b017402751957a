"""Staff accounts and what signing in keeps: sessions, API tokens, sign-in attempts, the audit log.

Secrets (session keys, API tokens) are stored only as SHA-256 hashes: a copy of the database
does not let anyone sign in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.actors import Actor
from bot.db.base import Base
from bot.db.types import enum_column, utcnow
from bot.staff.enums import StaffRole


class StaffUser(Base):
    """A member of the centre's staff. A township scope limits them to that township's cases."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64))
    # argon2id hash (argon2-cffi); never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    # None: the whole district.
    township: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    # A grid worker's villages (set by an admin); empty for every other role.
    villages: Mapped[list[StaffVillage]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="StaffVillage.id"
    )

    @property
    def actor(self) -> Actor:
        return Actor.of_staff(self)


class StaffVillage(Base):
    """A village or community a grid worker (网格员) works in: they register cases there."""

    __tablename__ = "staff_villages"
    __table_args__ = (UniqueConstraint("staff_id", "township", "village"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    township: Mapped[str] = mapped_column(String(50))
    village: Mapped[str] = mapped_column(String(50))

    staff: Mapped[StaffUser] = relationship(back_populates="villages")


class StaffSession(Base):
    """A signed-in browser. The cookie holds the key (signed); the row its hash."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    expires_at: Mapped[datetime]
    # Set on sign-out, or when an admin deactivates the account.
    ended_at: Mapped[datetime | None]

    staff: Mapped[StaffUser] = relationship()


class StaffApiToken(Base):
    """A bearer token for /api/staff, printed once by `shuoshi staff token USER`."""

    __tablename__ = "staff_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    # `console.token_days` after it was issued; a password reset revokes it sooner.
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    staff: Mapped[StaffUser] = relationship()


class ApiKey(Base):
    """A key for a program (a kiosk, an integration, the benchmarks) that names the web-chat
    resident it speaks for; printed once by `shuoshi api-key add NAME`, kept as its hash."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One try at signing in that was checked; failures make the next tries wait (bot.staff.auth).
    Tries refused while waiting are not recorded here (the audit log has them)."""

    __tablename__ = "staff_login_attempts"
    __table_args__ = (
        Index("ix_staff_login_attempts_username_created_at", "username", "created_at"),
        Index("ix_staff_login_attempts_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # As typed (lower-cased), whether or not such a staff member exists.
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())


class AuditEntry(Base):
    """Something a staff member did outside a case: signing in, managing accounts, exporting.

    What they did to a case is a CaseEvent; the audit log page shows both.
    """

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    # The name at the time (or as typed, for a failed sign-in; "cli" for the command line).
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    # What it was done to: another staff member, a filter of exported cases.
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow(), index=True)
