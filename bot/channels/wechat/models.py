"""WeChat's own tables: pushes already handled, and the account's one access token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import utcnow


class WeChatPush(Base):
    """A push handled once: WeChat retries one it thinks unanswered (three times, 5 s apart)."""

    __tablename__ = "wechat_pushes"

    # sha256 of the MsgId, or of sender and time for an event (messages.Pushed.dedupe_key).
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(server_default=utcnow(), index=True)


class WeChatAccessToken(Base):
    """The account's access token, shared by every gateway: fetching a new one makes the old one
    expire within minutes, so one gateway fetches under a lease and the others read it here."""

    __tablename__ = "wechat_access_tokens"

    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    # The gateway fetching a new token, until when (another may take over after that).
    lease_holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
