"""Cases, their events and notes, counters for numbers, attachments (staff accounts: bot.staff)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.actors import ActorRole
from bot.cases.enums import (
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    ConsentMethod,
    ContactPreference,
    EventAction,
    ResolutionOutcome,
)
from bot.db.base import Base
from bot.db.types import enum_column, utcnow
from bot.residents.enums import DEFAULT_LANGUAGE, Channel
from bot.residents.models import ChannelIdentity, Resident
from bot.residents.reach import unreachable_identities
from bot.staff.models import StaffUser


class Case(Base):
    """A dispute, petition or consultation: registered by a resident in a chat, by staff on a
    resident's behalf (a walk-in, a call, a grid worker's patrol, a letter), or imported."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_township", "status", "township"),
        Index("ix_cases_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. DT-JF-2026-000123: district prefix, kind, year, sequence without gaps within the year.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind))
    category: Mapped[CaseCategory] = mapped_column(enum_column(CaseCategory))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus))
    township: Mapped[str] = mapped_column(String(50))
    village: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    # What happened, in the resident's words.
    description: Mapped[str] = mapped_column(Text)
    other_party: Mapped[str | None] = mapped_column(String(200))
    # What the resident asks for (诉求).
    request: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # Resident identity card number, where a petition needs it; shown in full only through reveal().
    id_number: Mapped[str | None] = mapped_column(String(18))
    contact_preference: Mapped[ContactPreference | None] = mapped_column(enum_column(ContactPreference))
    language: Mapped[str] = mapped_column(String(8), default=DEFAULT_LANGUAGE)
    # The chat channel the case came in on; None for a case staff registered (`source` says how
    # it came in) until its resident claims it in a chat.
    channel: Mapped[Channel | None] = mapped_column(enum_column(Channel))
    source: Mapped[CaseSource] = mapped_column(
        enum_column(CaseSource), default=CaseSource.CHAT, server_default=CaseSource.CHAT.value, index=True
    )
    # The case's number in the system it was imported from (the backlog); None otherwise.
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    # The staff member who registered it on the resident's behalf; None for a chat case.
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    # The resident's consent to staff recording the case for them: how, recorded by whom, when.
    # A chat case has none here: the resident agreed to the privacy notice themself (Resident.consent_at).
    consent_method: Mapped[ConsentMethod | None] = mapped_column(enum_column(ConsentMethod))
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    consent_recorded_at: Mapped[datetime | None]
    # The one-time code on the receipt that lets the resident claim the case in a chat: only its
    # argon2 hash (a 6-digit code's plain SHA-256 is undone in a second), cleared once claimed.
    claim_code_hash: Mapped[str | None] = mapped_column(String(255))
    # When a chat identity claimed the case (its resident became the case's resident).
    claimed_at: Mapped[datetime | None]
    elderly: Mapped[bool] = mapped_column(default=False)
    urgent: Mapped[bool] = mapped_column(default=False)

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)

    resolution: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[ResolutionOutcome | None] = mapped_column(enum_column(ResolutionOutcome))

    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # When the case left the centre's hands: closed, rejected or withdrawn.
    closed_at: Mapped[datetime | None]
    # Last day (district time) for the decision whether to accept.
    accept_due: Mapped[date]
    # Last day to resolve; set on acceptance.
    handle_due: Mapped[date | None]
    # Days the one allowed extension added, if it was used.
    extended_days: Mapped[int | None] = mapped_column(Integer)

    resident: Mapped[Resident] = relationship()
    assigned_to: Mapped[StaffUser | None] = relationship(foreign_keys=[assigned_to_id])
    registered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[registered_by_id])
    consent_recorded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[consent_recorded_by_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", order_by="CaseNote.id", cascade="all, delete-orphan"
    )

    @property
    def resident_name(self) -> str | None:
        return self.resident.name

    @property
    def resident_unreachable(self) -> list[ChannelIdentity]:
        """The resident's chat identities the platform refused (blocked the bot, unfollowed)."""
        return unreachable_identities(self.resident)


class CaseEvent(Base):
    """One change to a case: who made it, when, from which status to which, and why."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    action: Mapped[EventAction] = mapped_column(enum_column(EventAction))
    old_status: Mapped[CaseStatus | None] = mapped_column(enum_column(CaseStatus))
    new_status: Mapped[CaseStatus | None] = mapped_column(enum_column(CaseStatus))
    actor_role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    # Which part of the system acted, for SYSTEM events ("follow-up dispatcher").
    actor_label: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    case: Mapped[Case] = relationship(back_populates="events")
    actor_staff: Mapped[StaffUser | None] = relationship()


class CaseNote(Base):
    """A staff member's note on a case; never shown to the resident."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[StaffUser] = relationship()


class CaseNumberCounter(Base):
    """The last sequence number given per (prefix, kind, year).

    Updated inside the transaction that creates the case, so a rolled-back case gives its
    number back and the numbers of a year have no gaps.
    """

    __tablename__ = "case_number_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer)


class ClaimAttempt(Base):
    """One try at claiming a case with its number and claim code in a chat.

    Failures within a window stop further tries from the same resident (chat identity) and, past
    a higher count, from everyone: a 6-digit code must not be guessable by trying.
    """

    __tablename__ = "claim_attempts"
    __table_args__ = (Index("ix_claim_attempts_resident_created_at", "resident_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow(), index=True)


class Attachment(Base):
    """A file a resident sent (a photo, a document, a voice message); its bytes are in the
    attachment store (bot.cases.attachment_store: the case store's `attachment_files` table by
    default), under the key `path`."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    # The type found from the file's first bytes, not the one the sender claimed.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The file's key in the attachment store (e.g. 2026/12/<random>.jpg); None once it was deleted.
    path: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    deleted_at: Mapped[datetime | None]

    resident: Mapped[Resident] = relationship()
    case: Mapped[Case | None] = relationship()


class AttachmentFile(Base):
    """The bytes of one attachment, in the case store: every gateway reads the same files, and a
    backup of the store holds them (the default attachment store, bot.cases.attachment_store)."""

    __tablename__ = "attachment_files"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
