"""The transcript: every message a resident sent and every reply the assistant gave."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base
from bot.db.types import enum_column, utcnow
from bot.transcript.enums import Channel, Direction

if TYPE_CHECKING:
    # Only for the type checker: the kernel's transcript points at a resident and a case by
    # foreign key and mapper name, and imports neither domain.
    from bot.cases.models import Case
    from bot.residents.models import Resident


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_resident_id_id", "resident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    # Set once the conversation produced a case (and for messages about it afterwards).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, length=8))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    # None once erased at the resident's request.
    text: Mapped[str | None] = mapped_column(Text)
    # The button payload the resident pressed (already verified), if any.
    payload: Mapped[str | None] = mapped_column(String(512))
    # What an outgoing message offered as buttons ({"title", "payload"}, payloads unsigned, as
    # the assistant wrote them), so that a typed answer to them is read as a press.
    buttons: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    resident: Mapped[Resident] = relationship("Resident")
    case: Mapped[Case | None] = relationship("Case")
