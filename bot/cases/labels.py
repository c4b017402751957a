"""What a case's status and kind are called, in Chinese and English: one table, so the console
and the resident's "my cases" use the same words (a closed case is 已结案 to both)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cases.enums import CaseKind, CaseStatus


@dataclass(frozen=True)
class Label:
    zh: str
    en: str
    # Only where a resident's sentence needs more than the word (a registered case still waits
    # for the decision whether to accept it).
    resident_zh: str | None = None
    resident_en: str | None = None

    def for_staff(self, english: bool) -> str:
        return self.en if english else self.zh

    def for_resident(self, english: bool) -> str:
        """In a sentence: English in lower case ("Status: accepted")."""
        if english:
            return self.resident_en or self.en[:1].lower() + self.en[1:]
        return self.resident_zh or self.zh


STATUS: dict[CaseStatus, Label] = {
    CaseStatus.REGISTERED: Label(
        "待受理", "Registered", resident_zh="已登记，等待受理", resident_en="registered, awaiting a decision"
    ),
    CaseStatus.ACCEPTED: Label("已受理", "Accepted"),
    CaseStatus.REJECTED: Label("不予受理", "Not accepted"),
    CaseStatus.WITHDRAWN: Label("已撤回", "Withdrawn"),
    CaseStatus.IN_PROGRESS: Label("正在办理", "In progress"),
    CaseStatus.RESOLVED: Label("已办结", "Resolved"),
    CaseStatus.CLOSED: Label("已结案", "Closed"),
}
KIND: dict[CaseKind, Label] = {
    CaseKind.DISPUTE: Label("矛盾纠纷", "Dispute"),
    CaseKind.PETITION: Label("信访事项", "Petition"),
    CaseKind.CONSULTATION: Label("咨询", "Consultation"),
}


def status_for_resident(status: CaseStatus, language: str) -> str:
    return STATUS[status].for_resident(language == "en")


def kind_for_resident(kind: CaseKind, language: str) -> str:
    return KIND[kind].for_resident(language == "en")
