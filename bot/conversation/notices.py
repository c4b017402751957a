"""What the gateway itself says, when Rasa cannot: everything else lives in the Rasa domain."""

from __future__ import annotations

from enum import StrEnum

from bot.conversation.language import Language, for_reply


class Notice(StrEnum):
    BUSY = "busy"
    NO_REPLY = "no_reply"


_TEXTS: dict[Notice, dict[Language, str]] = {
    Notice.BUSY: {
        Language.SIMPLIFIED: "系统正忙，请过一会儿再发一次。如果正在被骗或有危险，请马上拨打 110。",
        Language.ENGLISH: "The service is busy. Please send your message again in a moment. "
        "If you are being scammed or in danger, call 110 now.",
    },
    Notice.NO_REPLY: {
        Language.SIMPLIFIED: "抱歉，这句话我没处理好，请换个说法再试一次。",
        Language.ENGLISH: "Sorry, something went wrong with that message. Please try again in other words.",
    },
}


def text(notice: Notice, language: Language) -> str:
    texts = _TEXTS[notice]
    if language is Language.ENGLISH:
        return texts[Language.ENGLISH]
    return for_reply(texts[Language.SIMPLIFIED], language)
