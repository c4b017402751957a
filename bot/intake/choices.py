"""The fixed choices the intake offers, and reading a typed or pressed answer to one.

A button sends `/choose{"c":"<key>"}` (short ASCII keys: the gateway signs payloads and Telegram
limits callback data to 64 bytes); the same choice typed as its number ("1"), its label
("邻里纠纷") or a word from it ("邻居") is read the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.cases.enums import CaseCategory, ContactPreference


@dataclass(frozen=True)
class Option:
    key: str
    zh: str
    en: str
    # Other words a resident may type for it (lower-case for English).
    words: tuple[str, ...] = field(default=())

    def label(self, language: str | None) -> str:
        return self.en if language == "en" else self.zh


def normalise(text: str) -> str:
    """Lower-case, full-width to half-width, without spaces and punctuation at the ends."""
    text = unicodedata.normalize("NFKC", text).strip().lower().replace("’", "'")
    return text.strip(" .。,，!！?？、~～:：;；\"'“”‘’()（）[]【】")


_NUMBER = re.compile(r"^(?:第)?([0-9]{1,2})(?:\s*[.、号个项]?)$")
_CHINESE_NUMBERS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def typed_number(text: str) -> int | None:
    """'1', '1.', '第2个', '三' → the number; anything else → None."""
    cleaned = normalise(text)
    match = _NUMBER.match(cleaned)
    if match:
        return int(match.group(1))
    stripped = cleaned.removeprefix("第").removesuffix("个").removesuffix("项")
    return _CHINESE_NUMBERS.get(stripped)


def pick(text: str, options: Sequence[Option], *, pressed: str | None = None) -> Option | None:
    """The option a button press (`pressed` key) or typed text names, or None."""
    if pressed is not None:
        return next((option for option in options if option.key == pressed), None)
    number = typed_number(text)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    cleaned = normalise(text)
    if not cleaned:
        return None
    for option in options:
        names = {normalise(option.zh), normalise(option.en), option.key}
        if cleaned in names:
            return option
    # A word of the option inside a short answer ("是邻里之间的事" → neighbours). Longest word
    # first, so that "不同意" is not read as "同意".
    candidates = sorted(
        ((word, option) for option in options for word in (*option.words, normalise(option.zh))),
        key=lambda item: len(item[0]),
        reverse=True,
    )
    for word, option in candidates:
        if word and word in cleaned:
            return option
    return None


def numbered(options: Sequence[Option], language: str | None) -> list[tuple[str, str]]:
    """(title, key) for buttons: '1 邻里纠纷' — the number is what a resident may type instead."""
    return [(f"{index} {option.label(language)}", option.key) for index, option in enumerate(options, 1)]


# Dispute categories the intake offers, and the case store's category for each.
CATEGORIES: tuple[Option, ...] = (
    Option(
        "neighbours",
        "邻里纠纷",
        "Neighbours",
        ("邻居", "邻里", "楼上", "楼下", "neighbour", "neighbor", "noise"),
    ),
    Option(
        "family",
        "婚姻家庭纠纷",
        "Family and marriage",
        (
            "婚姻",
            "家庭",
            "离婚",
            "赡养",
            "抚养",
            "夫妻",
            "老公",
            "老婆",
            "婆媳",
            "family",
            "marriage",
            "divorce",
        ),
    ),
    Option(
        "labour",
        "劳动欠薪纠纷",
        "Wages and labour",
        ("欠薪", "工资", "工钱", "劳动", "老板", "工伤", "wage", "wages", "salary", "labour", "labor", "pay"),
    ),
    Option(
        "land",
        "房产土地纠纷",
        "Property and land",
        ("土地", "宅基地", "房子", "房屋", "房产", "承包地", "地界", "property", "land", "house"),
    ),
    Option(
        "consumer",
        "消费纠纷",
        "Consumer",
        ("消费", "买", "商家", "退货", "退款", "consumer", "shop", "refund"),
    ),
    Option(
        "traffic", "交通事故纠纷", "Traffic", ("交通", "车祸", "撞", "事故", "traffic", "accident", "crash")
    ),
    Option("other", "其他纠纷", "Other", ("其他", "其它", "别的", "other")),
)

CATEGORY_OF: dict[str, CaseCategory] = {
    "neighbours": CaseCategory.NEIGHBOURS,
    "family": CaseCategory.FAMILY,
    "labour": CaseCategory.LABOUR,
    "land": CaseCategory.LAND,
    "consumer": CaseCategory.CONSUMER,
    "traffic": CaseCategory.TRAFFIC,
    "other": CaseCategory.OTHER,
}

MEDIATION: tuple[Option, ...] = (
    Option(
        "room",
        "到村（社区）说事室当面调解",
        "In person, at the village mediation room",
        ("当面", "说事室", "调解室", "上门", "person", "room", "visit"),
    ),
    Option("phone", "电话调解", "By phone", ("电话", "打电话", "phone", "call")),
)

CONTACT_PREFERENCE_OF: dict[str, ContactPreference] = {
    "room": ContactPreference.VISIT_VILLAGE,
    "phone": ContactPreference.PHONE,
}

# Is another body already handling the matter? Court and arbitration close the petition route.
OTHER_BODY: tuple[Option, ...] = (
    Option(
        "none",
        "没有，还没有别的单位在处理",
        "No, nobody else is handling it",
        ("没有", "没", "no", "none", "nobody"),
    ),
    Option(
        "agency",
        "有其他部门正在处理",
        "Another office is handling it",
        ("部门", "单位", "机关", "office", "agency", "department"),
    ),
    Option(
        "court",
        "已经起诉到法院",
        "It is in court",
        ("法院", "起诉", "诉讼", "打官司", "判决", "court", "lawsuit", "sued"),
    ),
    Option("arbitration", "已经申请仲裁", "It is in arbitration", ("仲裁", "arbitration")),
)
IN_LITIGATION = frozenset({"court", "arbitration"})

YES_NO: tuple[Option, ...] = (
    Option(
        "yes",
        "同意",
        "I agree",
        ("同意", "可以", "好的", "好", "行", "是", "agree", "yes", "ok", "okay", "sure"),
    ),
    Option(
        "no",
        "不同意",
        "I decline",
        (
            "不同意",
            "不行",
            "不要",
            "不用",
            "拒绝",
            "不是",
            "不好",
            "不可以",
            "不",
            "decline",
            "no",
            "disagree",
            # Negated English, longer than "agree" and "ok" so that they are read first.
            "don't agree",
            "dont agree",
            "do not agree",
            "not agree",
            "don't",
            "dont",
            "do not",
            "not ok",
            "refuse",
        ),
    ),
)

# Words that stop or steer the intake at any step (the NLU intents are the main way; these catch
# the short forms the classifier may miss, and keep them out of free-text answers).
CONTROL_WORDS: dict[str, frozenset[str]] = {
    "intake_cancel": frozenset({"取消", "取消登记", "不办了", "不登记了", "退出", "cancel", "stop", "quit"}),
    "intake_back": frozenset(
        {"返回", "上一步", "返回上一步", "回到上一步", "后退", "back", "go back", "previous"}
    ),
    "intake_restart": frozenset(
        {"重新开始", "重来", "从头开始", "重新填", "start over", "restart", "start again"}
    ),
}


def control_of(text: str) -> str | None:
    cleaned = normalise(text)
    return next((intent for intent, words in CONTROL_WORDS.items() if cleaned in words), None)


def by_key(options: Sequence[Option], key: str | None) -> Option | None:
    return next((option for option in options if option.key == key), None)
