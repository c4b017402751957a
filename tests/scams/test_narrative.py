# ruff: noqa: E501
"""A scam told in the resident's own words is recognised; questions about fraud are not."""

from __future__ import annotations

import pytest

from bot.language import Language
from bot.scams.narrative import assess_narrative
from bot.scams.service import Risk

HAPPENING_NOW = [
    ("有人打电话说我孙子出车祸了要我马上转两万块钱", "fraud_boss", Language.SIMPLIFIED),
    ("有人打電話說我孫子出車禍了，要我馬上轉兩萬塊錢", "fraud_boss", Language.TRADITIONAL),
    (
        "Someone called saying my grandson was in a car accident and I must send 20,000 yuan right now",
        "fraud_boss",
        Language.ENGLISH,
    ),
    (
        "a man on WeChat wants me to transfer money to a safe account, he says my card is involved in money laundering",
        "fraud_police",
        Language.ENGLISH,
    ),
    (
        "my bank card is frozen, they say I have to give them the verification code to unlock it",
        "fraud_phishing",
        Language.ENGLISH,
    ),
    ("刚才一个自称公安局的人打电话说我涉嫌洗钱，让我把钱转到安全账户", "fraud_police", Language.SIMPLIFIED),
    ("微信上有个人说是我领导，让我先帮他垫付五万块", "fraud_boss", Language.SIMPLIFIED),
    ("我銀行卡被凍結了，對方說要我把錢轉到安全賬戶", None, Language.TRADITIONAL),
]


@pytest.mark.parametrize(("text", "fraud_type", "language"), HAPPENING_NOW)
def test_a_scam_told_in_the_residents_words_is_high_risk_and_named(
    text: str, fraud_type: str | None, language: Language
) -> None:
    result = assess_narrative(text)

    assert result is not None
    assert result.risk is Risk.HIGH
    assert result.language is language
    if fraud_type:
        assert result.fraud_type == fraud_type
    assert result.fraud_type_label
    assert "110" in result.advice or "96110" in result.advice


@pytest.mark.parametrize(
    "text",
    [
        "怎么防范电话诈骗",
        "如果有人让我转账怎么办",
        "我儿子让我给他转两千块交学费",
        "被骗了怎么办",
        "我想咨询一下邻居噪音纠纷怎么办",
        "what is a safe account scam?",
        "how do I spot a phishing text",
        "my son asked me to pick him up from school",
    ],
)
def test_questions_and_ordinary_family_matters_are_not_taken_for_a_scam_in_progress(text: str) -> None:
    assert assess_narrative(text) is None
