"""Typed answers to the buttons the assistant just offered.

Many residents type instead of pressing, and WeChat has no inline buttons at all: an answer
typed where buttons were offered must work as the press would. Two steps, in the gateway, for
every channel:
- an answer that names a button is that button: its number ("2", "第二个", "二") or its title
  ("没解决", "2 电话调解" typed as "电话调解"), so the payload goes to Rasa as if pressed;
- any other text goes to Rasa as text, with the intents of the offered buttons in the message
  metadata (`expected_intents`), which the understanding weighs up (rasa_ext/expected.py): a
  sentence such as "没有解决，希望重新处理" is then read as the 没解决 button, while a real
  question in the middle of a survey keeps its own meaning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.intake.choices import normalise, typed_number
from bot.language import for_understanding

METADATA_KEY = "expected_intents"  # read by rasa_ext/expected.py
# "2 电话调解", "2. By phone", "２、电话": the number the title is shown with.
_NUMBERED_TITLE = re.compile(r"^\s*\d{1,2}\s*[.、:：)）]?\s*")
# Rasa's payload syntax: /intent or /intent{json}.
_PAYLOAD = re.compile(r"^/([A-Za-z0-9_]+)")


def _title(button: dict[str, Any]) -> str:
    return normalise(for_understanding(_NUMBERED_TITLE.sub("", str(button.get("title") or ""))))


def pressed_by_typing(text: str, offered: Sequence[dict[str, Any]]) -> str | None:
    """The payload of the offered button that `text` names by number or title, else None."""
    if not offered:
        return None
    number = typed_number(text)
    if number is not None and 1 <= number <= len(offered):
        return str(offered[number - 1]["payload"])
    wanted = normalise(for_understanding(text))
    if not wanted:
        return None
    for button in offered:
        if _title(button) == wanted:
            return str(button["payload"])
    return None


def expected_intents(offered: Sequence[dict[str, Any]]) -> list[str]:
    """The intents the offered buttons would send, in order, each once."""
    found: list[str] = []
    for button in offered:
        match = _PAYLOAD.match(str(button.get("payload") or ""))
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found
