"""Telegram updates already handled: Telegram redelivers an update it thinks we missed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import utcnow


class TelegramUpdate(Base):
    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(server_default=utcnow(), index=True)
