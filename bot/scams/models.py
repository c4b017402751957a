"""Scam alerts, who subscribed to them, and what a resident's guardians hear."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base
from bot.db.types import utcnow
from bot.residents.models import Guardianship, Resident
from bot.staff.models import StaffUser


class AlertSubscription(Base):
    """A resident wants the centre's scam warnings for a township (None: the whole district)."""

    __tablename__ = "scam_alert_subscriptions"
    __table_args__ = (UniqueConstraint("resident_id", "township"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    township: Mapped[str | None] = mapped_column(String(50), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    resident: Mapped[Resident] = relationship()


class ScamAlert(Base):
    """A warning staff published: what it says, about which fraud type, for which townships."""

    __tablename__ = "scam_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    # A knowledge-base key (bot.scams.rules.FRAUD_TYPES), or None for a general warning.
    fraud_type: Mapped[str | None] = mapped_column(String(32))
    # Township names; empty: the whole district.
    townships: Mapped[list[Any]] = mapped_column(JSON, default=list)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # How many residents it was queued for when it was published.
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    published_by: Mapped[StaffUser | None] = relationship()


class GuardianInvite(Base):
    """A one-time code a resident gives a family member to become their guardian."""

    __tablename__ = "guardian_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the code: a leaked table gives no working codes.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    notify_high_risk: Mapped[bool] = mapped_column(default=True)
    notify_paid: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    resident: Mapped[Resident] = relationship()


class GuardianNoticeSetting(Base):
    """What a guardian hears about the resident: high-risk checks, and saying they paid."""

    __tablename__ = "guardian_notice_settings"

    guardianship_id: Mapped[int] = mapped_column(
        ForeignKey("guardianships.id", ondelete="CASCADE"), primary_key=True
    )
    notify_high_risk: Mapped[bool] = mapped_column(default=True)
    notify_paid: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(server_default=utcnow(), onupdate=utcnow())

    guardianship: Mapped[Guardianship] = relationship()
