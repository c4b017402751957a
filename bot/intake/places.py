"""Townships and villages as a resident types them, matched tolerantly against the district profile.

The profile's village lists may be incomplete (`villages_complete: false`): a village that is not
listed is then accepted as the resident gave it, after a "did you mean" when a listed one is close.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.district import DistrictProfile, Township
from bot.intake.choices import normalise, typed_number

_TOWNSHIP_SUFFIXES = ("街道办事处", "街道办", "街道", "镇", "乡")
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村", "居委")


def _stem(name: str, suffixes: tuple[str, ...]) -> str:
    name = normalise(name)
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def match_township(profile: DistrictProfile, text: str, *, pressed: str | None = None) -> Township | None:
    """The township a button (its number) or typed text names: '洛河', '洛河镇', '2'."""
    number = typed_number(pressed) if pressed is not None else typed_number(text)
    if number is not None:
        return profile.townships[number - 1] if 1 <= number <= len(profile.townships) else None
    if pressed is not None:
        return None
    typed = _stem(text, _TOWNSHIP_SUFFIXES)
    if not typed:
        return None
    for township in profile.townships:
        stem = _stem(township.name, _TOWNSHIP_SUFFIXES)
        if typed == stem or stem in typed:
            return township
    return None


@dataclass(frozen=True)
class VillageMatch:
    """`name` when the answer is settled; else `suggestions` to offer (may be empty when refused)."""

    name: str | None
    suggestions: tuple[str, ...] = ()
    # The township's list is complete and the typed name is not on it.
    refused: bool = False


def match_village(township: Township, text: str) -> VillageMatch:
    """A listed village the text names, close listed villages to suggest, or the name as typed."""
    typed = normalise(text)
    if not typed:
        return VillageMatch(None, refused=True)
    stem = _stem(typed, _VILLAGE_SUFFIXES)
    for village in township.villages:
        if stem == _stem(village, _VILLAGE_SUFFIXES):
            return VillageMatch(village)
    stems = {_stem(village, _VILLAGE_SUFFIXES): village for village in township.villages}
    close = difflib.get_close_matches(stem, list(stems), n=3, cutoff=0.5)
    # A shared character is enough for two-character names ("毛营" for "毛郢").
    close += [s for s in stems if s not in close and len(s) <= 3 and _shares(stem, s)]
    suggestions = tuple(stems[s] for s in close[:3])
    if suggestions:
        return VillageMatch(None, suggestions=suggestions)
    if township.villages_complete:
        return VillageMatch(None, refused=True)
    return VillageMatch(_as_given(text))


def _shares(a: str, b: str) -> bool:
    return len(a) >= 2 and len(set(a) & set(b)) >= max(1, min(len(a), len(b)) - 1)


def _as_given(text: str) -> str:
    return " ".join(text.split())[:50]
