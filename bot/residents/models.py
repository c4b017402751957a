"""Residents and the chat identities they write from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.actors import Actor
from bot.db.base import Base
from bot.db.types import enum_column, utcnow
from bot.residents.enums import DEFAULT_LANGUAGE, Channel, UnreachableReason


class Resident(Base):
    """A person who writes to the assistant. Personal fields stay empty until they are given."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name as the resident gave it (not checked against any register).
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    # zh-Hans | zh-Hant | en, as bot.language decided it.
    language: Mapped[str] = mapped_column(String(8), default=DEFAULT_LANGUAGE)
    # Larger text, fewer buttons, slower dialogue (the resident or a guardian asked for it).
    elder_mode: Mapped[bool] = mapped_column(default=False)
    township: Mapped[str | None] = mapped_column(String(50))
    # When the resident agreed to the privacy notice, and which version of it.
    consent_at: Mapped[datetime | None]
    consent_notice_version: Mapped[str | None] = mapped_column(String(32))
    # Set when the resident's personal data was erased at their request; the row stays for the figures.
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    identities: Mapped[list[ChannelIdentity]] = relationship(
        back_populates="resident", cascade="all, delete-orphan", order_by="ChannelIdentity.id"
    )
    guardianships: Mapped[list[Guardianship]] = relationship(
        foreign_keys="Guardianship.resident_id", back_populates="resident", cascade="all, delete-orphan"
    )

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None and self.erased_at is None

    @property
    def actor(self) -> Actor:
        return Actor.of_resident(self)


class ChannelIdentity(Base):
    """One way to reach a resident: a Telegram user id, a web-chat sender id, a terminal session."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    external_id: Mapped[str] = mapped_column(String(128))
    # When the resident last wrote from it: WeChat lets the assistant write back freely only
    # within 48 hours of that (bot/channels/wechat).
    last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    # Set when the platform refused a message because the resident blocked the bot or unfollowed;
    # nothing is sent here on the assistant's own until the resident writes again (bot.residents.reach).
    unreachable_at: Mapped[datetime | None]
    unreachable_reason: Mapped[UnreachableReason | None] = mapped_column(enum_column(UnreachableReason))

    resident: Mapped[Resident] = relationship(back_populates="identities")

    @property
    def reachable(self) -> bool:
        return self.unreachable_at is None


class Guardianship(Base):
    """A guardian (a son, a daughter, a neighbour) who may act for an elderly resident."""

    __tablename__ = "guardianships"
    __table_args__ = (UniqueConstraint("resident_id", "guardian_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    # In the resident's words: 儿子, 女儿, 邻居…
    relationship_label: Mapped[str | None] = mapped_column(String(32))
    # When the resident confirmed it; unconfirmed guardians may do nothing.
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    resident: Mapped[Resident] = relationship(foreign_keys=[resident_id], back_populates="guardianships")
    guardian: Mapped[Resident] = relationship(foreign_keys=[guardian_id])
