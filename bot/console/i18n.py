"""The console's two languages: Chinese (the default) and English.

Templates write both forms side by side, `tr("受理", "Accept")`, so a string and its translation
never drift apart; the labels of the store's vocabularies live here.
"""

from __future__ import annotations

from enum import StrEnum

from bot.actors import ActorRole
from bot.cases import labels
from bot.cases.enums import (
    CATEGORY_LABELS,
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    ConsentMethod,
    EventAction,
    ResolutionOutcome,
)
from bot.language import Written, written
from bot.staff.enums import StaffRole

# The console is written in Chinese and English (bot.language.Written).
ConsoleLanguage = Written
LANGUAGE_COOKIE = "shuoshi_console_lang"

# Status and kind labels are bot.cases.labels' (the resident's words too).
STATUS: dict[CaseStatus, tuple[str, str]] = {
    status: (item.zh, item.en) for status, item in labels.STATUS.items()
}
KIND: dict[CaseKind, tuple[str, str]] = {kind: (item.zh, item.en) for kind, item in labels.KIND.items()}
CATEGORY_EN: dict[CaseCategory, str] = {
    CaseCategory.NEIGHBOURS: "Neighbours",
    CaseCategory.FAMILY: "Marriage and family",
    CaseCategory.LAND: "Land, homesteads",
    CaseCategory.HOUSING: "Housing",
    CaseCategory.LABOUR: "Labour, unpaid wages",
    CaseCategory.PROPERTY_MANAGEMENT: "Property management",
    CaseCategory.CONSUMER: "Consumer",
    CaseCategory.DEBT: "Debts, contracts",
    CaseCategory.DAMAGES: "Damages",
    CaseCategory.DEMOLITION: "Land requisition, demolition",
    CaseCategory.SOCIAL_SECURITY: "Social security",
    CaseCategory.ENVIRONMENT: "Environment",
    CaseCategory.PUBLIC_SERVICES: "Public services",
    CaseCategory.OFFICIAL_CONDUCT: "Conduct of officials",
    CaseCategory.FRAUD: "Fraud",
    CaseCategory.OTHER: "Other",
}
OUTCOME: dict[ResolutionOutcome, tuple[str, str]] = {
    ResolutionOutcome.AGREEMENT: ("调解成功", "Settled by agreement"),
    ResolutionOutcome.NO_AGREEMENT: ("调解不成", "No agreement"),
    ResolutionOutcome.ANSWERED: ("已答复办理", "Answered"),
    ResolutionOutcome.REFERRED: ("已移交", "Referred"),
}
ROLE: dict[str, tuple[str, str]] = {
    StaffRole.ADMIN: ("管理员", "Admin"),
    StaffRole.SUPERVISOR: ("主管", "Supervisor"),
    StaffRole.CASEWORKER: ("办案人员", "Caseworker"),
    StaffRole.GRID_WORKER: ("网格员", "Grid worker"),
    ActorRole.RESIDENT: ("群众", "Resident"),
    ActorRole.SYSTEM: ("系统", "System"),
}
ACTION: dict[str, tuple[str, str]] = {
    EventAction.CREATED: ("登记", "Registered"),
    EventAction.STATUS_CHANGED: ("状态变更", "Status changed"),
    EventAction.ASSIGNED: ("指派", "Assigned"),
    EventAction.DEADLINE_EXTENDED: ("延期", "Deadline extended"),
    EventAction.NOTE_ADDED: ("添加备注", "Note added"),
    EventAction.PERSONAL_DATA_REVEALED: ("查看完整个人信息", "Personal data revealed"),
    EventAction.PERSONAL_DATA_ERASED: ("删除个人信息", "Personal data erased"),
    EventAction.REPLIED: ("回复群众", "Replied to the resident"),
    EventAction.INFORMATION_REQUESTED: ("请群众补充材料", "Asked for more information"),
    EventAction.CLAIMED: ("群众在聊天中认领", "Claimed by the resident in a chat"),
    "signed_in": ("登录", "Signed in"),
    "sign_in_failed": ("登录失败", "Sign-in failed"),
    "sign_in_locked": ("登录被锁定", "Sign-in locked"),
    "signed_out": ("退出", "Signed out"),
    "staff_added": ("新增人员", "Staff added"),
    "staff_deactivated": ("停用账号", "Account deactivated"),
    "staff_activated": ("启用账号", "Account activated"),
    "password_reset": ("重置密码", "Password reset"),
    "token_issued": ("签发 API 令牌", "API token issued"),
    "tokens_revoked": ("吊销 API 令牌", "API tokens revoked"),
    "cases_exported": ("导出案件", "Cases exported"),
    "attachment_opened": ("查看附件", "Attachment opened"),
}
# How a case came in.
SOURCE: dict[CaseSource, tuple[str, str]] = {
    CaseSource.CHAT: ("在线登记", "Chat"),
    CaseSource.WALK_IN: ("来访", "Walk-in"),
    CaseSource.PHONE: ("来电", "Phone call"),
    CaseSource.PATROL: ("网格巡查", "Grid patrol"),
    CaseSource.LETTER: ("来信", "Letter"),
}
CONSENT: dict[ConsentMethod, tuple[str, str]] = {
    ConsentMethod.IN_PERSON: ("当面同意", "In person"),
    ConsentMethod.BY_PHONE: ("电话中同意", "By phone"),
}
# What the buttons that move a case to a status say.
TRANSITION: dict[CaseStatus, tuple[str, str]] = {
    CaseStatus.ACCEPTED: ("受理", "Accept"),
    CaseStatus.REJECTED: ("不予受理", "Reject"),
    CaseStatus.IN_PROGRESS: ("开始办理", "Start handling"),
    CaseStatus.RESOLVED: ("办结", "Resolve"),
    CaseStatus.CLOSED: ("关闭", "Close"),
}


