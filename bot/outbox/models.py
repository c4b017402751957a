"""An outbox item: one message the assistant sends on its own, kept with its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.cases.models import Case
from bot.db.base import Base
from bot.db.types import enum_column, utcnow
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.residents.enums import Channel
from bot.residents.models import Resident


class OutboxItem(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    # The resident's id on that channel (Telegram chat id, web-chat sender id).
    recipient: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[OutboxKind] = mapped_column(enum_column(OutboxKind))
    # What to send: {"replies": [{"text", "buttons"}]} already written, or {"intent": name,
    # "entities": {...}} for Rasa to answer through trigger_intent in the resident's conversation.
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING, index=True
    )
    # Makes one message per thing: a second enqueue with the same key is ignored.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(server_default=utcnow(), index=True)
    # Indexed: the Telegram send budget counts what all dispatchers claimed in the last second.
    claimed_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    resident: Mapped[Resident] = relationship()
    case: Mapped[Case | None] = relationship()
