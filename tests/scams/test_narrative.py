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

# The kinds told least well before: a "leader" on QQ, a courier refund with screen sharing, a prize
# that needs tax paid first, a relative on a new account, a romance that turns to money; in the
# resident's words, in all three languages (our own phrasings).
HAPPENING_NOW += [
    ("我们处长加了我QQ，说他在外地开会不方便，叫我先往一个账户打三万块钱", "fraud_boss", Language.SIMPLIFIED),
    ("快递公司的人打电话说我的包裹丢了要理赔，让我下载一个软件开屏幕共享", "fraud_cs", Language.SIMPLIFIED),
    ("短信说我中了一辆小汽车，要先交两万的个人所得税才能领奖", "fraud_phishing", Language.SIMPLIFIED),
    ("侄子换了个新微信号加我，说在外地出了点事，让我先转一万给他朋友", "fraud_boss", Language.SIMPLIFIED),
    ("网上认识的男朋友让我在他说的平台上投钱，说稳赚不赔", "fraud_romance", Language.SIMPLIFIED),
    ("相亲网站上认识的一个男的一直跟我借钱，说他在国外回不来", "fraud_romance", Language.SIMPLIFIED),
    ("電話裡的人說是我外甥，出了車禍要我趕快匯五萬塊到醫院的帳戶", "fraud_boss", Language.TRADITIONAL),
    ("網上認識的女朋友叫我在一個平台充錢，說跟著她投資穩賺", "fraud_romance", Language.TRADITIONAL),
    (
        "A courier called and said they lost my parcel and will refund me if I share my screen with them",
        "fraud_cs",
        Language.ENGLISH,
    ),
    (
        "I got a text saying I won a car but I have to pay the tax first to claim it",
        "fraud_phishing",
        Language.ENGLISH,
    ),
    (
        "My nephew messaged me on WeChat from a new number asking me to send 10,000 to his friend's account",
        "fraud_boss",
        Language.ENGLISH,
    ),
    (
        "a woman I met online wants me to put money into a crypto platform she uses",
        "fraud_romance",
        Language.ENGLISH,
    ),
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
        "我侄子下周结婚，我想给他转五千块红包",
        "我女朋友让我周末陪她去逛街",
        "my nephew wants me to help him with his homework",
        "I won a raffle at church and they asked me to pick up the prize on Sunday",
        "快递员打电话说包裹放在门口了",
        "the courier called to say my parcel is at the door",
    ],
)
def test_questions_and_ordinary_family_matters_are_not_taken_for_a_scam_in_progress(text: str) -> None:
    assert assess_narrative(text) is None
