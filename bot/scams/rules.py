# ruff: noqa: E501  (a table of patterns and texts: one sign per line reads better than wrapped strings)
"""Warning signs of fraud, per fraud type and general, as transparent rules.

Written in our own words from official public guidance: the Ministry of Public Security's common
telecom-fraud types and its anti-fraud advice (公安部反诈宣传提示), the six kinds of 养老诈骗 of the
national campaign against elder fraud (打击整治养老诈骗专项行动), and the duties the
反电信网络诈骗法 puts on banks and telecom operators (which is why a genuine bank never asks for
a code or a transfer to a "safe account"). Type keys are the knowledge base's retrieval keys
(domain/knowledge_answers.yml: utter_faq/<key>), so a check can point to the matching answer.

A sign is a regular expression over the text converted to Simplified Chinese and lower case, with
a weight: how strongly it alone suggests fraud. Weights combine as independent evidence
(1 - Π(1 - w)); the thresholds and weights were tuned on the development split of
bench/scam_eval only (docs/scams.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.language import to_simplified


@dataclass(frozen=True)
class Sign:
    key: str
    zh: str  # what the sign is, shown to the resident
    en: str
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class FraudType:
    key: str  # the knowledge base's retrieval key
    zh: str
    en: str
    signs: tuple[Sign, ...]
    advice_zh: str
    advice_en: str


def _sign(key: str, zh: str, en: str, pattern: str, weight: float) -> Sign:
    return Sign(key, zh, en, re.compile(pattern, re.IGNORECASE), weight)


# -- general signs: any fraud type -------------------------------------------------------------

GENERAL: tuple[Sign, ...] = (
    _sign(
        "safe_account",
        "要求把钱转到“安全账户”",
        'asks you to move money to a "safe account"',
        r"安全账户|安全賬戶|safe account|secure account|核查账户|监管账户|资金清查",
        0.85,
    ),
    _sign(
        "code_request",
        "索要验证码",
        "asks for a verification code",
        r"(告诉|提供|发给|发送给|报给|念给|转发给|回复)(我|我们|客服|工作人员|本人|对方)?.{0,8}(验证码|校验码|动态码)"
        r"|(验证码|校验码|动态码).{0,12}(告诉|提供给|发给|报给|念给|转发给|回复给)(我|我们|客服|工作人员)"
        r"|(send|tell|give|forward|read)( me| us)?( the| your)? (\d-digit )?(verification |security |sms )?code"
        r"|code (you|that) (just )?(received|got)",
        0.75,
    ),
    _sign(
        "screen_share",
        "要求共享屏幕或开视频会议",
        "asks you to share your screen or join a video meeting",
        r"屏幕共享|共享屏幕|开启共享|共享.{0,4}屏幕|screen ?shar",
        0.7,
    ),
    _sign(
        "meeting_app",
        "要求下载会议软件、进会议室",
        "asks you to install a meeting app or join a meeting",
        r"会议软件|视频会议|腾讯会议|会议号|会议室号|zoom meeting|join (a|the) meeting",
        0.3,
    ),
    _sign(
        "borrow_to_pay",
        "让您从借呗、花呗、备用金等借钱或操作零钱",
        "asks you to borrow from credit apps or move your balance",
        r"借呗|花呗|微粒贷|备用金|零钱通|金条|白条|贷款app.{0,6}(钱|额度)|(额度|钱).{0,6}(提|取|贷)出来",
        0.5,
    ),
    _sign(
        "advance_fee",
        "先交钱才能拿钱（手续费、保证金、解冻费等）",
        'you must pay first to get money (a fee, deposit or "unfreezing" charge)',
        r"手续费|保证金|解冻费|解冻金|激活费|工本费|验资|刷流水|认证费|税费|个人所得税|会员费|服务费|入会费|办理费|"
        r"(?<!我)先(交|付|缴|充|垫|转)|每人(交|缴)|预付|预交|预存|垫付|付全款|一次(性)?(预)?(交|付|缴)|upfront|in advance|processing fee|deposit|unfreez|activation fee|pay (a |the )?fee",
        0.4,
    ),
    _sign(
        "transfer",
        "要求转账、汇款或充值",
        "asks you to transfer, remit or top up money",
        r"转账|汇款|打款|转到|转入|转给|打到|充值|付款|扫码支付|扫码付|收款码|转.{0,6}(到|给|进)(这|对方|指定|我)|指定账户|汇.{0,8}(到|给|至)|往.{0,8}(里面|账户|账号|卡里?).{0,2}转|(转|打|汇).{0,2}(两|几|\d).{0,3}(万|千|百)?(块|元)?钱|(转|打|汇).{0,4}\d+.{0,2}(欧|美元|美金|英镑|块|元).{0,2}(过来|给我)|借(我|给我).{0,6}(钱|万|千|百|块)|transfer|wire|remit|top ?up|send (the )?money|pay (now|me|us|into)|gift ?cards?",
        0.3,
    ),
    _sign(
        "secrecy",
        "让您保密，别告诉家人或银行",
        "tells you to keep it secret from family or the bank",
        r"不要告诉|别告诉|不能告诉|不得告诉|不要跟.{0,6}说|别跟.{0,6}说|保密|不要声张|不要挂断|不要挂电话|"
        r"don'?t tell|do not tell|keep (this|it) (secret|confidential)|don'?t hang up",
        0.5,
    ),
    _sign(
        "guaranteed_profit",
        "保证赚钱、稳赚不赔",
        "promises sure profit with no risk",
        r"稳赚|保本|零风险|无风险|稳赢|只赚不赔|稳定盈利|包赚|收益翻倍|翻倍|日收益\d+(\.\d+)?%|日赚|投.{0,4}(万|千).{0,8}(回|赚|挣)|principal returned|guaranteed (profit|return|income)|risk[- ]free|double your",
        0.5,
    ),
    _sign(
        "prize",
        "说您中奖或被选中领钱领物",
        "says you won a prize or were chosen to receive money",
        r"中奖|恭喜您获得|抽中|幸运用户|幸运观众|领取奖品|you (have )?won|congratulations.{0,20}(won|selected|prize)|claim your (prize|reward)|\b(u|you'?ve|you have|ur) (been )?(won|awarded|gifted)\b|lucky (draw|winners?)|(lottery|sweepstakes?) (winner|prize|program|draw)|won the (lottery|sum|draw)|winner of",
        0.45,
    ),
    _sign(
        "private_contact",
        "要求加私人微信、QQ或下载陌生APP",
        "asks you to add a private chat account or install an unknown app",
        r"加.{0,4}(微信|vx|v信|qq|企业微信)|添加.{0,6}(微信|qq|好友)|下载.{0,10}(app|软件|客户端)|"
        r"安装.{0,6}(app|软件)|私聊|add (me )?on (wechat|whatsapp|telegram|qq)|(contact|message|text|chat with|reach) (us|me|our \w+) on (whatsapp|telegram|wechat|signal)|download (the|this|our) app|install (the|this|our) app|chat\.whatsapp\.com|wa\.me/|whatsapp://|t\.me/",
        0.3,
    ),
    _sign(
        "card_details",
        "索要银行卡号、密码或身份证信息",
        "asks for your card number, password or ID details",
        r"银行卡号|卡号.{0,4}密码|密码.{0,4}(告诉|提供|发)|身份证.{0,4}(照片|正反面|号码发)|cvv|card number|pin code|your password",
        0.45,
    ),
    _sign(
        "call_back",
        "要您回拨陌生号码",
        "asks you to call back a number it gives",
        r"请回拨|回拨.{0,6}(电话|号码|\d)|call (us )?back (at|on)|\b(call|contact|ring|phone)( us| our [\w/ -]{1,20})?( now| today| free| immediately)?( on| at)? ?[:#]? ?\+?\d[\d -]{8,}\d",
        0.3,
    ),
    _sign(
        "urgency",
        "催您马上办，不给时间核实",
        "pushes you to act at once, with no time to check",
        r"立即|立刻|马上|尽快|赶紧|24小时内|今天之内|今日内|限时|逾期将|否则|过期作废|urgent|immediately|right now|within 24 hours|as soon as possible|asap|(immediate|urgent) action|action (is )?required|expir(es|ing) (soon|today|in \d+)|ends in \d+ (hours|minutes)",
        0.15,
    ),
)

# A genuine notice says "never tell anyone the code"; a scam asks for it. These lower the score.
REASSURING = re.compile(
    r"请勿(泄露|告知|转发|透露|提供)|切勿(泄露|告知|转发|透露)|不要(泄露|透露|转发)给|"
    r"(不会|绝不会|从不).{0,8}(索要|索取|要求您?提供|要求.{0,4}转账|电话索要)|谨防|如非本人操作|"
    r"(都|均)(是|为)诈骗|请勿轻信|冒充.{0,12}(要求|加微信)|一律.{0,6}核实|不收(取)?任何费用|"
    r"(到|去|携带.{0,8}到).{0,10}(窗口|服务中心|营业厅|网点|村委会|社区|门店|前台).{0,6}(领取|办理|咨询|签字)|当面咨询|"
    r"do not share (this|the) code|never (ask|share)|don'?t share|(call|ring) the number on the back of (your|the) card|no action is (needed|required)",
    re.IGNORECASE,
)
REASSURING_FACTOR = 0.35

# An operator's or a shop's own promotion (thanks for your loyalty, a package, data, a discount,
# points to redeem, a coupon, a show flat): the most common ordinary message that still talks of
# money, links and prizes. What it offers, not its 【sender】 signature or opt-out line (a fake one
# costs a scammer nothing). Two or more of these lower the rules' score, and three or more keep the
# model alone from flagging the text (service.PROMOTION_GUARD), unless a sign no promotion carries
# stands beside them (`against_promotion`).
PROMOTION = re.compile(
    r"感谢您(一直以来)?(对|的)|回馈|答谢|酬宾|感恩|优惠|促销|特惠|特价|折扣|打折|折起|[0-9八九七六五]折|折上折|半价|买一送一|买.送.|"
    r"满\d*(元)?(减|送|赠)|套餐|流量|话费|营业厅|会员|积分|兑换|优惠券|代金券|礼券|购物卡|红包|券|包邮|上新|新品|新款|旗舰店|专柜|专场|"
    r"门店|到店|进店|店内|本店|店庆|周年庆|大促|秒杀|抢购|预售|团购|开业|开盘|楼盘|售楼|样板间|首付|房源|户型|"
    r"欢迎(光临|选购|咨询|致电|莅临|前来)|敬请(关注|光临)|期待您的(光临|到来)|莅临|选购|热销|爆款|年货|"
    r"我们(很高兴|特别|特地|隆重|诚挚)|(特别|特地|隆重)推出|(活动|优惠)(即将|正在|火热)|活动(期间|时间|详情|地址)|名额有限|先到先得|数量有限|"
    r"详(情)?(请)?(咨询|致电|询|见)|"
    r"彩铃|铃声|铃音|大?礼包|惊喜|客户端|公众号|掌厅|掌上营业厅|资费|喜迎|节日?快乐|购房|买房|精装房?|学区房|旺铺|按揭|美容|养生馆|会所|疗程|健身|"
    r"\b(sale|% off|discount|offer ends|new collection|opening hours|store|shop now|free delivery|membership points)\b",
    re.IGNORECASE,
)
PROMOTION_FACTOR = 0.45
PROMOTION_CAP = 4


def promotion(text: str) -> float:
    """How much the (normalised) text reads as a shop's or an operator's promotion: the distinct
    promotional phrases in it, up to PROMOTION_CAP, as a share of that cap (0..1)."""
    return min(len({m.group(0) for m in PROMOTION.finditer(text)}), PROMOTION_CAP) / PROMOTION_CAP


STRONG_SIGNS = frozenset({"safe_account", "code_request", "screen_share", "secrecy", "card_details"})
# What a phishing sign asks for that a shop's or an operator's promotion never does: to verify,
# log in to fix, unlock or fill in details, or to pay a fee; a prize "won" rather than a gift on
# offer. A promotion's own "点击链接领取" / "下载客户端领取" (tap to claim the data, the coupon) is
# not it: those are the plainest words of real operator and shop marketing.
_PHISHING_ASKS = re.compile(r"验证|认证|更新|激活|解冻|填写|核实|补交|补缴|中奖|抽中")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Adding someone's private chat account (a refund through a "客服" QQ) is never a promotion's;
# downloading the operator's or the shop's own app is (the same sign, other words).
_PRIVATE_CHAT = re.compile(r"微信|vx|v信|qq|好友|私聊|whatsapp|telegram|signal|wechat")


def against_promotion(hit: Hit) -> bool:
    """A sign a shop's promotion does not carry: a strong one, a private chat account (a refund
    through someone's QQ), or phishing's own (an account, points or a card "expiring", a parcel
    held, a fine unpaid, a link that wants details or a prize "won")."""
    if hit.sign.key in STRONG_SIGNS:
        return True
    if hit.sign.key == "private_contact":
        return not hit.matched or bool(_PRIVATE_CHAT.search(hit.matched))
    if hit.fraud_type != "fraud_phishing":
        return False
    if hit.sign.key in {"fraud_phishing.1", "fraud_phishing.4"} and hit.matched:
        # (English phishing is judged as before: the promotion phrases are Chinese ones.)
        return not _HAN.search(hit.matched) or bool(_PHISHING_ASKS.search(hit.matched))
    return True


def _type(
    key: str, zh: str, en: str, advice_zh: str, advice_en: str, signs: Iterable[tuple[str, str, str, float]]
) -> FraudType:
    return FraudType(
        key,
        zh,
        en,
        tuple(
            _sign(f"{key}.{n}", s_zh, s_en, pattern, w) for n, (s_zh, s_en, pattern, w) in enumerate(signs)
        ),
        advice_zh,
        advice_en,
    )


FRAUD_TYPES: tuple[FraudType, ...] = (
    _type(
        "fraud_brush",
        "刷单返利诈骗",
        "paid-task and order-brushing scam",
        "凡是要先垫钱的刷单、做任务、返利都是诈骗，刷单本身也违法。不垫钱，不下载对方给的APP。",
        "Any task, order-brushing or rebate job that asks you to pay first is a scam, and order brushing is itself illegal. Pay nothing and install no app they send.",
        [
            (
                "刷单、做任务赚佣金",
                "paid tasks or fake orders for commission",
                r"刷单|刷信誉|刷好评|写好评|好评返现|截图发我|做任务|小任务|任务单|派单|接单|抢单|连单|卡单|task|order brushing|fake orders?",
                0.55,
            ),
            (
                "点赞关注就给钱",
                "money for likes and follows",
                r"点赞|关注.{0,10}(返|佣金|元|块)|(返|佣金).{0,10}点赞|like.{0,20}(video|post).{0,30}(earn|paid|\$|yuan|rmb)|follow.{0,20}(earn|paid)",
                0.55,
            ),
            (
                "返利、返佣、高额佣金",
                "rebates or high commission",
                r"返利|返佣|返现|返还本金|佣金|提成|commission|rebate|cashback",
                0.35,
            ),
            (
                "轻松兼职、日结高薪",
                "easy part-time work with daily high pay",
                r"兼职|日结|足不出户|在家.{0,4}(赚|挣)|动动手指|宝妈|学生党|part[- ]time|work from home|easy money|per day|remote (job|work)|earn \$?\d|like and review|review products|rating tasks|(simple|easy) tasks",
                0.3,
            ),
        ],
    ),
    _type(
        "fraud_invest",
        "虚假投资理财诈骗",
        "fake investment scam",
        "“老师”“导师”带投资、内部消息、保本高收益都是危险信号；只在正规持牌机构投资，不在对方给的平台或APP上投钱。",
        'A "teacher" or "mentor" with insider tips and sure high returns is a warning sign. Invest only through licensed institutions, never on a platform or app they send.',
        [
            (
                "“老师”“导师”带着投资",
                'a "teacher" or "mentor" leads your investing',
                r"导师|老师带|带单|喊单|胜率|带你(炒|投|赚)|助理|荐股|分析师|牛股|涨停|mentor|teacher|analyst|signals",
                0.45,
            ),
            (
                "内部消息、内幕",
                "insider tips",
                r"内部消息|内幕|内部渠道|原始股|庄家|主力|insider|inside information",
                0.5,
            ),
            (
                "股票、虚拟货币、外汇等高收益投资",
                "stocks, crypto or forex with high returns",
                r"股票|炒股|虚拟币|虚拟货币|数字货币|比特币|usdt|期货|外汇|挖矿|区块链|开户|体验金|赠金|入金|理财产品|收益率|年化|crypto|bitcoin|forex|stock|trading platform|investment",
                0.4,
            ),
            (
                "提现要先交税或保证金",
                "tax or a deposit before you can withdraw",
                r"(提现|出金|取出).{0,12}(税|保证金|手续费|解冻|审核)|withdraw.{0,30}(tax|fee|deposit)",
                0.6,
            ),
            (
                "投资群、理财群",
                "an investment chat group",
                r"(股票|投资|理财|炒股|交流)群|vip群|group chat.{0,20}(stock|invest)|(btc|bitcoin|crypto|stock|investment|analysis|discussion|internal)\W{0,2} (analysis |discussion |sharing |information )*group",
                0.35,
            ),
        ],
    ),
    _type(
        "fraud_loan",
        "虚假网络贷款诈骗",
        "fake online loan scam",
        "正规贷款放款前不收任何费用；“无抵押、不看征信、秒到账”和放款前收费都是骗局。贷款只找正规银行和持牌机构。",
        'A genuine loan never charges anything before it is paid out; "no collateral, no credit check, instant cash" and fees before the loan are a scam. Borrow only from banks and licensed lenders.',
        [
            (
                "无抵押、不看征信、秒批秒到",
                "no collateral, no credit check, instant approval",
                r"无抵押|免抵押|无需抵押|低息|提额|无视征信|不看征信|不查征信|黑户|秒批|秒到|秒下款|快速放款|no credit check|instant (loan|approval|cash)|bad credit ok",
                0.55,
            ),
            (
                "放款前要求交钱（解冻、验资、保证金）",
                "money demanded before the loan is paid out",
                r"(放款|下款|到账|贷款|提额).{0,30}(解冻|验资|保证金|手续费|工本费|流水|会员|保险费)|(冻结|激活|工本费|解冻|验资|流水|卡号(填)?错).{0,20}(放款|下款|贷款)|before (the )?(loan|payout)|release the funds",
                0.65,
            ),
            (
                "自称银行贷款专员主动找您",
                'a bank "loan officer" contacts you out of the blue',
                r"贷款专员|信贷(经理|专员)|贷款(顾问|经理|客服)|(银行|金融).{0,8}(客服|工作人员).{0,20}(贷款|借款|额度)|loan (officer|agent|specialist)",
                0.4,
            ),
            (
                "贷款额度已批",
                'a loan "approved" for you',
                r"贷款|借款|网贷|额度|放款|下款|loan|credit line",
                0.35,
            ),
        ],
    ),
    _type(
        "fraud_cs",
        "冒充电商物流客服诈骗",
        "fake online-shop or courier customer-service scam",
        "快递丢失理赔、商品质量问题退款，都要在购物平台的官方APP里办；不点对方发的链接，不按对方指挥操作转账。",
        "Lost-parcel claims and refunds go through the shopping platform's own app. Do not open their link and do not move money as they tell you.",
        [
            (
                "自称电商、快递客服",
                "claims to be shop or courier customer service",
                r"客服|售后|淘宝|京东|拼多多|抖音|快手|美团|快递|顺丰|中通|圆通|韵达|物流|理赔专员|customer service|courier|taobao|jd\.com|parcel",
                0.3,
            ),
            (
                "快递丢失、理赔、双倍赔偿",
                "a lost parcel, a claim or double compensation",
                r"(快递|包裹|货物).{0,8}(丢失|遗失|损坏|破损)|理赔|双倍赔偿|三倍赔偿|赔付|parcel.{0,20}(lost|damaged)|compensation|claim",
                0.55,
            ),
            (
                "商品问题退款",
                "a refund for a faulty product",
                r"退款|退货|召回|质量问题|甲醛|不合格|refund|recall",
                0.45,
            ),
            (
                "取消会员、关闭服务，否则扣费",
                "cancel a membership or service or be charged",
                r"(取消|关闭|解除).{0,8}(会员|服务|功能|代理|百万保障|自动续费|扣费)|自动扣费|每月.{0,4}扣|代理商|百万保障|auto[- ]?renew|cancel.{0,20}(membership|subscription)",
                0.55,
            ),
        ],
    ),
    _type(
        "fraud_police",
        "冒充公检法诈骗",
        "fake police, prosecutor or court scam",
        "公安、检察院、法院不会通过电话或网络办案，不会发“逮捕令”“通缉令”，更没有“安全账户”。挂断电话，自己拨打110核实。",
        'The police, prosecutors and courts never handle a case by phone or online, never send a "warrant" by message and have no "safe account". Hang up and call 110 yourself.',
        [
            (
                "自称公安、检察院、法院",
                "claims to be police, prosecutors or a court",
                r"公安局|公安机关|派出所|刑侦|警官|民警|检察院|检察官|法院|法官|公检法|防疫办|疾控中心|卫健委|移民局|税务局|通信管理局|海关|police|officer|prosecutor|court|customs|immigration|tax office|irs\b|hmrc",
                0.45,
            ),
            (
                "说您涉嫌犯罪",
                "says you are suspected of a crime",
                r"涉嫌|洗钱|涉案|犯罪|案件|通缉|逮捕|拘留|协助调查|配合调查|身份(信息|证)?.{0,6}(被冒用|被盗用|泄露|涉及)|密接|密切接触|红码|黄码|集中隔离|money laundering|suspect|arrest|warrant|investigation|criminal|identity (theft|stolen|compromised)",
                0.5,
            ),
            (
                "发“通缉令”“逮捕令”或案件编号",
                'sends a "warrant" or a case number',
                r"通缉令|逮捕令|拘捕令|冻结令|案件编号|案号|警官证|arrest warrant|case number",
                0.55,
            ),
        ],
    ),
    _type(
        "fraud_credit",
        "虚假征信诈骗",
        "fake credit-record scam",
        "征信记录谁也不能花钱“消除”“修复”，注销校园贷也不用转钱。征信问题请到中国人民银行征信中心或正规银行网点查询。",
        'No one can "erase" or "repair" a credit record for money, and closing a student-loan account needs no transfer. Ask the People\'s Bank of China credit centre or your bank branch.',
        [
            (
                "说您征信有问题",
                "says your credit record is at risk",
                r"征信|信用记录|信用分|不良记录|credit (record|score|report|history)",
                0.5,
            ),
            (
                "注销校园贷、学生账户",
                "close a student-loan account",
                r"校园贷|学生(贷|账户|身份)|注销.{0,8}(账户|贷|金融|白条|借呗|微粒贷)|student loan",
                0.55,
            ),
            (
                "消除、修复记录",
                "erase or repair a record",
                r"(消除|修复|清除|洗白|删除).{0,6}(记录|征信|逾期)|逾期记录|remove.{0,20}record|repair.{0,10}credit",
                0.55,
            ),
        ],
    ),
    _type(
        "fraud_shopping",
        "虚假购物服务诈骗",
        "fake shopping or service scam",
        "远低于市价的商品、私下交易、先付定金，都是骗局常见套路。只在正规平台下单，不要绕开平台转账。",
        "Goods far below market price, private deals and deposits up front are common tricks. Buy only on proper platforms and never pay outside them.",
        [
            (
                "价格远低于市价",
                "prices far below market",
                r"超低价|低价|特价|内部价|内部渠道|原价.{0,10}现价|几折|清仓|甩卖|跳楼价|白菜价|原单|高仿|罚没|未拆封|便宜.{0,4}(一半|\d)|仅需|cheap|discount|\d+% off|clearance",
                0.4,
            ),
            (
                "私下交易、绕开平台",
                "a private deal off the platform",
                r"私下交易|走平台.{0,6}(贵|麻烦|手续费)|不走平台|(不要|别|不用)走.{0,4}(平台|闲鱼|淘宝)|直接.{0,4}转我|微信下单|加微信.{0,8}(买|下单|订)|off the platform|outside the (app|platform)",
                0.55,
            ),
            (
                "先付定金、预付款",
                "a deposit or prepayment first",
                r"定金|订金|预付|先付|付全款|先付款|代购|门票|演唱会|抢票|(火车|车|机)票|名额|presale|pre-order|tickets?",
                0.4,
            ),
        ],
    ),
    _type(
        "fraud_boss",
        "冒充领导、熟人诈骗",
        "fake boss or acquaintance scam",
        "“领导”“熟人”换了新号码找您借钱或让您转账，一定要打对方原来的电话或当面核实，核实前一分钱也不转。",
        'A "boss" or "friend" with a new number asking for money: call their old number or see them in person first, and transfer nothing until you have.',
        [
            (
                "自称领导、老板、熟人",
                "claims to be your boss, a relative or an old friend",
                r"(我是|作为)(你|您)?.{0,4}(领导|老板|经理|主任|局长|书记|老同学|同学|表哥|表姐|表弟|表妹|舅舅|叔叔|阿姨|朋友|老乡|亲戚|儿子|女儿|孙子|孙女|外孙|外甥|侄子|侄女|同事|老师|班主任)|我是.{0,6}(局长|主任|书记|领导|老板|[李王张刘陈杨赵黄周吴]总)|我是(你|您)的?亲?(哥哥?|姐姐?|弟弟?|妹妹?)|[\u4e00-\u9fff]总(已经|让|叫|安排|说|不方便|交代)|猜猜我是谁|听不出我的?声音|是我啊|老领导|(爷爷|奶奶|外公|外婆|姥姥|姥爷|爸|妈)[，,]?(是我|您好|你好)|this is your (boss|manager|nephew|niece|son|daughter|grandson|granddaughter|friend)|(hi|hello),? (mum|mom|dad|grandma|grandpa)|guess who",
                0.55,
            ),
            (
                "换了新号码、新微信",
                "a new number or account",
                r"换.{0,2}号|新号码|工作群|新手机号|这是我的新|新微信|旧号不用|手机(摔坏|丢了|坏了|没电|被偷)|这是(我)?(同学|朋友|别人)的(电话|手机)|new number|new account|changed my number|my (phone|old phone) (broke|is broken|was stolen|died)",
                0.45,
            ),
            (
                "急着借钱或让您代转",
                "urgently wants a loan or a transfer for them",
                r"急需|急用|借.{0,4}(钱|点|万|千)|帮我(转|垫|付|打)|先垫|周转|不方便(接|说话|打电话)|在开会|凑.{0,2}钱|筹集.{0,4}资金|资金不够|(帮|替)(我|忙).{0,8}(转|垫|付|汇|交|缴|代付|扫)|代(为|我)?.{0,2}(缴纳|支付|付款|转账|购买)|代付|先转(到|给)你|转(到|给)你.{0,20}(你|再).{0,4}(再|帮我)?(转|打|汇)(给|到|过去)|打.{0,6}到我.{0,2}(账户|卡)|扫.{0,6}二维码.{0,10}(帮|辅助|申诉|解封|验证)|(账上|账户).{0,6}(可用)?余额.{0,8}(截图|汇报|报给)|手头(有点|比较)?紧|经济(上)?的?困难|资金支持|(周转|应急|救急)一下|lend me|need money|help me (pay|transfer)|(pay|cover) (a|the|this|my) (bill|invoice) for me|can you (pay|send|transfer|lend)|in a meeting|can'?t talk",
                0.5,
            ),
            (
                "说亲友出了事（车祸、受伤、被抓、打了人）急需钱",
                "says a relative or friend is in trouble (an accident, hurt, arrested) and needs money",
                r"出车祸|车祸|撞了人|赔钱才能|才能出来|不让我走|撞伤|住院|受伤|打伤|打了人|把人.{0,4}(打|撞)|被抓|被.{0,6}抓了|被拘留|拘留所|出事了|私了|赔偿金|医药费|医疗费|手术费|保释|打点关系|(钱|手机|钱包).{0,4}(被偷|丢了|被抢)|"
                r"(帮|替|代|协助)(我|忙)?.{0,6}(买|订|付|购买).{0,8}机票|(回国|签证|国外|海外).{0,30}机票|机票.{0,20}(回国|签证)|加.{0,8}(航空公司|客服|经理).{0,6}(微信|好友|qq)|"
                r"(accident|in hospital|arrested|in jail|police station|bail|in trouble|lost my (phone|wallet)).{0,120}(money|pay|send|transfer|wire|need|gift ?cards?)",
                0.55,
            ),
            (
                "许诺马上还钱、报销或酬谢",
                "promises to pay you back, reimburse or reward you",
                r"(尽快|马上|明天|回头|过几天|有钱了|发工资).{0,8}(还给?你|还您|还钱|还上)|(还给?你|还您).{0,4}(钱|款)|报销|事成之后|给你.{0,4}(酬谢|好处费)|pay you back|return the money|reimburse",
                0.45,
            ),
            (
                "陌生“单位负责人”“采购”要下大单、订货",
                "a stranger claiming to buy for an organisation places a large order",
                r"(我是|作为|这里是|我们是).{0,16}(采购|负责人|主管|项目经理|工地|消防|部队|中建|中铁|小学|中学|学校|幼儿园|医院|单位).{0,60}(订购|采购|计划购买|需要购买|订一批|买一批|购买一批|需要一批|需要一些物资|批量|大量|一批.{0,8}(物资|材料|钢材|货|酒|烟|餐))",
                0.45,
            ),
            (
                "“老师”发来孩子的成绩、表现，让家长点链接",
                'a "teacher" sends a child\'s report and asks the parent to open a link',
                r"(家长|学校|老师|班主任).{0,40}(孩子|小孩|学生).{0,40}(表现|成绩|报告|评定|评估|课程安排|考核).{0,60}(http|www|链接|网址|t\.cn|查看|查阅|打开)",
                0.5,
            ),
        ],
    ),
    _type(
        "fraud_phishing",
        "仿冒通知钓鱼诈骗",
        "phishing message: a fake account, parcel, toll or prize notice",
        "银行、快递、运营商、交管的真通知不会让您点短信里的链接去“验证”“解冻”“补交运费”或填卡号密码；要查就自己打开官方APP或拨打官方电话。",
        "Real banks, couriers, phone companies and toll or tax offices never send you a link to verify, unlock, pay a small fee or enter your card details. Check in their official app or on a number you already know.",
        [
            (
                "说您的账户异常、被冻结或将被停用",
                "says your account is locked, suspended or about to be closed",
                r"(账户|账号|银行卡|卡片|信用卡|社保卡|医保卡|etc|积分).{0,10}(异常|冻结|锁定|停用|注销|过期|失效|受限|到期|清零|作废)|"
                r"(account|card|debit|profile|access|mailbox|password|subscription|benefits?).{0,30}(locked|suspended|restricted|disabled|on hold|compromised|blocked|barred|frozen|expired?|deactivat|limited|flagged)|unusual (activity|sign[- ]?in|login)|suspicious (activity|transaction|login)|(unauthori[sz]ed|fraudulent) (transaction|charge|purchase|access)|(charge|payment|transaction|purchase) of [$£€]?\d[\d,.]* (is |was )?(on hold|pending|declined)|not you\?|if (this|that|it) (wasn'?t|was not|is not|isn'?t) (you|made by you|attempted by you|authori[sz]ed)|if you (did ?n'?o?t|do not|don'?t) (make|made|authori[sz]e|perform|request|recogni[sz]e)|new (login|log-in|sign[- ]?in|ip address|device).{0,30}detected|(payment|charge|debit|purchase|transfer|pay) of [$£€]?\d[\d,.]* (has been|was|is) (made|charged|sent|on hold|pending)|(funds|payment|pay|benefits?|deposits?) (are |is )?(on hold|pending|failed|suspended)|failure in processing|(virus|malware|dangerous files?|infected)\b.{0,40}(phone|device|remove|clean)|(validation|verification) (is )?required|irregularit|problem (with )?billing|billing (problem|issue|error)|(apps?|files?)\b.{0,30}(breach|malicious|accessed your)|security breach|lost (iphone|phone|device)\b.{0,40}(locate|lock|connected)",
                0.5,
            ),
            (
                "让您点链接验证、登录或更新资料",
                "asks you to tap a link to verify, log in or update your details",
                r"(点击|登录|打开|访问|进入).{0,12}(链接|网址|网站|页面|http|www|[a-z0-9-]+\.[a-z]{2,}).{0,20}(验证|认证|更新|激活|解冻|领取|填写|核实|办理|申请|补交|补缴)|(验证|认证|更新|激活|解冻|领取|填写|核实).{0,10}(点击|登录|打开).{0,6}(链接|网址)|"
                r"(verify|confirm|update|validate|restore|reactivate|unlock|secure|review)( your)? .{0,25}(at|here|via|using|now|below|link|:)|(click|tap|visit|go to|log ?in)( on| to)?( the| this)? (link|here|url|website|site)|(click|tap) (below|here)|(update|fill in|confirm|correct|re-?enter) (the |your )?(missing |correct )?(address|delivery details|details|information|info|payment (details|method)|billing)|reply (yes|y|1) to",
                0.45,
            ),
            (
                "包裹无法投递、要补运费或改地址",
                "a parcel that cannot be delivered until you pay or update the address",
                r"(包裹|快递|快件|邮件).{0,16}(无法(投递|派送|配送)|地址(不详|有误|不完整)|滞留|退回|补(交|缴)|运费)|"
                r"(package|p.ackage|parcel|shipment|shipping|delivery|deliveries|order\b|carrier|courier|item|usps|ups|fedex|dhl|royal mail|evri|hermes|post).{0,60}(stopped|missed you|rebook|address format|waiting for you to|delivery preferences|invalid shipping|shipping (information|location)|not (been )?delivered|not detailed|recipient could not be found|undeliver|could not be delivered|cannot be delivered|unable to deliver|on hold|held|pending|incomplete address|incorrect (delivery )?address|house number|address (is )?(incomplete|invalid|wrong|incorrect)|redeliver|reschedule|(customs|shipping|delivery|redelivery) (fee|charge)|unpaid)|(incorrect|wrong|incomplete) (delivery )?address",
                0.55,
            ),
            (
                "欠费、罚款、退税要在线处理",
                "an unpaid toll, fine, bill or a tax refund to settle online",
                r"(etc|高速|通行费|违章|罚款|税务|退税|电费|水费|话费).{0,14}(欠费|逾期|未缴|待缴|退还|退款|补缴|处理).{0,20}(链接|网址|点击|登录)|"
                r"(unpaid|outstanding|overdue) (toll|bill|balance|invoice|fine|fee|charge)s?|toll (road|service|balance)|tax (refund|rebate|return)|refund (is )?(pending|due|available|of)|you are (eligible|entitled) (for|to) (a )?(refund|rebate|payment)|(money|funds|\$[\d,.]+) (may be |is |are )?(owed|due) to you|we (may )?owe you|(eligible|entitled) for compensation|unclaimed (funds|money|property|rewards?)|over-?charged",
                0.5,
            ),
            (
                "说您中奖、被抽中，点链接领取",
                "says you won or were chosen, and to claim through a link",
                r"(中奖|抽中|获得|领取).{0,20}(点击|登录|链接|网址)|"
                r"(won|winner|selected|chosen|awarded|eligible)\b.{0,60}(claim|collect|redeem|call|text|reply|visit|click)|claim (your|the) (prize|reward|gift|cash|voucher|bonus)|(free|complimentary) (gift|reward|voucher|prize)|gift ?card|(gift|reward|present|donation|bonus)\b.{0,30}\b(for|to) (you|u)\b|here'?s (a|an|our|your) .{0,25}(gift|reward|present)|(gift|reward|present) to (express|thank|show)|express our gratitude|(survey|questionnaire|inquiry)\b.{0,80}(reward|prize|gift|compensat|\$\d)|(reward|prize|gift|\$\d+)\b.{0,80}(survey|questionnaire)|giveaway|(be|get|are) (awarded|compensated|rewarded)",
                0.5,
            ),
        ],
    ),
    _type(
        "fraud_game",
        "网络游戏虚假交易诈骗",
        "fake online-game trading scam",
        "游戏账号、装备、皮肤只在游戏官方平台交易；“低价充值”“解除防沉迷”“未成年退款”要您转钱的都是骗子。",
        'Trade game accounts, items and skins only on the game\'s official platform; "cheap top-ups", "lifting play limits" or "refunds for minors" that need money are scams.',
        [
            (
                "游戏账号、装备、皮肤交易",
                "trading game accounts, items or skins",
                r"游戏|账号|装备|皮肤|点券|钻石|王者|和平精英|原神|代练|game|skins?|in-game|account for sale",
                0.5,
            ),
            (
                "低价充值、免费领皮肤",
                "cheap top-ups or free skins",
                r"(低价|打折|优惠|折扣|免费).{0,6}(充值|皮肤|点券|钻石)|(充值|点券|皮肤|钻石).{0,6}(折|优惠|免费)|(号|账号|装备).{0,8}(便宜|出售|低价出|收)|free skins?|cheap (top-?ups?|coins)",
                0.5,
            ),
            (
                "解除防沉迷、未成年退款、账号冻结",
                "lifting play limits, refunds for minors, a frozen account",
                r"防沉迷|未成年.{0,6}(退款|充值)|解封|账号.{0,4}(冻结|异常|封)|交易.{0,6}(冻结|失败)|account.{0,10}(frozen|locked|banned)",
                0.55,
            ),
        ],
    ),
    _type(
        "fraud_romance",
        "网络婚恋交友诈骗",
        "online romance scam",
        "网上认识、没见过面的“恋人”，带您投资、赌博或找各种理由要钱，都是骗局。不转账，不在对方推荐的平台投钱。",
        'An online "partner" you have never met who leads you to invest or gamble, or asks for money for any reason, is a scammer. Transfer nothing and use none of their platforms.',
        [
            (
                "网上认识的“恋人”",
                'an online "partner"',
                r"亲爱的|宝贝|老公|老婆|想你|爱你|网恋|相亲|婚恋|交友|没见过面|驻外|军医|维和|dear|darling|honey|my love|babe|sweetheart|(wanna|want to) (see|meet|chat)|lonely|hot (pics|photos|girls|positions)|sexy|dating|hook ?up|wrong number.{0,40}(friend|chat)|nice to meet you",
                0.4,
            ),
            (
                "陌生人发来交友、约会邀请或照片，让您点链接",
                "a stranger's date, friend request or photos, behind a link",
                r"(交友|约会|约见|私密|寂寞|美女|照片|视频).{0,20}(点击|链接|网址|查看)|"
                r"(friend|fl.ng|date|dating|hook ?up|partner|buddy|chat) ?(request|invite|invitation|solicitation|proposal)|invited you to (a )?(date|chat|meet)|"
                r"sent you (a )?(kiss|wink|photos?|pics|selfies|message)|(photos|pics|selfies|s3xy|sexy)\b.{0,60}(see|view|here|msg|link|https?:)|no-strings|"
                r"(respond|answer( back)?|reply|read her message|see now|view (it|them))( here)? ?:? ?(https?://|www\.|[a-z0-9-]+\.[a-z]{2,}/)",
                0.55,
            ),
            (
                "带您投资、赌博，说平台有漏洞",
                'leads you to invest or gamble, a platform "loophole"',
                r"(一起|带你|我们).{0,6}(投资|赚钱|理财|博彩|下注)|漏洞|博彩|彩金|下注|投注|双充|彩票.{0,4}(计划|必中)|平台.{0,6}(活动|充值)|充值.{0,6}送|(买|订).{0,6}(我的?|我家的?)?茶叶|茶庄|invest together|gambl|loophole|betting",
                0.55,
            ),
            (
                "找理由要钱（生病、机票、通关）",
                "asks for money for an emergency, a ticket or customs",
                r"(生病|住院|手术|机票|路费|通关|关税|海关|签证).{0,16}(帮我|借我|你先|垫|转给我|还差)|(钱|费).{0,8}(机票|路费|通关|关税)|资金周转|hospital|flight ticket|customs fee|visa fee",
                0.55,
            ),
        ],
    ),
    _type(
        "elder_service",
        "养老服务诈骗",
        "fake elderly-care service scam",
        "养老机构要到民政部门查是否备案；一次交几年费用、预付高额会员费换“优惠”“返利”风险很大，不要轻易交钱。",
        'Check with the civil-affairs bureau that a care home is registered; paying years ahead or a large "membership" for discounts or rebates is a big risk.',
        [
            (
                "养老院、养老公寓收预付费",
                "a care home that wants prepayment",
                r"养老(院|公寓|机构|服务|中心)|敬老院|颐养|康养(院|中心)|护理院|床位|入住|care home|nursing home|retirement home",
                0.45,
            ),
            (
                "交会员费、预存费用享优惠返利",
                "a membership fee or prepayment for discounts",
                r"会员卡|会员费|预存|预交|一次(性)?交|交.{0,4}年|储值|享.{0,4}(折|优惠|返)|membership|prepay|years in advance",
                0.45,
            ),
        ],
    ),
    _type(
        "elder_project",
        "养老项目诈骗",
        "fake elderly-care investment scam",
        "打着“养老项目”“康养基地”“旅居养老”名义拉投资、许诺高回报的，都是非法集资的常见套路，不要投钱。",
        '"Elder-care projects", "wellness bases" or "retirement travel" offering investment with high returns are a common illegal fund-raising trick: do not invest.',
        [
            (
                "以养老项目、康养基地拉投资",
                "investment in an elder-care project or base",
                r"养老项目|养老基地|康养|旅居养老|养老产业|养老地产|养生基地|认购|入股|股权|elder[- ]care.{0,20}(project|investment)|retirement (resort|project)",
                0.55,
            ),
            (
                "许诺高额回报、分红",
                "promises high returns or dividends",
                r"分红|回报|年息|利息|收益|返本|到期还本|dividend|return|interest",
                0.4,
            ),
        ],
    ),
    _type(
        "elder_product",
        "养老产品诈骗",
        "fake health-product scam targeting the elderly",
        "保健品不是药，不能治病；“免费体检”“专家讲座”“送鸡蛋”后推销高价产品的要当心。有病去正规医院。",
        'Health supplements are not medicine and cure nothing; beware of "free check-ups", "expert talks" or free gifts followed by expensive products. See a proper hospital.',
        [
            (
                "保健品、神药能治病",
                'a supplement or "miracle" product that cures illness',
                r"保健品|神药|特效药|包治|根治|治愈|降血压|降血糖|降三高|抗癌|理疗仪|磁疗|量子|cure|miracle|supplement",
                0.55,
            ),
            (
                "免费体检、讲座、送礼品",
                "free check-ups, talks or gifts",
                r"免费(体检|领|送|讲座|旅游|检查)|专家讲座|健康讲座|送鸡蛋|领鸡蛋|赠品|free (gift|check|health|eggs)",
                0.45,
            ),
            (
                "名额有限、限时抢购",
                "limited places or a limited-time offer",
                r"名额有限|限量|仅剩|最后.{0,4}(天|名额)|limited (places|stock|time)",
                0.3,
            ),
        ],
    ),
    _type(
        "elder_house",
        "以房养老诈骗",
        "fake house-for-pension scam",
        "把房子抵押出去换“每月高息”的所谓以房养老，可能让您失去房子。签任何房产相关合同、公证前，先和子女商量、找律师或拨12348咨询。",
        'Mortgaging your home for "high monthly interest" in a so-called house-for-pension scheme can cost you the house. Before signing or notarising anything about your home, talk to your family or a lawyer, or call 12348.',
        [
            (
                "以房养老、房子抵押",
                "house-for-pension or mortgaging your home",
                r"以房养老|房产抵押|反向抵押|抵押.{0,4}房|房子.{0,6}(抵押|过户|公证)|房本|房产证|home.{0,10}(mortgage|collateral)|house[- ]for[- ]pension",
                0.6,
            ),
            (
                "每月领高额利息",
                "high monthly interest",
                r"每月.{0,8}(利息|收益|领|拿)|月月领|月息|高息|monthly (interest|income)",
                0.45,
            ),
            (
                "办公证、签委托",
                "a notarisation or power of attorney",
                r"公证|委托书|全权委托|授权书|notari|power of attorney",
                0.4,
            ),
        ],
    ),
    _type(
        "elder_insurance",
        "代办养老保险诈骗",
        "fake pension-insurance agent scam",
        "养老保险只能到社保经办机构或官方渠道办理，没有“内部指标”“花钱提高待遇”。不要把钱和证件交给“代办人”。",
        'Pension insurance is handled only by the social-insurance office or its official channels; there are no "inside quotas" or paid "higher benefits". Give no money or documents to an "agent".',
        [
            (
                "代办养老保险、社保",
                "an agent who handles your pension insurance",
                r"代办.{0,6}(养老|社保|退休)|(养老保险|社保).{0,8}(代办|代缴|办理)|统一代缴|代缴|pension (agent|insurance)|social (insurance|security)",
                0.55,
            ),
            (
                "一次性补缴、提高养老金",
                "a one-off back payment or higher pension",
                r"补缴|一次性.{0,4}(交|缴)|提高.{0,6}(养老金|待遇|退休金)|内部指标|特殊渠道|提前退休|higher pension|back[- ]pay",
                0.55,
            ),
            (
                "社保资格认证、待遇发放",
                "pension eligibility check or payment",
                r"(资格|待遇|年审).{0,6}(认证|审核|发放|未完成)|停发|暂停发放|养老金|退休金|pension",
                0.35,
            ),
        ],
    ),
    _type(
        "elder_aid",
        "养老帮扶诈骗",
        "fake elderly-aid scam",
        "政府发补贴不收任何费用，也不会要您提供银行卡密码或验证码。接到“领补贴”的电话、短信，到社区或民政部门当面问。",
        "The government never charges a fee to pay an allowance, nor asks for your card password or a code. Ask your community office or the civil-affairs bureau in person.",
        [
            (
                "领补贴、补助、帮扶金",
                "an allowance, subsidy or aid payment",
                r"补贴|补助|帮扶|慰问金|救助金|福利金|高龄津贴|津贴|扶贫|allowance|subsidy|benefit payment",
                0.5,
            ),
            (
                "自称民政、社保、老龄办",
                "claims to be civil affairs, social insurance or the ageing office",
                r"民政|老龄办|老龄委|社保局|人社局|街道办|civil affairs|ageing office",
                0.35,
            ),
            (
                "领钱先交费、先激活",
                'pay first or "activate" to receive it',
                r"(领取|发放|到账|补贴|补助|津贴|福利金|慰问金).{0,16}(手续费|激活|验证码|银行卡|先交|工本费)|activate.{0,20}(account|card)",
                0.6,
            ),
        ],
    ),
)

BY_KEY: dict[str, FraudType] = {item.key: item for item in FRAUD_TYPES}

GENERAL_ADVICE_ZH = "不转账、不点陌生链接、不说验证码、不下载对方发的APP；拿不准就拨打96110反诈专线咨询，已经转了钱立即拨打110报警。"
GENERAL_ADVICE_EN = "Do not transfer money, open unknown links, share a code or install an app they send. If unsure, call the 96110 anti-fraud line; if you have already paid, call 110 at once."
LOW_ADVICE_ZH = "没有发现明显的诈骗迹象。不过，凡是要您转账、提供验证码或点链接的，请先通过官方电话核实；拿不准可拨打96110。"
LOW_ADVICE_EN = "No clear sign of fraud. Still, before you pay, share a code or open a link, check through an official number; if unsure, call 96110."


@dataclass(frozen=True)
class Hit:
    sign: Sign
    fraud_type: str | None  # None for a general sign
    start: int
    end: int
    matched: str = ""  # the text the sign matched (normalised)


def normalise(text: str) -> str:
    """What the rules read: Simplified Chinese, full-width letters and digits made half-width."""
    simplified = to_simplified(text)
    return simplified.translate(_FULL_WIDTH)


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def find(text: str) -> list[Hit]:
    """Every sign in the (normalised) text, the first place each one appears."""
    hits: list[Hit] = []
    for sign in GENERAL:
        match = sign.pattern.search(text)
        if match:
            hits.append(Hit(sign, None, match.start(), match.end(), match.group(0)))
    for fraud_type in FRAUD_TYPES:
        for sign in fraud_type.signs:
            match = sign.pattern.search(text)
            if match:
                hits.append(Hit(sign, fraud_type.key, match.start(), match.end(), match.group(0)))
    return hits


def combine(weights: Iterable[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return 1.0 - remaining


@dataclass(frozen=True)
class RuleResult:
    score: float
    fraud_type: str | None
    type_scores: dict[str, float]
    hits: list[Hit]
    reassured: bool


# A type needs this much evidence of its own to be named.
TYPE_MIN = 0.4
# What a fraud type's own signs count for without any general sign beside them.
ALONE_FACTOR = 0.6


LINK_WEIGHT = 0.25


def evaluate(text: str, *, has_link: bool = False) -> RuleResult:
    """The rules' verdict on a normalised text; `has_link` counts a link as a general sign (the
    vehicle of a phishing message), so a type's signs beside a link count in full."""
    hits = find(text)
    type_scores = {
        item.key: combine(hit.sign.weight for hit in hits if hit.fraud_type == item.key)
        for item in FRAUD_TYPES
    }
    general = combine(
        [*(hit.sign.weight for hit in hits if hit.fraud_type is None), LINK_WEIGHT if has_link else 0.0]
    )
    best_key, best = max(type_scores.items(), key=lambda pair: pair[1])
    # Topic words alone (a parcel, a loan, a pension) are not fraud: a type counts in full only
    # with a general sign of fraud beside it (money, a code, secrecy...), otherwise in part.
    score = combine([general, best if general > 0 else best * ALONE_FACTOR])
    reassured = bool(REASSURING.search(text)) and not any(
        hit.sign.key in {"code_request", "screen_share"} for hit in hits
    )
    if reassured:
        score *= REASSURING_FACTOR
    if promotion(text) >= 2 / PROMOTION_CAP and not any(against_promotion(hit) for hit in hits):
        score *= PROMOTION_FACTOR
    return RuleResult(
        score=score,
        fraud_type=best_key if best >= TYPE_MIN else None,
        type_scores=type_scores,
        hits=hits,
        reassured=reassured,
    )
