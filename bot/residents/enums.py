"""Residents' vocabularies."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Channel(StrEnum):
    WEB = "web"
    TELEGRAM = "telegram"
    TERMINAL = "terminal"


# Languages the assistant answers in (bot.conversation.language decides which); stored as text.
LanguageCode = Literal["zh-Hans", "zh-Hant", "en"]
LANGUAGES: tuple[LanguageCode, ...] = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE: LanguageCode = "zh-Hans"
