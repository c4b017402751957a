"""Which route suits a problem: mediation first; labour inspection or arbitration for wages; the
court; a petition as the last resort, and for complaints about how an office does its work."""

from __future__ import annotations

from dataclasses import dataclass

from bot.intake import choices
from bot.intake.choices import normalise

_IN_COURT = ("法院", "起诉", "判决", "仲裁", "打官司", "court", "lawsuit", "sued", "arbitration")
_GOVERNMENT = (
    "政府",
    "部门",
    "干部",
    "村委",
    "居委",
    "办事",
    "窗口",
    "养老金",
    "低保",
    "社保",
    "医保",
    "拆迁",
    "征地",
    "government",
    "official",
    "office",
    "pension",
    "benefit",
)


@dataclass(frozen=True)
class Route:
    """`response` to send; `category` for the "register a dispute" button (None: a petition)."""

    response: str
    category: str | None


def route_for(text: str) -> Route:
    """The route for a problem described in `text` (keywords; the resident can still choose)."""
    cleaned = normalise(text)
    if any(word in cleaned for word in _IN_COURT):
        return Route("utter_route_court", None)
    option = choices.pick(cleaned, choices.CATEGORIES) if choices.typed_number(cleaned) is None else None
    if option is not None and option.key == "labour":
        return Route("utter_route_labour", "labour")
    if any(word in cleaned for word in _GOVERNMENT):
        return Route("utter_route_petition", None)
    return Route("utter_route_mediation", option.key if option is not None else "other")
