"""Relay replies as WeChat text messages: no inline keyboards on WeChat, so the buttons become
numbered options the resident types back (the relay reads "2", "第二个" or the title as the
press, bot/conversation/answers.py)."""

from __future__ import annotations

import re

from bot.conversation.relay import Reply

# A customer-service text may hold about 2048 bytes; UTF-8 Chinese is 3 bytes a character.
MAX_BYTES = 2000
# Some titles carry their number already ("1 同意"): numbered again by position, not twice.
_NUMBER = re.compile(r"^\s*\d{1,2}(?:\s*[.、:：)）]\s*|\s+)")  # "1 同意", "2. 不同意"; not "110报警"
HINT = {"zh": "（回复数字即可）", "en": "(reply with the number)"}
SHARE_PHONE = {"zh": "请直接输入您的手机号。", "en": "Please type your phone number."}


def _key(language: str) -> str:
    return "en" if language == "en" else "zh"


def options(titles: list[str], language: str) -> str:
    """ "1. 已解决\n2. 没解决\n（回复数字即可）"."""
    lines = [f"{number}. {_NUMBER.sub('', title)}" for number, title in enumerate(titles, start=1)]
    return "\n".join([*lines, HINT[_key(language)]])


def split_text(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut at a line break where there is one."""
    pieces: list[str] = []
    while len(text.encode()) > limit:
        cut = len(text.encode()[:limit].decode(errors="ignore"))
        at_line = text.rfind("\n", 0, cut)
        cut = at_line if at_line > cut // 2 else cut
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def messages(replies: list[Reply], *, language: str) -> list[str]:
    """Each reply as text messages, its options (numbered) after its text."""
    out: list[str] = []
    for reply in replies:
        text = reply.text
        if reply.buttons:
            listed = options([button.title for button in reply.buttons], language)
            text = f"{text}\n\n{listed}" if text else listed
        if (reply.custom or {}).get("ask") == "phone" and not reply.buttons:
            text = f"{text}\n{SHARE_PHONE[_key(language)]}" if text else SHARE_PHONE[_key(language)]
        out.extend(split_text(text))
    return out
