# ruff: noqa: E501  (resident-facing texts read better unbroken)
"""What the assistant tells a resident on its own about their case (not in a conversation turn).

Surveys are asked by Rasa (domain/followups.yml) because the resident answers them in dialogue;
these notices need no answer, so they are written here and sent through the outbox.
"""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RESOLVED = "resolved"
    REOPENED = "reopened"


_TEXTS: dict[NoticeKind, dict[str, str]] = {
    NoticeKind.ACCEPTED: {
        "zh": "您的事项 {number} 已受理，工作人员会尽快联系您。办理期限到 {due}。",
        "en": "Your case {number} has been accepted. Staff will contact you soon. It is due to be handled by {due}.",
    },
    NoticeKind.REJECTED: {
        "zh": "您的事项 {number} 未被受理。原因：{note}\n如有疑问，可以到所在村（社区）百姓说事室咨询，或拨打 12345。",
        "en": "Your case {number} was not accepted. Reason: {note}\nIf you have questions, ask at your village's mediation room or call 12345.",
    },
    NoticeKind.RESOLVED: {
        "zh": "您的事项 {number} 已办结。处理结果：{note}\n过几天我们会问问您是否满意。",
        "en": "Your case {number} has been resolved. Result: {note}\nIn a few days we will ask whether you are satisfied.",
    },
    NoticeKind.REOPENED: {
        "zh": "谢谢您的反馈。您的事项 {number} 已重新办理，主管人员会跟进，工作人员会再联系您。",
        "en": "Thank you for telling us. Your case {number} has been reopened; a supervisor will follow it up and staff will contact you again.",
    },
}


def notice(kind: NoticeKind, *, language: str, number: str, note: str = "", due: str = "") -> str:
    """The notice in the resident's language (Traditional is converted from Simplified on delivery)."""
    texts = _TEXTS[kind]
    return (texts["en"] if language == "en" else texts["zh"]).format(
        number=number, note=note or "—", due=due or "—"
    )
