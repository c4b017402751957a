"""Someone may be in danger: the check that comes before every other answer or route.

A resident who writes that her husband beats her when he drinks, that someone threatens to kill
them, that a child or an old parent is being hurt, or that they do not want to live any more must
hear "call 110 now" (and where to turn next) before anything about mediation, a FAQ answer or a
form question. `detect(text, language)` is a pure function over the message: keyword patterns in
typed, colloquial wording, Simplified and Traditional Chinese (read as Simplified) and English.
It errs towards speaking up: a false alarm costs one extra message, a miss can cost a life.

The responses (utter_danger_*) live in domain/safety.yml; each says 110 first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import opencc


class DangerKind(StrEnum):
    SELF_HARM = "self_harm"  # thoughts of suicide or self-harm
    CHILD_OR_ELDER = "child_or_elder"  # a child or an older person is being hurt
    VIOLENCE = "violence"  # the resident is being beaten (domestic violence, above all)
    THREAT = "threat"  # threatened with violence, held, or in danger right now


@dataclass(frozen=True)
class Danger:
    kind: DangerKind
    # The words that raised it, for tests and for staff, never for logs.
    matched: str

    @property
    def response(self) -> str:
        return f"utter_danger_{self.kind.value}"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Chinese, on text read as Simplified with spaces and punctuation removed.
_ZH_SELF_HARM = _any(
    r"不想活",
    r"活不下去",
    r"活着(?:没|没有)(?:意思|意义|盼头)",
    r"想死(?!你|您)",
    r"(?:去|想|要)?自杀",
    r"轻生",
    r"寻死",
    r"(?:死了|死)算了",
    r"一了百了",
    r"(?:喝|吃|吞)了?(?:一|半|整|好几|几)?[瓶把盒板片粒口]?的?(?:农药|敌敌畏|百草枯|安眠药|老鼠药|耗子药)",
    r"(?:吃|吞)了?(?:一|半|整|好几)[瓶把盒板]的?药",
    r"(?:想|要)(?:跳楼|跳河|跳井|上吊|割腕)",
    r"结束(?:自己的?)?生命",
    r"不如死了",
    r"伤害自己",
)
# What hurting someone is written as; "打" alone is also to call, to play, to type, to transfer.
_ZH_HURT = (
    r"(?:打(?!游戏|电话|工|针|疫苗|字|球|扫|卡|牌|麻将|印|车|算|折|开|包|款|钱|听|架|呼噜|喷嚏|哈欠|击|上|入)"
    r"|揍|殴打|毒打|暴打|虐待|踢(?!球|毽)|掐|扇|砍|捅)"
)
_NOT_A_BLOW = r"(?!的?(?:电话|手机|微信|卡|账户|账号|银行|工资|一下电话))"
_ZH_VIOLENCE = _any(
    rf"{_ZH_HURT}(?:了|过|得)?(?:我|俺){_NOT_A_BLOW}",
    r"家暴|家庭暴力|拳打脚踢|动手打|挨打|挨揍|打人|砍人|捅人|杀人",
    rf"被(?:[他她人]|老公|丈夫|男人|媳妇|老婆|儿子|女儿|儿女|家人|父亲|母亲|我爸|我妈|婆婆|公公|后妈|继父|邻居|对象|男朋友|女朋友)?{_ZH_HURT}",
    r"掐(?:我|俺)?(?:的)?脖子|拿刀|动刀|用刀|扇耳光|打骨折|打出血|鼻青脸肿|浑身是伤|身上都是伤|一身伤",
    r"(?:拿|举|提|握|带|挥)着(?:菜|砍|尖)?刀|持刀",
)
_ZH_THREAT = _any(
    r"(?:要|扬言|说要|威胁(?:要|说)?)(?:杀|弄死|砍死|捅死|打死|烧死|害)(?:了)?(?:我|俺|我们|全家|孩子|你)",
    r"(?:杀|弄死|打死|砍死|捅死)(?:了)?(?:我|俺)",
    # Threats against someone else ("我儿子说他要去砍了那个村长").
    r"(?:要|说要|扬言|想|准备)去?(?:杀了|杀死|砍了|砍死|捅了|捅死|弄死|打死)",
    r"威胁(?:我|俺)",
    r"恐吓(?:我|俺)",
    r"放火烧|泼汽油|浇汽油",
    r"(?:把我|把俺)(?:关|锁)(?:在|起来)",
    r"不让(?:我|俺)(?:出门|走|离开)",
    r"(?:我|俺)(?:现在)?(?:有|很)危险|生命危险|救命(?!钱)|快来人|救救(?:我|俺)",
    r"(?:跟踪|尾随)(?:我|俺)",
)
# Someone else hurt: a child or an older person.
_ZH_VICTIM = (
    r"(?:孩子|小孩|儿童|娃|女儿|儿子|闺女|宝宝|婴儿|老人|老母亲|老父亲|我妈|我爸|俺娘|俺爹|老娘|老爹"
    r"|奶奶|爷爷|姥姥|姥爷|外婆|外公|婆婆|公公|父母|老太太|老爷子|老两口)"
)
_ZH_CHILD_OR_ELDER = _any(
    rf"{_ZH_VICTIM}(?:经常|天天|总是|又|也)*(?:被|挨).{{0,4}}?{_ZH_HURT}",
    rf"{_ZH_HURT}(?:了|过)?(?:他|她|自己)?的?{_ZH_VICTIM}",
    rf"{_ZH_VICTIM}.{{0,4}}?(?:关起来|锁起来|饿着|不给饭吃|被遗弃|扔下不管|身上都是伤|浑身是伤)",
    r"虐童|虐待(?:老人|孩子|小孩)|遗弃(?:老人|孩子|小孩)",
)

# English, lower-case.
_EN_SELF_HARM = _any(
    r"\bkill(?:ing)? myself\b",
    r"\bend (?:my|it all|my own) life\b",
    r"\bend it all\b",
    r"\bsuicid",
    r"\b(?:don'?t|do not|no longer) want to (?:live|be alive)\b",
    r"\bwant(?:s)? to die\b",
    r"\bwish i (?:was|were) dead\b",
    r"\bbetter off dead\b",
    r"\bno reason to live\b",
    r"\b(?:hurt|harm|cut)(?:ing)? myself\b",
    r"\b(?:took|swallowed|taken) (?:a (?:whole )?(?:bottle|box|pack) of |all (?:my|the) )"
    r"(?:pills|tablets|sleeping pills)\b",
    r"\boverdos",
    r"\bself[- ]?harm",
)
_EN_KIN = (
    r"(?:mum|mom|mother|child|children|kids?|son|daughter|baby|grandma|grandmother|grandpa"
    r"|grandfather|father|dad|parents?|wife|husband)"
)
_EN_PERSON = rf"(?:me|us|my {_EN_KIN})"
_EN_BLOW = (
    r"(?:hits?|hitting|beats?|beating|beat up|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?"
    r"|slap(?:s|ped|ping)?|chok(?:es|ed|ing)|strangl\w*|attack(?:s|ed|ing)?|batter(?:s|ed|ing)?"
    r"|abus(?:es|ed|ing))"
)
_EN_VIOLENCE = _any(
    rf"\b{_EN_BLOW} {_EN_PERSON}\b",
    r"\bdomestic (?:violence|abuse)\b",
    r"\b(?:i am|i'm|im|i get|i got|i was|i've been|being) (?:beaten|hit|battered|abused|attacked)\b",
    r"\bbruises? all over\b",
)
_EN_THREAT = _any(
    rf"\b(?:kill|murder|stab|burn|hurt) {_EN_PERSON}\b",
    r"\bthreat\w* (?:to )?(?:kill|hurt|stab|burn|beat)\b",
    r"\b(?:has|with|holding|got) a (?:knife|gun|weapon)\b",
    r"\b(?:going|wants?|threaten\w*) to (?:kill|stab|murder)\b",
    r"\b(?:locked|locks|lock) me (?:in|up)\b",
    r"\b(?:won'?t|will not) let me (?:leave|go out)\b",
    r"\bi(?:'m| am) (?:in danger|scared for my life|not safe)\b",
    r"\bhelp me now\b",
    r"\bstalk(?:s|ing|ed)? me\b",
)
_EN_YOUNG_OR_OLD = (
    r"(?:child|children|kids?|son|daughter|baby|(?:little )?(?:brother|sister)|grandma|grandmother"
    r"|grandpa|grandfather|old (?:man|woman|lady|father|mother)|elderly (?:mother|father|parents?)"
    r"|mum|mom|mother|father|dad|parents?)"
)
_EN_HURT_SOMEONE = (
    r"(?:hits?|hitting|beats?|beating|abus(?:es|ed|ing)|hurts?|hurting|starv(?:es|ed|ing)"
    r"|neglect(?:s|ed|ing))"
)
_EN_SOMEONE_HURT = (
    r"(?:child|children|kids?|baby|grandma|grandmother|grandpa|grandfather"
    r"|elderly (?:man|woman|person|neighbour|neighbor)|old (?:man|woman|lady))"
)
_EN_CHILD_OR_ELDER = _any(
    rf"\b{_EN_HURT_SOMEONE} (?:the|my|his|her|their|a|our) {_EN_YOUNG_OR_OLD}\b",
    rf"\b{_EN_SOMEONE_HURT}(?:\W+\w+){{0,3}}?\W+(?:is|are|was|were|being|gets|getting|got)\s+"
    r"(?:being\s+)?(?:beaten|hit|abused|hurt|starved|locked up)\b",
    r"\b(?:child|elder(?:ly)?) abuse\b",
)

# "hit me" from a car is a traffic accident (utter_faq/law_traffic), not a beating.
_EN_TRAFFIC = re.compile(
    r"\b(?:car|cars|e-?bikes?|bikes?|bicycle|motorbike|scooter|truck|lorry|van|bus|taxi|vehicle|driver|traffic)\b"
)

_PUNCTUATION = re.compile(r"[\s\W_]+")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _chinese(text: str) -> str:
    """Text as the Chinese patterns read it: Simplified, without spaces or punctuation."""
    simplified = str(_to_simplified().convert(text))
    return _PUNCTUATION.sub("", simplified)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group(0) if found else None


def detect(text: str, language: str | None = None) -> Danger | None:
    """The danger the message describes, if any; self-harm first, then a child or an older person
    hurt, then violence against the resident, then threats. `language` is the conversation's
    (zh-Hans, zh-Hant, en); both Chinese and English patterns are tried whatever it is, since a
    resident in danger may write in either."""
    if not text or not text.strip():
        return None
    normal = unicodedata.normalize("NFKC", text)
    zh = _chinese(normal) if language != "en" or re.search(r"[\u4e00-\u9fff]", normal) else ""
    en = " ".join(normal.lower().replace("’", "'").split())
    checks = (
        (DangerKind.SELF_HARM, _ZH_SELF_HARM, _EN_SELF_HARM),
        (DangerKind.CHILD_OR_ELDER, _ZH_CHILD_OR_ELDER, _EN_CHILD_OR_ELDER),
        (DangerKind.VIOLENCE, _ZH_VIOLENCE, _EN_VIOLENCE),
        (DangerKind.THREAT, _ZH_THREAT, _EN_THREAT),
    )
    for kind, chinese, english in checks:
        in_english = _first(english, en)
        if in_english and kind is DangerKind.VIOLENCE and _EN_TRAFFIC.search(en):
            in_english = None
        matched = (_first(chinese, zh) if zh else None) or in_english
        if matched:
            return Danger(kind, matched)
    return None
