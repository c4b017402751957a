# ruff: noqa: E501  (patterns read better one alternative group per line)
"""A scam happening now, told in the resident's own words.

"有人打电话说我孙子出车祸了要我马上转两万块钱", "someone called saying my grandson…", "a man on
WeChat wants me to…", "my bank card is frozen, they say…": the resident is not pasting the
scammer's message, they are telling us what is being done to them, often while it is still going
on. `assess_narrative` says whether a message is such an account; the chat then warns before it
answers anything else (actions/knowledge.py), the same way for a pasted message (service.check).

Three things together make an account of a scam in progress: someone else is doing something to
the resident (a call, a message, "they say"); they want money, a code or an action from them;
and what they say has the shape of a known fraud (the check's rules and model, or one of the
classic stories below). A question about fraud in general ("what if someone asks me to
transfer…") is not an account and goes to the knowledge base.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.language import Language, for_reply
from bot.scams import rules
from bot.scams.service import Risk, ScamCheck, check

_SOMEONE = re.compile(
    r"(?i)有人|有个人|有一个人|一个(男|女)的?|陌生人?|对方|他们|她们|自称|冒充|说是|号称|一个号码|"
    r"(打|来|拨)了?.{0,3}电话|电话(里|打来|那头)|来电|(发|来)了?.{0,3}(短信|信息|消息|微信|链接)|微信上|qq上|视频(里|通话)|加我|加了我|"
    r"(短信|信息|消息|邮件|通知)(上|里)?(说|称)|网上认识|网友|相亲|婚恋|交友|(男|女)朋友|"
    r"\b(messaged|texted|called|rang|emailed|contacted|dm'?d) me\b|\bi (got|received) an? (text|message|call|email)\b|\bmet (him|her|them|someone|a \w+) online\b|\b(a|an) \w+ i met online\b|"
    r"\b(courier|delivery|bank|company|agent|officer|caller)\b.{0,20}\b(called|rang|texted|messaged|emailed)\b|"
    r"\b(someone|somebody|a (man|woman|guy|lady|person|caller|stranger)|a (text|message|call)|they|he|she)\b.{0,40}"
    r"\b(call(ed|s|ing)?|rang|phon(ed|es)|text(ed|s)?|messag(ed|es)|email(ed|s)?|contact(ed|s)|says?|said|told|tells|wants?|asked|asks|is asking|keeps)\b|"
    r"\bon (wechat|whatsapp|the phone|facebook|telegram|messenger)\b|\bthey say\b"
)
_WANTS = re.compile(
    r"(?i)(让|叫|要|逼|催|喊)我|要求我|让.{0,4}(转|汇|打|付|交|买|借|下载|说|报|告诉)|"
    r"转(账|钱|款|给|到)|汇(款|钱)|打(钱|款)|转.{0,4}(万|千|百|块)|(交|付).{0,6}(钱|费|款|保证金)|验证码|密码|卡号|安全账户|"
    r"共享屏幕|屏幕共享|下载.{0,6}(app|软件)|买.{0,4}(卡|礼品卡|购物卡)|点.{0,4}链接|"
    r"打.{0,6}(万|千|块|钱)|(交|付|缴).{0,8}(税|手续费|保证金|解冻费|保管费)|借钱|(投|充)钱|"
    r"\b(send|pay|transfer|wire) (me |him |her |them )?[$£¥]?\d|\bpay (the |a )?(tax|fee|customs)\b|\bshare (my |the |their )?screen\b|"
    r"\bput (my )?money\b|\binvest\b|\basking me (to|for)\b|"
    r"\b(wants?|asked|asks|told|telling|tells|asking|pressur\w+) (me|us|my \w+) (to|for)\b|"
    r"\b(transfer|wire|send|pay|move)\b.{0,30}(money|cash|funds|savings|\$|£|¥|yuan|rmb|dollars|pounds)|"
    r"\bgift ?cards?\b|\b(verification |security |one-time )?code\b|\bpassword\b|\bcard (number|details)\b|"
    r"\bsafe account\b|\b(install|download) (an|the|this) app\b|\bshare (my|the) screen\b"
)
# The classic stories, in case the wording is the resident's own and the rules miss it.
_STORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "fraud_boss",
        re.compile(
            r"(?i)(孙子|孙女|外孙|儿子|女儿|侄子|外甥|老伴|亲戚|朋友|同学|领导|老板).{0,12}(出车祸|车祸|撞了人|住院|受伤|打伤|打了人|被抓|被拘留|出事|急用钱|急需钱|要钱)|"
            r"(说是|自称|冒充|假装).{0,3}(我的?|你的?)?(领导|老板|经理|书记|局长|同学|亲戚|朋友|儿子|孙子|女儿|外甥|侄子)|"
            r"绑架|赎金|撕票|\b(kidnapp\w*|ransom)\b|"
            r"(领导|处长|科长|局长|老板|经理|主任|书记).{0,24}(账户|转|打|垫付|汇)|换了?.{0,4}新?(微信|号码|手机号|qq)|"
            r"\b(new number|new phone|from a new)\b|"
            r"\b(grandson|granddaughter|son|daughter|nephew|niece|grandchild|boss|friend)\b.{0,40}"
            r"\b(accident|hospital|arrested|jail|bail|trouble|hurt|injured|needs money)\b"
        ),
    ),
    (
        "fraud_police",
        re.compile(
            r"(?i)(公安|警察|警官|法院|检察院|派出所).{0,20}(涉嫌|洗钱|犯罪|通缉|逮捕|调查|安全账户)|安全账户|洗钱|\b(safe account|money laundering)\b|"
            r"\b(police|officer|court|prosecutor)\b.{0,40}\b(money laundering|arrest|warrant|investigation|suspect|safe account)\b"
        ),
    ),
    (
        "fraud_romance",
        re.compile(
            r"(?i)(网上认识|网恋|相亲|婚恋|交友|网友|(男|女)朋友|对象).{0,24}(借钱|投钱|充钱|投资|平台|转账|稳赚|赚钱|回不来)|"
            r"\b(met online|dating|i met online|online (boy|girl)friend)\b.{0,60}\b(invest\w*|crypto|money|send|gift ?cards?|platform)\b"
        ),
    ),
    (
        "fraud_cs",
        re.compile(
            r"(?i)(快递|包裹|客服|商家|网店).{0,24}(理赔|退款|赔偿|赔付)|"
            r"\b(courier|delivery|parcel|package|refund)\b.{0,80}\b(share (my |the )?screen|refund|compensat\w+)\b"
        ),
    ),
    (
        "fraud_phishing",
        re.compile(
            r"(?i)中(了|奖).{0,24}(先|要|得).{0,6}(交|缴|付).{0,8}(税|费|保证金)|"
            r"\bwon\b.{0,60}\b(pay|tax|fee)\b|"
            r"\b(electricity|power|gas|water)\b.{0,60}\b(cut|disconnect\w*|shut)\b.{0,60}\b(pay|gift ?cards?)\b|"
            r"(银行卡|账户|账号|卡).{0,6}(被)?(冻结|异常|锁定|停用)|"
            r"\b(bank )?(card|account)\b.{0,20}\b(frozen|locked|suspended|blocked|compromised)\b"
        ),
    ),
)
# General questions about fraud, not an account of one.
_HYPOTHETICAL = re.compile(
    r"(?i)如果|假如|万一|要是有人|怎么(防|识别|预防|辨别)|如何(防|识别|预防|辨别)|有哪些|是什么|什么是|"
    r"\bif (someone|somebody|a)\b|\bwhat if\b|\bhow (do|can|should|to) (i |we |you )?(spot|avoid|recogni[sz]e|prevent|tell)\b|\bwhat (is|are)\b"
)


def assess_narrative(text: str, *, language: Language | None = None) -> ScamCheck | None:
    """The check of a resident's own account of a scam in progress, always high risk and with a
    fraud type where one can be told; None when the text is not such an account."""
    stripped = text.strip()
    if len(stripped) < 8 or _HYPOTHETICAL.search(stripped):
        return None
    readable = rules.normalise(stripped).lower()
    if not _SOMEONE.search(readable) or not _WANTS.search(readable):
        return None
    result = check(stripped, language=language)
    story = next((key for key, pattern in _STORIES if pattern.search(readable)), None)
    if result.risk is Risk.LOW and result.fraud_type is None and story is None:
        return None
    fraud_type = result.fraud_type or story
    known = rules.BY_KEY.get(fraud_type) if fraud_type else None
    label = result.fraud_type_label
    if label is None and known is not None:
        # Named in the conversation's language by the same path as the check does it.
        label = _label(known, result.language)
    advice = result.advice if result.risk is not Risk.LOW else _advice(known, result.language)
    # `score` stays the check's probability for the text as a message; the risk is the account's.
    return replace(result, risk=Risk.HIGH, fraud_type=fraud_type, fraud_type_label=label, advice=advice)


def _advice(known: rules.FraudType | None, language: Language) -> str:
    if language is Language.ENGLISH:
        return f"{known.advice_en} {rules.GENERAL_ADVICE_EN}" if known else rules.GENERAL_ADVICE_EN
    advice = f"{known.advice_zh}{rules.GENERAL_ADVICE_ZH}" if known else rules.GENERAL_ADVICE_ZH
    return for_reply(advice, language) if language is Language.TRADITIONAL else advice


def _label(known: rules.FraudType, language: Language) -> str:
    if language is Language.ENGLISH:
        return known.en
    return for_reply(known.zh, language) if language is Language.TRADITIONAL else known.zh
