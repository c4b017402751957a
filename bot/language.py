"""Which language a resident writes in, and the conversion between Chinese scripts.

The one place that decides it. Raw langdetect calls short Chinese Korean and short English
Swahili, so the script decides first; langdetect, restricted to the three profiles we serve and
seeded, only settles what the script leaves open. A resident's language sticks: a lone "ok" from
someone who writes Chinese does not switch the conversation to English.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal

import opencc
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException


class Language(StrEnum):
    SIMPLIFIED = "zh-Hans"
    TRADITIONAL = "zh-Hant"
    ENGLISH = "en"

    @property
    def is_chinese(self) -> bool:
        return self is not Language.ENGLISH


DEFAULT = Language.SIMPLIFIED

# The languages text is *written* in: the knowledge content and the console keep a Chinese and an
# English text; Traditional Chinese is converted from the Simplified one when it is sent.
Written = Literal["zh", "en"]
WRITTEN: tuple[Written, ...] = ("zh", "en")


def written(language: Language | str | None) -> Written:
    """The written text to take for `language` (English, or the Chinese text for both scripts)."""
    return "en" if language == Language.ENGLISH else "zh"


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_LATIN = re.compile(r"[A-Za-z]")
_PROFILES = {"zh-cn": Language.SIMPLIFIED, "zh-tw": Language.TRADITIONAL, "en": Language.ENGLISH}


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    """Character by character (s2t): what script detection compares against, never a reply."""
    return str(_converter("s2t").convert(text))


# Replies for a Traditional reader use the Taiwan configuration with its phrases (s2twp: 软件 軟體,
# 短信 簡訊). OpenCC 1.1's phrase tables still pick the wrong character of a one-to-many pair in
# phrases such as 足额发工资 (髮), 签合同 (籤), 一出现 (齣), 并到 (併), 资金链 (鍊); these rules put
# the right one back, keeping the words where the rarer character is right (头发, 标签, 一出戏, 合并,
# 一并, 锻炼, 项链). tests/conversation/test_language.py scans every reply text for the errors.
_READER_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![頭理毛白假美洗染燙剪黑秀長短金銀鬢])髮(?![型廊夾膠絲])"), "發"),
    (re.compile(r"(?<![標抽書牙求竹])籤(?![筒詩])"), "簽"),
    (re.compile(r"齣(?![戲劇])"), "出"),
    (re.compile(r"(?<![合吞兼歸一火])併(?![發吞購])"), "並"),
    (re.compile(r"(?<![鍛修提精冶項手腳])鍊(?![子條])"), "鏈"),
)


def to_traditional_for_reader(text: str) -> str:
    """Simplified text as a reader of Traditional Chinese expects it (Taiwan wording)."""
    converted = str(_converter("s2twp").convert(text))
    for wrong, right in _READER_FIXES:
        converted = wrong.sub(right, converted)
    return converted


@cache
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    profiles = [(Path(PROFILES_DIRECTORY) / name).read_text(encoding="utf-8") for name in _PROFILES]
    factory.load_json_profile(profiles)
    factory.set_seed(0)
    return factory


def _langdetect(text: str) -> Language | None:
    detector = _factory().create()
    detector.append(text)
    try:
        return _PROFILES.get(detector.detect())
    except LangDetectException:  # nothing it can read: digits, emoji, punctuation
        return None


def _chinese_script(text: str, current: Language | None) -> Language:
    han = "".join(_HAN.findall(text))
    traditional_only = sum(1 for a, b in zip(han, to_simplified(han), strict=False) if a != b)
    simplified_only = sum(1 for a, b in zip(han, to_traditional(han), strict=False) if a != b)
    if traditional_only > simplified_only:
        return Language.TRADITIONAL
    if simplified_only > traditional_only:
        return Language.SIMPLIFIED
    # Only characters both scripts share ("你好"): keep the resident's script if it is Chinese.
    if current is not None and current.is_chinese:
        return current
    detected = _langdetect(text)
    return detected if detected is not None and detected.is_chinese else DEFAULT


def parse(value: str | None) -> Language | None:
    """A stored language code as a Language; None for anything else."""
    return Language(value) if value in set(Language) else None


def from_hint(code: str | None) -> Language | None:
    """A first guess from a client's language code (Telegram's `language_code`, a browser's)."""
    if not code:
        return None
    code = code.lower()
    if code.startswith(("zh-tw", "zh-hk", "zh-mo", "zh-hant")):
        return Language.TRADITIONAL
    if code.startswith("zh"):
        return Language.SIMPLIFIED
    if code.startswith("en"):
        return Language.ENGLISH
    return None


def detect(text: str, *, current: Language | None = None, hint: str | None = None) -> Language:
    """The language to answer `text` in, given the conversation's language so far."""
    known = current or from_hint(hint)
    if _HAN.search(text):
        return _chinese_script(text, known)
    if not _LATIN.search(text):
        return known or DEFAULT
    # Latin letters only. A short token ("ok", "hi", "APP") is not a clear switch away from Chinese.
    if known is not None and known.is_chinese and len(_LATIN_WORD.findall(text)) < 2:
        return known
    return _langdetect(text) or known or Language.ENGLISH


def for_reply(text: str, language: Language) -> str:
    """Reply text in the resident's script: responses are written in Simplified and English."""
    return to_traditional_for_reader(text) if language is Language.TRADITIONAL else text


def for_understanding(text: str) -> str:
    """Text as the model was trained on it: Traditional input is read as Simplified."""
    return to_simplified(text) if _HAN.search(text) else text
