"""The language decision on the phrasings that fool raw langdetect."""

import pytest

from bot.language import Language, detect, for_reply, for_understanding, from_hint

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
