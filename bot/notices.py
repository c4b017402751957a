# ruff: noqa: E501  (resident-facing texts read better unbroken)
"""What the assistant says on its own, outside Rasa's responses: one table for every such text.

Two kinds: what the gateway says when Rasa cannot (busy, too long, a sticker…), and what is sent
to a resident about their case without their asking (a status notice, the heading of a staff
reply), written to the outbox. Everything said in a dialogue lives in the Rasa domain.

In the kernel because the gateway's relay and channels and the follow-ups domain both speak it.
"""

from __future__ import annotations

from enum import StrEnum

from bot.language import Language, for_reply


class Notice(StrEnum):
    # The gateway, in a conversation turn.
    BUSY = "busy"
    NO_REPLY = "no_reply"
    RATE_LIMITED = "rate_limited"
    TOO_LONG = "too_long"
    EXPIRED_BUTTON = "expired_button"
    UNKNOWN_COMMAND = "unknown_command"
    VOICE = "voice"
    PHOTO = "photo"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    UNSUPPORTED = "unsupported"
    MAIN_MENU = "main_menu"
    FILE_ATTACHED = "file_attached"
    FILE_REJECTED = "file_rejected"
    EDITED_MESSAGE = "edited_message"
    PRIVATE_CHAT_ONLY = "private_chat_only"
    # About a resident's case, through the outbox.
    CASE_ACCEPTED = "case_accepted"
    CASE_REJECTED = "case_rejected"
    CASE_RESOLVED = "case_resolved"
    CASE_REOPENED = "case_reopened"
    STAFF_REPLY = "staff_reply"
    STAFF_ASKS_FOR_INFORMATION = "staff_asks_for_information"


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
    Notice.RATE_LIMITED: {
        Language.SIMPLIFIED: "您发得有点快，请歇一分钟再发。急事请拨打 110。",
        Language.ENGLISH: "You are sending messages very fast. Please wait a minute. In an emergency, call 110.",
    },
    Notice.TOO_LONG: {
        Language.SIMPLIFIED: "这条消息太长了，请分几次发，或者简单说说要点。",
        Language.ENGLISH: "That message is too long. Please send it in parts, or tell me the main points.",
    },
    Notice.EXPIRED_BUTTON: {
        Language.SIMPLIFIED: "这个按钮已经失效了，请直接打字告诉我，或发送 /menu。",
        Language.ENGLISH: "That button no longer works. Please type your message, or send /menu.",
    },
    Notice.EDITED_MESSAGE: {
        Language.SIMPLIFIED: "我读不到修改过的消息，请把改好的内容重新发一次。",
        Language.ENGLISH: "I can't read edits. Please send it again as a new message.",
    },
    Notice.PRIVATE_CHAT_ONLY: {
        Language.SIMPLIFIED: "为保护大家的隐私，我只在私聊里提供帮助，请点我的头像单独给我发消息。",
        Language.ENGLISH: "To keep your matters private, I only help in a private chat. "
        "Please open a chat with me and write to me there.",
    },
    Notice.UNKNOWN_COMMAND: {
        Language.SIMPLIFIED: "没有这个命令。发送 /menu 看看我能做什么。",
        Language.ENGLISH: "I don't know that command. Send /menu to see what I can do.",
    },
    Notice.VOICE: {
        Language.SIMPLIFIED: "暂时听不了语音，请打字告诉我，或者点按钮。需要帮忙也可以到村（社区）百姓说事室当面说。",
        Language.ENGLISH: "I can't listen to voice messages yet. Please type, or press a button.",
    },
    Notice.PHOTO: {
        Language.SIMPLIFIED: "收到图片或文件了。我现在还看不懂图片，请用文字说说是什么事。",
        Language.ENGLISH: "I received your picture or file, but I can't read pictures. Please tell me in words what it is about.",
    },
    Notice.STICKER: {
        Language.SIMPLIFIED: "收到您的表情啦。有什么事，直接打字告诉我就行。",
        Language.ENGLISH: "Thanks for the sticker! Tell me in words what you need.",
    },
    Notice.LOCATION: {
        Language.SIMPLIFIED: "收到位置了，不过我用不上定位。请告诉我您住在哪个镇（街道）、哪个村（社区）。",
        Language.ENGLISH: "I received a location, but I don't use it. Please tell me your town and village or community.",
    },
    Notice.CONTACT: {
        Language.SIMPLIFIED: "收到名片了。只有在登记事项、您同意隐私说明以后，我才会记下电话号码。",
        Language.ENGLISH: "I received a contact. I only note a phone number while registering a case, after you agree to the privacy notice.",
    },
    Notice.MAIN_MENU: {
        Language.SIMPLIFIED: "常用的事都在下面的大按钮里，点一下就行；也可以直接打字。",
        Language.ENGLISH: "The most common things are on the big buttons below; or just type.",
    },
    Notice.FILE_ATTACHED: {
        Language.SIMPLIFIED: "收到了，已作为证据附在您的事项 {number} 上，工作人员能看到。",
        Language.ENGLISH: "Received. It is attached to your case {number} as evidence; staff can see it.",
    },
    Notice.FILE_REJECTED: {
        Language.SIMPLIFIED: "这个文件没能保存（{reason}）。只收照片、PDF 和语音，每个不超过 10 MB。",
        Language.ENGLISH: "That file could not be kept ({reason}). Photos, PDFs and voice messages up to 10 MB only.",
    },
    Notice.UNSUPPORTED: {
        Language.SIMPLIFIED: "这种消息我处理不了，请打字告诉我。",
        Language.ENGLISH: "I can't handle this kind of message. Please type instead.",
    },
    Notice.CASE_ACCEPTED: {
        Language.SIMPLIFIED: "您的事项 {number} 已受理，工作人员会尽快联系您。办理期限到 {due}。",
        Language.ENGLISH: "Your case {number} has been accepted. Staff will contact you soon. It is due to be handled by {due}.",
    },
    Notice.CASE_REJECTED: {
        Language.SIMPLIFIED: "您的事项 {number} 未被受理。原因：{note}\n如有疑问，可以到所在村（社区）百姓说事室咨询，或拨打 12345。",
        Language.ENGLISH: "Your case {number} was not accepted. Reason: {note}\nIf you have questions, ask at your village's mediation room or call 12345.",
    },
    Notice.CASE_RESOLVED: {
        Language.SIMPLIFIED: "您的事项 {number} 已办结。处理结果：{note}\n过几天我们会问问您是否满意。",
        Language.ENGLISH: "Your case {number} has been resolved. Result: {note}\nIn a few days we will ask whether you are satisfied.",
    },
    Notice.CASE_REOPENED: {
        Language.SIMPLIFIED: "谢谢您的反馈。您的事项 {number} 已重新办理，主管人员会跟进，工作人员会再联系您。",
        Language.ENGLISH: "Thank you for telling us. Your case {number} has been reopened; a supervisor will follow it up and staff will contact you again.",
    },
    # Headings of a staff member's message; Traditional written out (回覆, not a converted 回復).
    Notice.STAFF_REPLY: {
        Language.SIMPLIFIED: "【案件 {number}】综治中心回复：",
        Language.TRADITIONAL: "【案件 {number}】綜治中心回覆：",
        Language.ENGLISH: "[Case {number}] The comprehensive governance centre replies:",
    },
    Notice.STAFF_ASKS_FOR_INFORMATION: {
        Language.SIMPLIFIED: "【案件 {number}】综治中心请您补充材料：",
        Language.TRADITIONAL: "【案件 {number}】綜治中心請您補充材料：",
        Language.ENGLISH: "[Case {number}] The comprehensive governance centre asks for more information:",
    },
}


def notice_for_attachment(
    *, voice: bool, photo: bool, sticker: bool, location: bool, contact: bool
) -> Notice:
    """The notice that answers a message without text, by what it carries."""
    for present, notice in (
        (voice, Notice.VOICE),
        (photo, Notice.PHOTO),
        (sticker, Notice.STICKER),
        (location, Notice.LOCATION),
        (contact, Notice.CONTACT),
    ):
        if present:
            return notice
    return Notice.UNSUPPORTED


def text(notice: Notice, language: Language, **values: str) -> str:
    """The text in `language` (Traditional converted from Simplified unless written out)."""
    texts = _TEXTS[notice]
    if language in texts:
        return texts[language].format(**values)
    return for_reply(texts[Language.SIMPLIFIED].format(**values), language)


def case_notice(notice: Notice, *, language: str, number: str, note: str = "", due: str = "") -> str:
    """A notice about a case for the outbox: English, or Simplified Chinese (the delivery
    converts it for a resident who writes Traditional); a missing note or date reads "—"."""
    chosen = Language.ENGLISH if language == Language.ENGLISH else Language.SIMPLIFIED
    return _TEXTS[notice][chosen].format(number=number, note=note or "—", due=due or "—")
