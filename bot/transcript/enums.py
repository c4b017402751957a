"""The transcript's vocabularies: which way a message went, and on which channel."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Where a resident writes from (and where the assistant answers)."""

    WEB = "web"
    TELEGRAM = "telegram"
    WECHAT = "wechat"  # an Official Account (公众号)
    TERMINAL = "terminal"


class Direction(StrEnum):
    IN = "in"  # from the resident
    OUT = "out"  # from the assistant (or staff, through it)
