"""Townships and villages as a resident types them, matched tolerantly against the district profile.

The profile's village lists may be incomplete (`villages_complete: false`): a village that is not
listed is then accepted as the resident gave it, after a "did you mean" when a listed one is close.

A resident often writes the district or city first ("大通区洛河镇", "我住淮南市大通区上窑镇"): those
prefixes are dropped, and of the townships named the longest wins, so that 大通 (the district's
name, and the stem of 大通街道) never swallows 洛河镇. Input methods make homophone typos (毛营 for
毛郢): names are also compared by their pinyin (pypinyin), and a name typed in pinyin ("luohe",
"Mao Ying") is matched too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from pypinyin import lazy_pinyin

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


def _pinyin(name: str) -> str:
    """A name's sound without tones or spaces: 毛郢 and 毛营 are both "maoying"."""
    return _pinyin_of(normalise(name))


@cache
def _pinyin_of(name: str) -> str:
    return "".join(lazy_pinyin(name)).lower()


def _as_pinyin(text: str) -> str | None:
    """Text typed in pinyin letters ("luohe", "Mao Ying zhen"), as one lower-case word; else None."""
    letters = re.sub(r"[\s'’\-]+", "", text.lower())
    return letters if letters.isascii() and letters.isalpha() else None


def _without_prefixes(profile: DistrictProfile, text: str) -> str:
    """The text without the province, city and district a resident writes first."""
    typed = normalise(text)
    names = (profile.province, profile.city, profile.name)
    for name in sorted({*names, *(_stem(n, ("省", "市", "区", "县")) for n in names)}, key=len, reverse=True):
        # The district's stem alone (大通) is also a township's stem (大通街道): drop it only as a prefix
        # followed by more text, never as the whole answer.
        if len(name) >= 2 and name != _stem(profile.name, ("区", "县")):
            typed = typed.replace(name, "")
    return typed


def match_township(profile: DistrictProfile, text: str, *, pressed: str | None = None) -> Township | None:
    """The township a button (its number) or typed text names: '洛河', '洛河镇', '2',
    '大通区洛河镇', 'luohe'."""
    number = typed_number(pressed) if pressed is not None else typed_number(text)
    if number is not None:
        return profile.townships[number - 1] if 1 <= number <= len(profile.townships) else None
    if pressed is not None:
        return None
    typed = _without_prefixes(profile, text)
    if not typed:
        return None
    stems = {township.name: _stem(township.name, _TOWNSHIP_SUFFIXES) for township in profile.townships}
    named = [
        (len(stems[township.name]), -typed.find(stems[township.name]), township)
        for township in profile.townships
        if stems[township.name] and stems[township.name] in typed
    ]
    if named:
        return max(named, key=lambda found: found[:2])[2]
    # Homophones (落河 for 洛河) and pinyin ("luohe"): the whole answer must sound like the name.
    sound = _as_pinyin(text) or _pinyin(_stem(typed, _TOWNSHIP_SUFFIXES))
    for suffix in ("jiedaobanshichu", "jiedao", "zhen", "xiang"):
        if sound.endswith(suffix) and len(sound) > len(suffix):
            sound = sound[: -len(suffix)]
            break
    return next((t for t in profile.townships if _pinyin(stems[t.name]) == sound), None)


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
    spelt = _as_pinyin(text)
    if spelt is not None:
        # Typed in pinyin ("maoying", "Mao Ying cun"): that village, whatever the suffix.
        for village_stem, village in stems.items():
            if spelt in (_pinyin(village_stem), _pinyin(village)) or (
                spelt.startswith(_pinyin(village_stem))
                and spelt[len(_pinyin(village_stem)) :] in _SUFFIX_SOUNDS
            ):
                return VillageMatch(village)
    # A homophone (毛营 for 毛郢) comes first among the suggestions; on a complete list it is the answer.
    sounds_like = [s for s in stems if _pinyin(s) == _pinyin(stem)]
    if len(sounds_like) == 1 and township.villages_complete:
        return VillageMatch(stems[sounds_like[0]])
    close = [*sounds_like, *(s for s in difflib.get_close_matches(stem, list(stems), n=3, cutoff=0.5))]
    # A shared character is enough for two-character names.
    close += [s for s in stems if len(s) <= 3 and _shares(stem, s)]
    suggestions = tuple(stems[s] for s in dict.fromkeys(close))[:3]
    if suggestions:
        return VillageMatch(None, suggestions=suggestions)
    if township.villages_complete:
        return VillageMatch(None, refused=True)
    return VillageMatch(_as_given(text))


_SUFFIX_SOUNDS = frozenset({"cun", "shequ", "cunweihui", "juweihui"})


def _shares(a: str, b: str) -> bool:
    return len(a) >= 2 and len(set(a) & set(b)) >= max(1, min(len(a), len(b)) - 1)


def _as_given(text: str) -> str:
    return " ".join(text.split())[:50]
