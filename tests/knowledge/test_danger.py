"""Danger first (issue 24): messages that show someone in danger are recognised in the wording
residents type, in Simplified and Traditional Chinese and in English; ordinary questions are not."""

from __future__ import annotations

import pytest

from bot.knowledge.danger import DangerKind, detect

VIOLENCE, THREAT = DangerKind.VIOLENCE, DangerKind.THREAT
SELF_HARM, CHILD_OR_ELDER = DangerKind.SELF_HARM, DangerKind.CHILD_OR_ELDER


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        # The message from the issue, and others like it.
        ("我老公一喝酒就打我", "zh-Hans", VIOLENCE),
        ("我老公一喝酒就打我，这类事能调解吗", "zh-Hans", VIOLENCE),
        ("我老公一喝酒就打我", "zh-Hant", VIOLENCE),
        ("我老公一喝酒就動手打我，我好怕", "zh-Hant", VIOLENCE),
        ("俺男人天天揍俺", "zh-Hans", VIOLENCE),
        ("被老公家暴了三年", "zh-Hans", VIOLENCE),
        ("他喝了酒就打人，昨天又把我打得鼻青脸肿", "zh-Hans", VIOLENCE),
        ("被人打了找哪个部门", "zh-Hans", VIOLENCE),
        ("he hits me when he drinks", "en", VIOLENCE),
        ("My husband beats me", "en", VIOLENCE),
        ("i get beaten at home", "en", VIOLENCE),
        # Threats and danger now.
        ("邻居扬言要杀了我全家", "zh-Hans", THREAT),
        # A weapon at hand, a threat against someone else, an overdose taken.
        ("隔壁那人举着菜刀站在楼下", "zh-Hans", VIOLENCE),
        ("他持刀堵在我家楼道里", "zh-Hans", VIOLENCE),
        ("我侄子喝醉了说要去捅死会计", "zh-Hans", THREAT),
        ("he says he is going to stab the landlord", "en", THREAT),
        ("我妈刚刚吞了半盒安眠药", "zh-Hans", SELF_HARM),
        ("i swallowed all my sleeping pills", "en", SELF_HARM),
        ("他把我锁在屋里不让我出门", "zh-Hans", THREAT),
        ("債主說要弄死我", "zh-Hant", THREAT),
        ("the neighbour threatened to kill me", "en", THREAT),
        ("he locked me in the house", "en", THREAT),
        ("I'm in danger", "en", THREAT),
        # A child or an older person hurt.
        ("隔壁天天打孩子", "zh-Hans", CHILD_OR_ELDER),
        ("孩子被后妈打得浑身是伤", "zh-Hans", CHILD_OR_ELDER),
        ("儿子天天打他老娘", "zh-Hans", CHILD_OR_ELDER),
        ("奶奶被兒子打了", "zh-Hant", CHILD_OR_ELDER),
        ("my son hits my elderly mother", "en", CHILD_OR_ELDER),
        ("the child next door is being beaten", "en", CHILD_OR_ELDER),
        # Thoughts of self-harm.
        ("不想活了", "zh-Hans", SELF_HARM),
        ("活着没意思，想一了百了", "zh-Hans", SELF_HARM),
        ("欠了一屁股债，真的活不下去了", "zh-Hans", SELF_HARM),
        ("我不想活了", "zh-Hant", SELF_HARM),
        ("I don't want to live anymore", "en", SELF_HARM),
        ("i want to kill myself", "en", SELF_HARM),
    ],
)
def test_danger_is_recognised_in_typed_wording(text: str, language: str, kind: DangerKind) -> None:
    found = detect(text, language)
    assert found is not None, text
    assert found.kind is kind, (text, found)
    assert found.response == f"utter_danger_{kind.value}"


@pytest.mark.parametrize(
    "text",
    [
        "孩子打游戏被骗了",
        "你打我电话吧",
        "钱打我卡上了吗",
        "我想死你了",
        "这个链接有危险吗",
        "救命钱被骗光了",
        "信访会不会被打击报复",
        "老人买保健品被骗可以打12315吗",
        "邻居在楼道堆东西",
        "调解要收费吗",
        "医生让我每天吃药",
        "用菜刀切菜切到手了能报销吗",
        "someone hit me with their car",
        "threatened with arrest if i do not pay",
        "is mediation free",
        "",
    ],
)
def test_ordinary_questions_are_not_taken_for_danger(text: str) -> None:
    assert detect(text, "en" if text.isascii() else "zh-Hans") is None


def test_a_message_in_english_is_read_even_when_the_conversation_is_chinese() -> None:
    found = detect("he beats me", "zh-Hans")
    assert found is not None and found.kind is VIOLENCE
