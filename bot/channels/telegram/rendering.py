"""Relay replies as Telegram messages: inline keyboards, Telegram's length limit, plain text.

No parse mode is used, so nothing a resident or the assistant writes is read as markup and no
escaping can go wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.conversation.relay import Button, Reply

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
# Telegram refuses a whole message if any button's callback_data is longer than this (UTF-8 bytes).
MAX_CALLBACK_DATA = 64
# A button whose signed payload does not fit carries its title instead, sent back as typed text;
# the relay reads a typed title of an offered button as the press (bot.conversation.answers).
TYPED_PREFIX = "t:"
# Buttons per row: short titles go two to a row, long ones (or elder mode) one to a row.
SHORT_TITLE = 8


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
SHARE_PHONE = {"zh": "📱 一键发送我的手机号", "en": "📱 Share my phone number"}


@dataclass(frozen=True)
class TelegramMessage:
    text: str
    keyboard: Markup | None = None


# Typed as a resident would say them: the model understands them like any other message.
MAIN_MENU = {
    "zh": ("我被骗了怎么办", "帮我看看这条消息是不是诈骗", "我要登记矛盾纠纷", "查询我的事项", "我能做什么"),
    "en": (
        "I have been scammed",
        "Is this message a scam?",
        "I want to register a dispute",
        "My cases",
        "What can you do?",
    ),
}


def main_menu(language: str, *, elder_mode: bool) -> ReplyKeyboardMarkup:
    """The big menu under the text box: two to a row, one in elder mode."""
    titles = MAIN_MENU["en" if language == "en" else "zh"]
    per_row = 1 if elder_mode else 2
    rows = [[KeyboardButton(t) for t in titles[i : i + per_row]] for i in range(0, len(titles), per_row)]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def share_phone_keyboard(language: str) -> ReplyKeyboardMarkup:
    """A one-tap button that sends the resident's own number (the intake's phone question)."""
    title = SHARE_PHONE["en" if language == "en" else "zh"]
    return ReplyKeyboardMarkup(
        [[KeyboardButton(title, request_contact=True)]], resize_keyboard=True, one_time_keyboard=True
    )


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` characters, cut at a line break or a space where there is one."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def keyboard(buttons: tuple[Button, ...], *, elder_mode: bool) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        data = callback_data(button)
        if data is None:
            continue
        key = InlineKeyboardButton(button.title, callback_data=data)
        fits = not elder_mode and rows and len(rows[-1]) == 1 and len(rows[-1][0].text) <= SHORT_TITLE
        if fits and len(button.title) <= SHORT_TITLE:
            rows[-1].append(key)
        else:
            rows.append([key])
    return InlineKeyboardMarkup(rows) if rows else None


def callback_data(button: Button) -> str | None:
    """What the button sends back, within Telegram's 64 bytes: the signed payload if it fits, else
    the title as a typed answer, else nothing (the button is left out, the reply still goes)."""
    if _fits(button.payload):
        return button.payload
    typed = TYPED_PREFIX + button.title
    logger.warning(
        "telegram: a button's payload is %d bytes (limit %d); sent as its title",
        len(button.payload.encode()),
        MAX_CALLBACK_DATA,
    )
    if _fits(typed):
        return typed
    logger.warning("telegram: a button's title is too long as well; the button is left out")
    return None


def typed_answer(data: str) -> str | None:
    """The title a too-long button carried (see `callback_data`), or None for a signed payload."""
    return data.removeprefix(TYPED_PREFIX) if data.startswith(TYPED_PREFIX) else None


def _fits(data: str) -> bool:
    return 0 < len(data.encode()) <= MAX_CALLBACK_DATA


def messages(replies: list[Reply], *, elder_mode: bool, language: str = "zh-Hans") -> list[TelegramMessage]:
    """A turn's replies as Telegram messages: each reply's text in pieces, its buttons (or the
    share-my-phone keyboard) under the last piece.

    Outside elder mode, replies without buttons run on into the next reply's message (a blank line
    between them) while the whole fits one message: a turn is one or two messages instead of two
    to four, one notification for the resident, and twice the residents served within Telegram's
    30 messages a second for a whole bot. Elder mode keeps one reply to a message, sent with a
    pause between them, so each can be read before the next comes.
    """
    out: list[TelegramMessage] = []
    for text, reply in _runs(replies, merge=not elder_mode):
        pieces = split_text(text) or (["👇"] if reply.buttons else [])
        asks_phone = (reply.custom or {}).get("ask") == "phone"
        markup: Markup | None = (
            share_phone_keyboard(language) if asks_phone else keyboard(reply.buttons, elder_mode=elder_mode)
        )
        for index, piece in enumerate(pieces):
            out.append(TelegramMessage(piece, markup if index == len(pieces) - 1 else None))
    return out


def _runs(replies: list[Reply], *, merge: bool) -> list[tuple[str, Reply]]:
    """(text, the reply whose buttons go under it): a reply's text joined to the texts of the
    plain replies before it, when `merge` and the whole fits one message."""
    runs: list[tuple[str, Reply]] = []
    for reply in replies:
        if merge and runs:
            before, previous = runs[-1]
            plain = not previous.buttons and not previous.custom
            joined = f"{before}\n\n{reply.text}" if reply.text else before
            if plain and before and len(joined) <= MAX_TEXT:
                runs[-1] = (joined, reply)
                continue
        runs.append((reply.text, reply))
    return runs