class Translator:
    """`tr(zh, en)` and the labels, in one language."""

    def __init__(self, language: ConsoleLanguage) -> None:
        self.language = language

    def __call__(self, zh: str, en: str) -> str:
        return en if self.language == "en" else zh

    def _pick(self, pair: tuple[str, str] | None, fallback: str) -> str:
        return fallback if pair is None else self(*pair)

    def status(self, value: CaseStatus | str) -> str:
        return self._pick(STATUS.get(CaseStatus(value)), str(value))

    def kind(self, value: CaseKind | str) -> str:
        return self._pick(KIND.get(CaseKind(value)), str(value))

    def category(self, value: CaseCategory | str) -> str:
        item = CaseCategory(value)
        # A category added to the store before it has an English label here still shows.
        english = CATEGORY_EN.get(item) or item.value.replace("_", " ").capitalize()
        return english if self.language == "en" else CATEGORY_LABELS.get(item, english)

    def source(self, value: CaseSource | str) -> str:
        return self._pick(SOURCE.get(CaseSource(value)), str(value))

    def consent(self, value: ConsentMethod | str | None) -> str:
        return "" if value is None else self._pick(CONSENT.get(ConsentMethod(value)), str(value))

    def outcome(self, value: ResolutionOutcome | str | None) -> str:
        return "" if value is None else self._pick(OUTCOME.get(ResolutionOutcome(value)), str(value))

    def role(self, value: StrEnum | str) -> str:
        return self._pick(ROLE.get(str(value)), str(value))

    def action(self, value: str) -> str:
        base, _, status = str(value).partition(":")
        label = self._pick(ACTION.get(base), base)
        return f"{label} → {self.status(status)}" if status else label

    def transition(self, old: CaseStatus, new: CaseStatus) -> str:
        if old is CaseStatus.RESOLVED and new is CaseStatus.IN_PROGRESS:
            return self("重新办理", "Reopen")
        return self._pick(TRANSITION.get(new), new.value)


def language_of(value: str | None) -> ConsoleLanguage:
    return written(value)
