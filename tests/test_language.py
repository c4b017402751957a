"""The language decision on the phrasings that fool raw langdetect."""

import re
from pathlib import Path

import pytest
import yaml

from bot import notices
from bot.language import Language, detect, for_reply, for_understanding, from_hint

ROOT = Path(__file__).resolve().parents[1]

ZH, HANT, EN = Language.SIMPLIFIED, Language.TRADITIONAL, Language.ENGLISH


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("我被骗了怎么办", None, ZH),  # raw langdetect says Korean
        ("好的", None, ZH),
        ("我想問一下調解", None, HANT),
        ("我想問一下調解", ZH, HANT),  # a clear switch of script
        ("How do I report a scam?", None, EN),  # raw langdetect says Portuguese
        ("How do I report a scam?", ZH, EN),  # a whole English sentence is a clear switch
        ("ok", None, EN),  # raw langdetect says Swahili/Slovak
        ("ok", ZH, ZH),  # a lone "ok" does not switch a Chinese conversation
        ("hi", HANT, HANT),
        ("12345678901", EN, EN),  # digits: raw langdetect raises
        ("😀👍", None, ZH),
        ("😀👍", EN, EN),
        ("你好", HANT, HANT),  # characters both scripts share keep the resident's script
        ("我的APP被盗了", EN, ZH),
    ],
)
def test_detect(text: str, current: Language | None, expected: Language) -> None:
    assert detect(text, current=current) is expected


def test_telegram_language_code_is_the_first_guess() -> None:
    assert detect("👍", hint="en-GB") is EN
    assert detect("👍", hint="zh-TW") is HANT
    assert from_hint("zh-hans") is ZH
    assert from_hint("ru") is None


def test_detection_is_repeatable() -> None:
    assert {detect("hello there my friend") for _ in range(20)} == {EN}


def test_traditional_is_read_as_simplified_and_answered_in_traditional() -> None:
    assert for_understanding("我想問一下調解") == "我想问一下调解"
    assert for_reply("调解是免费的吗", HANT) == "調解是免費的嗎"
    assert for_reply("调解是免费的吗", ZH) == "调解是免费的吗"
    assert for_understanding("How do I report a scam?") == "How do I report a scam?"


def test_both_chinese_scripts_read_the_chinese_text_english_the_english() -> None:
    from bot.language import Language, written

    assert [written(item) for item in Language] == ["zh", "zh", "en"]
    assert written(None) == "zh" and written("en") == "en"


# -- what a Traditional reader sees (issue 24) -----------------------------------------------------

# Wrong characters s2t picks in one-to-many pairs, as the issue found them, and the rules behind them.
KNOWN_ERRORS = ("足額髮工資", "籤合同", "一齣現", "併到", "資金鍊", "籤訂", "籤字", "髮現", "出髮", "鍊條")
SUSPECT = re.compile(
    r"(?<![頭理毛白假美洗染燙剪黑秀長短金銀鬢])髮(?![型廊夾膠絲])"
    r"|(?<![標抽書牙求竹])籤(?![筒詩])|齣(?![戲劇])|(?<![合吞兼歸一火])併(?![發吞購])"
    r"|(?<![鍛修提精冶項手腳])鍊(?![子條])"
)


def _chinese_reply_texts() -> list[str]:
    """Every Simplified reply text the assistant can send: responses, button titles, notices."""
    texts: list[str] = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).values():
            for variation in variations:
                if {"type": "slot", "name": "language", "value": "en"} in (variation.get("condition") or []):
                    continue
                texts.append(str(variation.get("text") or ""))
                texts.extend(str(button.get("title") or "") for button in variation.get("buttons") or [])
    texts.extend(texts_by_language[Language.SIMPLIFIED] for texts_by_language in notices._TEXTS.values())
    return texts


def test_the_traditional_replies_have_none_of_the_known_conversion_errors() -> None:
    converted = "\n".join(for_reply(text, HANT) for text in _chinese_reply_texts())
    assert converted
    for error in KNOWN_ERRORS:
        assert error not in converted, error
    assert not SUSPECT.findall(converted)


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("单位应当按时足额发工资", "單位應當按時足額發工資"),
        ("签合同前和子女商量", "簽合同前和子女商量"),
        ("验证码一出现就别说", "驗證碼一出現就別說"),
        ("提出，并到公安机关说明", "提出，並到公安機關說明"),
        ("最后资金链断裂", "最後資金鏈斷裂"),
        ("短信里的链接", "簡訊裡的連結"),  # Taiwan wording (s2twp)
        ("头发、标签、一出戏、合并、一并提供、锻炼", "頭髮、標籤、一齣戲、合併、一併提供、鍛鍊"),
    ],
)
def test_traditional_replies_use_the_right_character_of_a_pair(simplified: str, traditional: str) -> None:
    assert for_reply(simplified, HANT) == traditional


def test_script_detection_still_compares_character_by_character() -> None:
    # s2twp rewrites words (出租车 計程車); the detection must not count those as Simplified-only.
    assert detect("我想叫計程車", current=None) is HANT
