"""The rate-limit counters (bot.limits): one row per limit, subject and window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class RateCounter(Base):
    __tablename__ = "rate_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    # SHA-256 of the subject (an address, a resident id): no address is kept in clear.
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Seconds since the epoch divided by the limit's window, rounded down.
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)
