# ruff: noqa: E501  (messages read better on one line)
"""The scam check on known messages: risk, fraud type, quoted warning signs, defanged links."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest
import yaml

from bench.scam_eval import real
from bench.scam_eval import run as scam_eval
from bot.language import Language
from bot.scams import model, rules
from bot.scams.service import Risk, check, defang, looks_like_pasted_message

ROOT = Path(__file__).resolve().parents[2]


def test_a_fake_police_safe_account_demand_is_high_risk_and_named() -> None:
    result = check("我是市公安局的警官，你涉嫌洗钱案件，请把钱转到安全账户配合调查，不要告诉家人")

    assert result.risk is Risk.HIGH
    assert result.fraud_type == "fraud_police"
    assert any("安全账户" in flag for flag in result.red_flags)
    assert "110" in result.advice


def test_red_flags_quote_the_text_they_come_from() -> None:
    text = "亲，上一单佣金已返您，接下来是连单任务，需先垫付本金998元，完成后本金加佣金一起返还"

    result = check(text)

    assert result.fraud_type == "fraud_brush"
    quotes = [re.search(r"“(.+)”", flag) for flag in result.red_flags]
    assert all(q is not None and q.group(1).rstrip("…") in text for q in quotes)


def test_links_and_phone_numbers_come_back_defanged() -> None:
    result = check(
        "【淘宝客服】您的面霜质量问题，三倍赔偿，需先交保证金，点击 http://tb-refund.example.com 办理，电话 13800001234"
    )

    shown = " ".join(result.red_flags)
    assert "hxxp://tb-refund[.]example[.]com" in shown
    assert "138****1234" in shown
    assert "http://" not in shown and "13800001234" not in shown


def test_defang_breaks_links_addresses_and_long_numbers() -> None:
    assert defang("https://evil.example.com/a.b") == "hxxps://evil[.]example[.]com/a[.]b"
    assert defang("访问 pay.example.test 看看") == "访问 pay[.]example[.]test 看看"
    assert defang("打 138-0000-1234") == "打 138****1234"
    assert defang("客服 400-000-1234") == "客服 400-***-1234"
    assert defang("卡号 6222020000001234567") == "卡号 6222****4567"
    assert defang("mail me@example.com") == "mail me[@]example[.]com"


@pytest.mark.parametrize(
    "text",
    [
        "【XX银行】验证码：482913，您正在登录网上银行，5分钟内有效，请勿泄露给他人。",
        "【菜鸟驿站】您的包裹已到幸福路驿站，取件码 3-2-1108，请于今日20:00前领取。",
        "妈，我到家了，今天路上有点堵，你们早点休息",
        "【XX超市】周末会员日，全场蔬菜8.8折，欢迎光临！回复TD退订",
    ],
)
def test_ordinary_notices_and_family_chat_are_low_risk(text: str) -> None:
    result = check(text)

    assert result.risk is Risk.LOW
    assert result.fraud_type is None


def test_an_english_message_gets_english_signs_and_advice() -> None:
    result = check(
        "This is officer Chen. Your ID is linked to money laundering. Transfer your savings to the safe account."
    )

    assert result.language is Language.ENGLISH
    assert result.risk is Risk.HIGH
    assert any("safe account" in flag for flag in result.red_flags)
    assert "110" in result.advice and "不" not in result.advice


def test_traditional_chinese_is_understood_and_answered_in_traditional() -> None:
    result = check("你好，這裡是公安局，你涉嫌一宗洗錢案，請將資金轉入安全賬戶，並對家人保密")

    assert result.risk is Risk.HIGH
    assert result.fraud_type == "fraud_police"
    assert result.fraud_type_label == "冒充公檢法詐騙"
    assert "報警" in result.advice


# Types the check names that have no knowledge-base answer yet (the answer belongs to bot.knowledge).
WITHOUT_ANSWER_YET = {"fraud_phishing"}


def test_every_fraud_type_of_the_knowledge_base_has_rules() -> None:
    answers = (ROOT / "domain" / "knowledge_answers.yml").read_text(encoding="utf-8")

    for fraud_type in rules.FRAUD_TYPES:
        assert fraud_type.key in WITHOUT_ANSWER_YET or f"utter_faq/{fraud_type.key}:" in answers
        assert fraud_type.signs


def test_the_shipped_model_file_loads_and_is_small() -> None:
    trained = model.shipped()

    assert trained is not None
    assert model.MODEL_PATH.stat().st_size < 3_000_000
    assert {"medium", "high"} <= set(trained.combine)
    assert 0 < trained.combine["medium"] <= trained.combine["high"] < 1


def test_the_shipped_model_was_fitted_only_on_sources_whose_licence_lets_it_ship() -> None:
    trained = model.shipped()
    allowed = {key for key, source in real.SOURCES.items() if source.ships} | {"own"}

    assert trained is not None
    assert set(trained.info["trained_on"]) <= allowed  # type: ignore[arg-type]
    research_only = [key for key, source in real.SOURCES.items() if not source.ships]
    assert not any(key in str(trained.info["calibrated_on"]) for key in research_only)


# Written for this test, in the style of messages the model never saw.
HELD_OUT_STYLE = [
    (
        "您好，我是京东金融客服，您的白条利率不合规需要注销，否则影响征信，请先把额度转出到指定账户",
        "【XX银行】您尾号0001的储蓄卡消费支出人民币128.00元，余额3,456.70元",
    ),
    (
        "您好，這裡是公安局，你的身份證涉嫌洗錢，請把存款轉到安全賬戶配合調查，不要告訴家人",
        "【京東】您的訂單已出庫，預計明天送達，可在京東APP查看物流",
    ),
    (
        "Your account has been locked after unusual sign-in activity. Verify your card details now at hxxp://secure-login[.]example[.]com",
        "Hi mum, I'll be home at six, can you save me some dinner?",
    ),
    (
        "Congratulations, you won a $1000 gift card! Claim your prize today, just pay the $2 delivery fee here",
        "Your parcel was delivered to your front door at 14:02. Thanks for shopping with us.",
    ),
]


@pytest.mark.parametrize(("scam", "ordinary"), HELD_OUT_STYLE)
def test_the_shipped_model_scores_a_scam_above_an_ordinary_message(scam: str, ordinary: str) -> None:
    trained = model.shipped()
    assert trained is not None

    assert trained.probability(rules.normalise(scam).lower()) > trained.probability(
        rules.normalise(ordinary).lower()
    )
    assert check(scam).score > check(ordinary).score
    assert check(scam).risk is not Risk.LOW
    assert check(ordinary).risk is Risk.LOW


def test_the_score_is_a_probability_and_the_risk_follows_the_shipped_thresholds() -> None:
    trained = model.shipped()
    assert trained is not None

    for text in ("我是市公安局的警官，你涉嫌洗钱，请把钱转到安全账户", "晚上回家吃饭吗"):
        result = check(text)
        assert 0.0 <= result.score <= 1.0
        medium, high = trained.thresholds(text)
        expected = Risk.HIGH if result.score >= high else Risk.MEDIUM if result.score >= medium else Risk.LOW
        assert result.risk is expected


def test_the_own_held_out_set_flags_few_ordinary_messages_and_ranks_scams_first() -> None:
    messages = [m for m in scam_eval.load() if m.split == "test"]
    scored = [(check(m.text).score, m.is_scam) for m in messages]
    ordinary = [m for m in messages if not m.is_scam]
    flagged = [m.text for m in ordinary if check(m.text).risk is not Risk.LOW]
    scams = [s for s, y in scored if y]
    others = [s for s, y in scored if not y]
    auc = sum((s > o) + 0.5 * (s == o) for s in scams for o in others) / (len(scams) * len(others))

    assert len(flagged) / len(ordinary) <= 0.05, flagged
    assert auc >= 0.95


def test_the_evaluation_set_covers_every_fraud_type_with_300_messages() -> None:
    messages = scam_eval.load()

    assert len(messages) >= 300
    assert {m.label for m in messages} >= {item.key for item in rules.FRAUD_TYPES}


def test_a_defanged_link_and_a_spaced_out_number_are_read_back() -> None:
    result = check(
        "您的银行账户异常已冻结，请登录 hxxp://bank-verify[.]example[.]com 验证解冻，客服 1 3 8 0 0 0 0 1 2 3 4"
    )

    assert result.risk is not Risk.LOW
    assert result.fraud_type == "fraud_phishing"
    shown = " ".join(result.red_flags)
    assert "hxxp://bank-verify[.]example[.]com" in shown
    assert "138****1234" in shown


def test_a_long_chat_transcript_is_judged_whole_and_flags_point_at_lines() -> None:
    transcript = "\n".join(
        [
            "在吗",
            "在的，怎么了",
            "我微信被限制了，想先转2800到你卡里，你再帮我转给我朋友，他急用",
            "你把卡号发我",
            "已转，跨行要两小时到账，你先帮我垫付过去，到账你再扣",
        ]
    )

    result = check(transcript)

    assert result.risk is not Risk.LOW
    assert result.fraud_type == "fraud_boss"
    assert any("第3行" in flag or "第5行" in flag for flag in result.red_flags)


def test_when_only_the_model_fires_the_flag_still_explains_why() -> None:
    text = "Dear user, we noticed a problem with your recent order. Kindly confirm your billing information"
    result = check(text)

    if result.risk is not Risk.LOW:
        assert result.red_flags
        assert result.advice


# -- pasted or forwarded? ---------------------------------------------------------------------


def _nlu_examples() -> list[str]:
    found = []
    for path in glob.glob(str(ROOT / "nlu_data" / "*.yml")):
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append(re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line[2:]))
    return found


def test_no_resident_question_of_the_training_data_reads_as_a_pasted_message() -> None:
    examples = _nlu_examples()

    pasted = [text for text in examples if looks_like_pasted_message(text)]

    assert len(examples) > 500
    assert pasted == []


def test_most_scam_messages_of_the_evaluation_set_read_as_pasted() -> None:
    scams = [m.text for m in scam_eval.load() if m.is_scam]

    share = sum(looks_like_pasted_message(text) for text in scams) / len(scams)

    assert share >= 0.8


def test_family_and_work_chats_do_not_read_as_pasted() -> None:
    chats = [m.text for m in scam_eval.load() if m.label in {"ordinary_family", "ordinary_work"}]

    assert not any(looks_like_pasted_message(text) for text in chats)


@pytest.mark.parametrize(
    "text",
    [
        "【XX银行】您的账户存在风险，请点击 http://bank-safe.example.com 验证",
        "您的验证码为 552017，请勿告诉他人",
        "尊敬的客户，您好，您的快递丢失，理赔请拨打 400-000-1234",
    ],
)
def test_sms_framing_links_and_codes_read_as_pasted(text: str) -> None:
    assert looks_like_pasted_message(text)


@pytest.mark.parametrize(
    "text",
    [
        "我被骗了怎么办",
        "有人让我刷单先垫钱靠谱吗",
        "帮我看看这条短信是不是诈骗",
        "is this a scam",
        "我要登记纠纷",
    ],
)
def test_residents_own_questions_do_not_read_as_pasted(text: str) -> None:
    assert not looks_like_pasted_message(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to unsubscribe",
        "i want to unsubscribe from scam alerts",
        "please opt out of the warnings for me",
        "enter code 7382910456",
        "I'm her son, the code is 5520193412",
        "i'm the grandson, my code is 1122334455",
        "here is my binding code 1234567890",
    ],
)
def test_a_resident_s_own_words_about_alerts_and_guardian_codes_do_not_read_as_pasted(text: str) -> None:
    assert not looks_like_pasted_message(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your parcel is held. Pay the fee at http://parcel-fee.example.com. Reply STOP to unsubscribe",
        "You have won a prize! To opt out reply STOP",
        "Final notice from your bank: your account is frozen, text STOP to end alerts 0554-1234567",
    ],
)
def test_a_sender_s_opt_out_line_still_reads_as_pasted(text: str) -> None:
    assert looks_like_pasted_message(text)


# Written for this test: long promotions of the kind the model alone used to flag, without the
# 【sender】 signature and opt-out line (a pasted or forwarded message often has neither).
PLAIN_PROMOTIONS = [
    "尊敬的用户，感谢您一直以来对我们的支持与信任！为回馈老用户，本月办理88元套餐即送10GB流量和30元话费，"
    "活动期间到营业厅办理还可参加抽奖，详情请咨询营业厅或登录官方APP。",
    "亲爱的会员，周年庆火热进行中！全场新品8折起，满300减50，积分可兑换精美礼品，"
    "欢迎光临门店选购，数量有限先到先得。",
    "您好，城东新盘样板间今日开放，首付20万起，老带新成交送购物卡，欢迎莅临售楼处参观，详询置业顾问。",
]


# Scams dressed as offers: the strong signs (a code, a safe account) or the rules' own evidence
# still flag them, promotional words or not.
DRESSED_AS_OFFERS = [
    "尊敬的会员，感恩回馈活动：您的积分可兑换888元现金，请把收到的验证码告诉客服，我们马上为您办理兑换。",
    "亲爱的用户，优惠活动最后一天！您的账户涉嫌异常，请将资金转到安全账户，活动期间免手续费，详询客服。",
    "恭喜您被抽中为幸运会员，领取iPhone大奖前需先交手续费和保证金500元，名额有限，立即转账到指定账户。",
    # Points "about to expire" and a link that wants the card: the points-redemption phishing SMS
    # (a promotion's words are the bait; with only the strong signs exempt they read as low).
    "【XX银行】您的信用卡积分10000分即将过期，点击 http://bank-jf.example 兑换礼品，需填写卡号及验证码",
    "尊敬的客户，您的积分即将清零，请登录 http://jf-10086.example 兑换现金红包，逾期作废",
    # A refund through someone's private QQ, with points on top.
    "您好，您的快递丢失，我们将给您理赔，请加客服QQ 123456 办理退款，会员积分可兑换",
]

# The real notice the phishing copies: no link to follow, nothing to fill in.
POINTS_NOTICE = "尊敬的客户，您的积分将于12月31日清零，可登录营业厅APP兑换话费或礼品。"


def test_a_real_points_notice_without_a_link_stays_low() -> None:
    assert check(POINTS_NOTICE).risk is Risk.LOW


def test_the_model_reads_a_message_without_its_signature_and_opt_out_line() -> None:
    bare = "您的话费券已到账，登录官方app领取"

    assert model.prepare(f"【某某移动】{bare}，回复td退订") == model.prepare(f"{bare}，")
    assert model.prepare("your order has shipped. reply stop to opt out") == "your order has shipped."


def test_promotion_counts_distinct_promotional_phrases() -> None:
    assert rules.promotion("晚上回家吃饭吗") == 0.0
    assert rules.promotion("周年庆全场8折起，满300减50，积分兑换礼品，欢迎光临") == 1.0


# Written for this test in the shape of real operator and shop marketing: a link to tap to claim
# the data or the coupon, the operator's own app to download. These words alone excuse nothing
# stronger (below), but they are not phishing.
OPERATOR_OFFERS = [
    "尊敬的用户，我们很高兴地通知您，现在下载我们的官方客户端即可免费领取5GB省内流量，请点击以下链接进入活动页面领取："
    "http://t.example.cn/a9 。如有任何疑问，欢迎随时联系我们的客服团队，祝您使用愉快！",
    "尊敬的客户，感谢您使用我们的服务！本月话费充值享9折优惠，登录掌上营业厅客户端或点击 http://t.example.cn/c2 "
    "即可办理，还可领取流量红包，详情请咨询客服。",
    "亲爱的用户，新年快乐！我们推出红包大放送活动，下载安装我们的客户端即可领取流量红包，点击以下链接参与："
    "http://t.example.cn/h5 ，别忘了分享给亲友哦~",
]


@pytest.mark.parametrize("text", PLAIN_PROMOTIONS + OPERATOR_OFFERS)
def test_an_ordinary_promotion_stays_low_without_its_signature_or_with_a_link_to_claim(text: str) -> None:
    result = check(text)

    assert result.risk is Risk.LOW
    assert result.fraud_type is None


# The same offers' words with what a promotion never asks: to fill in card details or verify
# through the link, a prize "won", a private QQ, points "expiring".
OFFERS_THAT_ASK_TOO_MUCH = [
    "尊敬的用户，感谢您一直以来的支持！本月流量包半价优惠，点击 http://t.example.cn/ll8 填写银行卡号和验证码领取8GB流量，"
    "数量有限，先到先得。",
    "亲爱的会员，店庆大促全场8折起，恭喜您中奖获得iPhone一台，点击 http://m.example.com/q 领取，需先付邮费和手续费。",
    "尊敬的客户，您有一份彩铃礼包和话费优惠待领取，请添加客服QQ 12345678 办理，先交9.9元激活费。",
]


@pytest.mark.parametrize("text", DRESSED_AS_OFFERS + OFFERS_THAT_ASK_TOO_MUCH)
def test_a_scam_dressed_as_an_offer_or_asking_what_no_promotion_asks_is_still_flagged(text: str) -> None:
    result = check(text)

    assert result.risk is not Risk.LOW
    assert result.red_flags


def _hits(text: str) -> dict[str, bool]:
    normalised = rules.normalise(text).lower()
    return {hit.sign.key: rules.against_promotion(hit) for hit in rules.find(normalised)}


def test_only_what_a_promotion_never_asks_stands_against_it() -> None:
    assert _hits("点击链接领取流量")["fraud_phishing.1"] is False
    assert _hits("点击链接填写银行卡信息领取流量")["fraud_phishing.1"] is True
    assert _hits("下载官方app领取话费")["private_contact"] is False
    assert _hits("请加客服qq办理退款")["private_contact"] is True
    assert _hits("您的积分即将清零")["fraud_phishing.0"] is True
    assert _hits("click the link to verify your account")["fraud_phishing.1"] is True


@pytest.mark.parametrize(
    ("text", "fraud_type"),
    [
        # A stranger claiming to buy for a work site or a school places a "big order" (the
        # supplier is then asked to pay a third party for goods first).
        (
            "我是工地的采购负责人，我们计划订购一批钢材和消防泵，量比较大，想直接找厂家，加个微信细聊吧。",
            "fraud_boss",
        ),
        # A "teacher" sends the child's report behind a link.
        (
            "王家长您好，这是您孩子开学以来的在校表现和成绩报告，请点击 http://school-report.example.cn/a1 查看。",
            "fraud_boss",
        ),
        # A relative abroad who cannot buy a ticket home.
        (
            "叔叔，我是你侄子，我在国外签证出了问题，没法买回国的机票，你能先帮我订一张吗，回去就还你。",
            "fraud_boss",
        ),
    ],
)
def test_acquaintance_scams_told_without_a_transfer_word_are_flagged(text: str, fraud_type: str) -> None:
    result = check(text)

    assert result.risk is not Risk.LOW
    assert result.fraud_type == fraud_type


def test_a_genuine_card_alert_that_sends_you_to_your_card_s_number_stays_low() -> None:
    result = check(
        "Your card ending 1234 was used for $42.10 at Green Grocer. If this wasn't you, "
        "call the number on the back of your card."
    )

    assert result.risk is Risk.LOW


@pytest.mark.parametrize(
    "text",
    [
        # Written for this test in the shape of today's English text scams.
        "Bank alert: a payment of $612.40 to an online store is pending. If this wasn't you, "
        "cancel it at http://bank-cancel.example.com",
        "This is a gift to express our gratitude for paying your bill on time. Collect it here: http://thanks-gift.example.com/g",
        "Complete our 1-minute survey and receive a $100 reward: http://survey-reward.example.org",
        "Wells Fargo: validation required on your account. Visit http://wf-validate.example.com",
    ],
)
def test_an_english_charge_alert_gift_survey_reward_or_validation_link_is_phishing(text: str) -> None:
    result = check(text)

    assert result.risk is not Risk.LOW
    assert result.fraud_type == "fraud_phishing"


def test_a_family_photo_album_link_stays_low_though_it_says_honey_and_photos() -> None:
    result = check(
        "Hi honey, here are the photos from Sam's birthday, the one with grandma is my favourite: "
        "https://photos.example.com/album/bday"
    )

    assert result.risk is Risk.LOW
