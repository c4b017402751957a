"""What a backlog cell may say, in the centre's words or ours, mapped to the case store's values.

The words for statuses and kinds are `bot.cases.labels`' (what the console shows), the categories'
`CATEGORY_LABELS`; a few more that centres' sheets use are added here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.cases.enums import CATEGORY_LABELS, CaseCategory, CaseKind, CaseSource, CaseStatus, ResolutionOutcome
from bot.cases.labels import KIND, STATUS

E = TypeVar("E", bound=StrEnum)


def table(enum: type[E], labels: dict[E, tuple[str, ...]]) -> dict[str, E]:
    table: dict[str, E] = {}
    for item in enum:
        table[_key(item.value)] = item
        table[_key(item.value.replace("_", " "))] = item
    for item, words in labels.items():
        for word in words:
            table[_key(word)] = item
    return table


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


KINDS = table(
    CaseKind,
    {
        kind: (label.zh, label.en, *extra)
        for (kind, label), extra in zip(
            KIND.items(), (("纠纷", "矛盾"), ("信访",), ("咨询事项",)), strict=True
        )
    },
)
STATUSES = table(
    CaseStatus,
    {
        CaseStatus.REGISTERED: (STATUS[CaseStatus.REGISTERED].zh, STATUS[CaseStatus.REGISTERED].en, "已登记"),
        CaseStatus.ACCEPTED: (STATUS[CaseStatus.ACCEPTED].zh, STATUS[CaseStatus.ACCEPTED].en),
        CaseStatus.REJECTED: (STATUS[CaseStatus.REJECTED].zh, STATUS[CaseStatus.REJECTED].en),
        CaseStatus.WITHDRAWN: (STATUS[CaseStatus.WITHDRAWN].zh, STATUS[CaseStatus.WITHDRAWN].en, "撤回"),
        CaseStatus.IN_PROGRESS: (
            STATUS[CaseStatus.IN_PROGRESS].zh,
            STATUS[CaseStatus.IN_PROGRESS].en,
            "办理中",
            "在办",
        ),
        CaseStatus.RESOLVED: (STATUS[CaseStatus.RESOLVED].zh, STATUS[CaseStatus.RESOLVED].en, "办结"),
        CaseStatus.CLOSED: (
            STATUS[CaseStatus.CLOSED].zh,
            STATUS[CaseStatus.CLOSED].en,
            "结案",
            "已归档",
            "归档",
        ),
    },
)
CATEGORIES = table(
    CaseCategory,
    {category: (label, label.removesuffix("纠纷")) for category, label in CATEGORY_LABELS.items()},
)
SOURCES = table(
    CaseSource,
    {
        CaseSource.CHAT: ("网上", "在线", "聊天"),
        CaseSource.WALK_IN: ("来访", "当面", "走访", "现场"),
        CaseSource.PHONE: ("电话", "来电"),
        CaseSource.PATROL: ("网格", "网格排查", "排查", "巡查", "网格员"),
        CaseSource.LETTER: ("来信", "信件"),
    },
)
OUTCOMES = table(
    ResolutionOutcome,
    {
        ResolutionOutcome.AGREEMENT: ("调解成功", "达成协议", "已化解", "化解"),
        ResolutionOutcome.NO_AGREEMENT: ("调解不成", "调解不成功", "未达成协议", "未化解"),
        ResolutionOutcome.ANSWERED: ("已答复", "答复", "已处理"),
        ResolutionOutcome.REFERRED: ("已转办", "转办", "移交"),
    },
)
_YES = frozenset({"是", "y", "yes", "1", "true", "√", "✓"})
_NO = frozenset({"否", "n", "no", "0", "false", ""})

T = TypeVar("T")


def choice(text: str, table: dict[str, T], what: str) -> T:
    """The value `text` names; raises ValueError listing what it may say."""
    found = table.get(_key(text))
    if found is None:
        raise ValueError(f"{text!r} is not a {what}")
    return found


def flag(text: str) -> bool:
    key = _key(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"{text!r} is neither 是 nor 否")


_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y%m%d",
)
# A day without a time of day counts from noon, safely inside that day on the district's calendar.
NOON = time(12, 0)


def moment(value: str | date, zone: ZoneInfo) -> datetime:
    """A date or date and time of the district's calendar, as an aware instant."""
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        found = datetime.combine(value, NOON)
    else:
        text = value.strip()
        for pattern in _FORMATS:
            try:
                found = datetime.strptime(text, pattern)
            except ValueError:
                continue
            if "%H" not in pattern:
                found = datetime.combine(found.date(), NOON)
            break
        else:
            raise ValueError(
                f"{text!r} is not a date (2025-03-04, 2025/3/4 or 2025年3月4日, a time may follow)"
            )
    return found.replace(tzinfo=zone) if found.tzinfo is None else found
