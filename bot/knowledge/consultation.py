"""'Talk to a person': the consultation case a resident opens from an answer or from 'did you mean'."""

from __future__ import annotations

from bot.cases.enums import CaseCategory, CaseKind
from bot.cases.schemas import CaseCreate
from bot.knowledge import content
from bot.residents.enums import LANGUAGES, Channel, Language

_BY_TOPIC: dict[str, CaseCategory] = {
    "fraud_types": CaseCategory.FRAUD,
    "elder": CaseCategory.FRAUD,
    "tricks": CaseCategory.FRAUD,
    "dispute": CaseCategory.OTHER,
    "work": CaseCategory.LABOUR,
    "family": CaseCategory.FAMILY,
}
_BY_KEY: dict[str, CaseCategory] = {
    "law_leak": CaseCategory.NEIGHBOURS,
    "law_noise": CaseCategory.NEIGHBOURS,
    "law_light": CaseCategory.NEIGHBOURS,
    "law_homestead": CaseCategory.LAND,
    "law_land_contract": CaseCategory.LAND,
    "law_consumer": CaseCategory.CONSUMER,
    "law_return": CaseCategory.CONSUMER,
    "law_traffic": CaseCategory.TRAFFIC,
    "law_debt": CaseCategory.DEBT,
}


def category(key: str | None) -> CaseCategory:
    if key in _BY_KEY:
        return _BY_KEY[key]
    topic = next((t.name for t in content.topics().values() if key in t.keys), None)
    return _BY_TOPIC.get(topic or "", CaseCategory.OTHER)


def request(
    *, key: str | None, question: str | None, township: str, channel: Channel, language: str | None
) -> CaseCreate:
    """The consultation case: what the resident asked about, where they live, how to reach them."""
    item = content.answer(key)
    topic = item.title.zh if item else "其他问题"
    asked = (question or "").strip()
    description = f"居民在「说事」助手中请求工作人员联系（话题：{topic}）。"
    if asked and not asked.startswith("/"):
        description += f"\n居民的问题：{asked[:1000]}"
    lang: Language = next((code for code in LANGUAGES if code == language), Language.SIMPLIFIED)
    return CaseCreate(
        kind=CaseKind.CONSULTATION,
        category=category(key),
        township=township,
        title=f"咨询：{topic}",
        description=description,
        language=lang,
        channel=channel,
    )
