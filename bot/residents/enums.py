"""Residents' vocabularies.

The channel is the transcript's (kernel) and the language is `bot.language.Language` (kernel):
both are defined once there and named here because residents are stored with them.
"""

from __future__ import annotations

import enum

from bot.language import DEFAULT, Language
from bot.transcript.enums import Channel

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Channel", "Language", "UnreachableReason"]

# Languages the assistant answers in (bot.language decides which); stored as text.
LANGUAGES: tuple[Language, ...] = tuple(Language)
DEFAULT_LANGUAGE: Language = DEFAULT


class UnreachableReason(enum.StrEnum):
    """Why a chat identity can no longer be written to (until the resident writes again)."""

    # Telegram answered 403 Forbidden: the resident blocked the bot (or deleted their account).
    BLOCKED = "blocked"
    # WeChat: the resident unfollowed the Official Account.
    UNSUBSCRIBED = "unsubscribed"
