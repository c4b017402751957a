"""Residents' vocabularies.

The channel is the transcript's (kernel) and the language is `bot.language.Language` (kernel):
both are defined once there and named here because residents are stored with them.
"""

from __future__ import annotations

from bot.language import DEFAULT, Language
from bot.transcript.enums import Channel

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Channel", "Language"]

# Languages the assistant answers in (bot.language decides which); stored as text.
LANGUAGES: tuple[Language, ...] = tuple(Language)
DEFAULT_LANGUAGE: Language = DEFAULT
