"""Knowledge actions, run on saved trackers (the shape Rasa 3.6 sends) with CollectingDispatcher."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import knowledge as actions
from bot.cases.enums import CaseCategory, CaseKind, CaseStatus
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.knowledge import ranking


def parse_data(text: str, ranked: list[tuple[str, float]], intent: str = "faq") -> dict[str, Any]:
    """What Rasa's NLU (DIET + ResponseSelector) puts in `latest_message`."""
    best_key, best_confidence = ranked[0]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.97},
        "entities": [],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "responses": [{"text": "..."}],
                    "confidence": best_confidence,
                    "intent_response_key": f"faq/{best_key}",
                    "utter_action": f"utter_faq/{best_key}",
                },
                "ranking": [
                    {"id": index, "confidence": confidence, "intent_response_key": f"faq/{key}"}
                    for index, (key, confidence) in enumerate(ranked)
                ],
            },
        },
    }


def button_press(intent: str, **entities: str) -> dict[str, Any]:
    return {
        "text": "/" + intent,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
    }


def bot_said(utter_action: str) -> dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": utter_action}}


def saved(
    latest_message: dict[str, Any], *, language: str = "zh-Hans", events: list | None = None
) -> Tracker:
    return Tracker(
        sender_id="web:resident-1",
        slots={"language": language, "elder_mode": False},
        latest_message=latest_message,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_a_confident_answer_is_given() -> None:
    tracker = saved(parse_data("刷单返利靠谱吗", [("fraud_brush", 0.93), ("fraud_invest", 0.03)]))

    [message] = run(actions.ActionFaqAnswer(), tracker)

    assert message["response"] == "utter_faq/fraud_brush"


def test_an_answer_at_the_threshold_is_given() -> None:
    top = ranking.ANSWER_MIN_CONFIDENCE
    tracker = saved(parse_data("欠工资找谁", [("law_wages", top), ("law_labour_arbitr", 0.12)]))

    [message] = run(actions.ActionFaqAnswer(), tracker)

    assert message["response"] == "utter_faq/law_wages"


def test_an_unsure_answer_becomes_did_you_mean_with_the_top_three_and_a_person() -> None:
    # Just under the threshold, so the boundary is what is tested, whatever the threshold is.
    top = round(ranking.ANSWER_MIN_CONFIDENCE - 0.01, 2)
    ranked = [("law_wages", top), ("law_labour_arbitr", 0.12), ("law_no_contract", 0.1), ("law_debt", 0.06)]
    assert ranked[0][1] < ranking.ANSWER_MIN_CONFIDENCE
    tracker = saved(parse_data("钱的事", ranked))

    [message] = run(actions.ActionFaqAnswer(), tracker)

    assert message["response"] == "utter_faq_did_you_mean"
    titles = [button["title"] for button in message["buttons"]]
    assert titles == ["被拖欠工资怎么办", "劳动仲裁", "没签劳动合同", "找工作人员"]
    assert message["buttons"][0]["payload"] == '/faq_pick{"faq_key":"law_wages"}'


def test_did_you_mean_speaks_english_to_an_english_speaker() -> None:
    ranked = [("law_wages", 0.4), ("law_debt", 0.3), ("law_consumer", 0.2)]
    tracker = saved(parse_data("money", ranked, intent="nlu_fallback"), language="en")

    [message] = run(actions.ActionFaqDidYouMean(), tracker)

    titles = [button["title"] for button in message["buttons"]]
    assert titles[:2] == ["Unpaid wages", "Money lent and not repaid"]
    assert message["buttons"][-1]["title"] == "Talk to a person"


def test_nothing_close_means_the_plain_not_understood_reply() -> None:
    tracker = saved({"text": "asdf", "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []})

    [message] = run(actions.ActionFaqDidYouMean(), tracker)

    assert message["response"] == "utter_faq_did_you_mean_none"


def test_more_follows_the_button() -> None:
    tracker = saved(button_press("faq_more", faq_key="law_dv"))

    [message] = run(actions.ActionFaqMore(), tracker)

    assert message["response"] == "utter_more_law_dv"


def test_more_typed_after_an_answer_explains_that_answer() -> None:
    tracker = saved(
        {"text": "详细说说", "intent": {"name": "faq_more", "confidence": 0.9}, "entities": []},
        events=[bot_said("utter_faq/trick_screen"), {"event": "user", "text": "详细说说"}],
    )

    [message] = run(actions.ActionFaqMore(), tracker)

    assert message["response"] == "utter_more_trick_screen"


def test_more_without_any_answer_asks_which() -> None:
    tracker = saved({"text": "详细说说", "intent": {"name": "faq_more", "confidence": 0.9}, "entities": []})

    [message] = run(actions.ActionFaqMore(), tracker)

    assert message["response"] == "utter_faq_which_answer"


def test_show_the_law_quotes_every_cited_article_from_the_statute_database() -> None:
    tracker = saved(button_press("faq_article", faq_key="law_mediation_deal"))

    messages = run(actions.ActionFaqArticle(), tracker)

    assert [m["response"] for m in messages] == ["utter_faq_article"] * 3
    assert [m["number"] for m in messages] == ["第三十一条", "第三十二条", "第三十三条"]
    assert messages[0]["law"] == "中华人民共和国人民调解法"
    assert "具有法律约束力" in messages[0]["article_text"] and messages[0]["text"] is None
    assert messages[2]["law_en"] == "People's Mediation Law" and messages[2]["article"] == 33


def test_show_the_law_for_an_answer_without_articles_says_so() -> None:
    tracker = saved(button_press("faq_article", faq_key="law_petition"))

    [message] = run(actions.ActionFaqArticle(), tracker)

    assert message["response"] == "utter_faq_article_none"


def test_a_picked_answer_is_given_and_an_unknown_key_is_not() -> None:
    [picked] = run(actions.ActionFaqPick(), saved(button_press("faq_pick", faq_key="fraud_cheated")))
    [unknown] = run(actions.ActionFaqPick(), saved(button_press("faq_pick", faq_key="no_such_answer")))

    assert picked["response"] == "utter_faq/fraud_cheated"
    assert unknown["response"] == "utter_faq_which_answer"


def test_browsing_goes_from_groups_to_topics_to_questions() -> None:
    [groups] = run(actions.ActionFaqTopics(), saved(button_press("faq_topics")))
    [topics] = run(actions.ActionFaqTopics(), saved(button_press("faq_topics", faq_topic="law")))
    [questions] = run(actions.ActionFaqTopics(), saved(button_press("faq_topics", faq_topic="work")))

    assert [b["title"] for b in groups["buttons"]] == ["防骗知识", "法律常识"]
    assert topics["buttons"][0]["payload"] == '/faq_topics{"faq_topic":"dispute"}'
    assert questions["response"] == "utter_faq_choose_question"
    assert questions["buttons"][0]["payload"] == '/faq_pick{"faq_key":"law_wages"}'


@pytest.fixture
def store(committed: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The actions' settings point at the test store (built by the migrations, emptied afterwards)."""
    monkeypatch.setattr(actions, "settings", lambda: committed)
    return committed


def test_talk_to_a_person_first_asks_the_township_with_a_button_each(store: Settings) -> None:
    [message] = run(actions.ActionAskHuman(), saved(button_press("ask_human", faq_key="law_wages")))

    assert message["response"] == "utter_ask_human_township"
    assert message["buttons"][0] == {"title": "大通街道", "payload": '/ask_human{"faq_place":"1"}'}
    with session_scope(store) as session:
        assert session.scalars(select(Case)).all() == []


def test_talk_to_a_person_opens_a_consultation_case_staff_can_see(store: Settings) -> None:
    tracker = saved(
        button_press("ask_human", faq_place="2"),
        events=[
            {"event": "user", "text": "老板欠我三个月工资不给"},
            bot_said("utter_faq/law_wages"),
            {"event": "user", "text": '/ask_human{"faq_key":"law_wages"}'},
            {"event": "bot", "text": "请问您住在哪个镇（街道）？", "metadata": {}},
        ],
    )

    [message] = run(actions.ActionAskHuman(), tracker)

    with session_scope(store) as session:
        [case] = session.scalars(select(Case)).all()
        assert case.kind is CaseKind.CONSULTATION and case.status is CaseStatus.REGISTERED
        assert case.category is CaseCategory.LABOUR
        assert case.township == "洛河镇"
        assert case.title == "咨询：被拖欠工资怎么办"
        assert "老板欠我三个月工资不给" in case.description
        number = case.number
    assert message["response"] == "utter_consultation_opened"
    assert (message["number"], message["days"]) == (number, 1)


def test_the_last_answer_is_found_among_other_bot_messages() -> None:
    events = [bot_said("utter_faq/law_leak"), bot_said("utter_faq_article"), {"event": "action"}]
    assert ranking.last_answered(events) == "law_leak"


# -- danger first (issue 24) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "selected", "response"),
    [
        ("我老公一喝酒就打我", "zh-Hans", "law_dv", "utter_danger_violence"),
        ("我老公一喝酒就打我怎么调解", "zh-Hans", "law_mediation", "utter_danger_violence"),
        ("he hits me when he drinks", "en", "law_dv", "utter_danger_violence"),
        ("不想活了", "zh-Hans", "fraud_cheated", "utter_danger_self_harm"),
        ("隔壁天天打孩子", "zh-Hans", "law_dv", "utter_danger_child_or_elder"),
    ],
)
def test_danger_is_answered_before_any_faq_answer(
    text: str, language: str, selected: str, response: str
) -> None:
    tracker = saved(parse_data(text, [(selected, 0.95), ("law_debt", 0.02)]), language=language)

    messages = run(actions.ActionFaqAnswer(), tracker)

    assert [message["response"] for message in messages] == [response]


def test_danger_is_answered_instead_of_did_you_mean() -> None:
    tracker = saved(parse_data("活不下去了", [("law_debt", 0.2), ("fraud_loan", 0.1)], intent="nlu_fallback"))

    messages = run(actions.ActionFaqDidYouMean(), tracker)

    assert [message["response"] for message in messages] == ["utter_danger_self_harm"]


def test_danger_is_answered_instead_of_out_of_scope() -> None:
    tracker = saved(parse_data("我刚吃了一瓶安眠药", [("law_debt", 0.1)], intent="out_of_scope"))

    messages = run(actions.ActionOutOfScope(), tracker)

    assert [message["response"] for message in messages] == ["utter_danger_self_harm"]


def test_chatter_the_assistant_does_not_cover_gets_the_out_of_scope_reply() -> None:
    tracker = saved(parse_data("明天会不会下雨", [("law_debt", 0.1)], intent="out_of_scope"))

    messages = run(actions.ActionOutOfScope(), tracker)

    assert [message["response"] for message in messages] == ["utter_out_of_scope"]


def test_danger_written_in_traditional_chinese_is_read_from_what_the_resident_wrote() -> None:
    latest = parse_data("他喝酒就打我", [("law_dv", 0.9)])
    latest["metadata"] = {"text_as_written": "他喝酒就打我", "language": "zh-Hant"}
    messages = run(actions.ActionFaqAnswer(), saved(latest, language="zh-Hant"))

    assert [message["response"] for message in messages] == ["utter_danger_violence"]


def test_a_button_press_is_never_read_for_danger() -> None:
    tracker = saved(button_press("faq_pick", faq_key="law_dv"))

    [message] = run(actions.ActionFaqPick(), tracker)

    assert message["response"] == "utter_faq/law_dv"


def test_the_96110_answer_is_sent_with_the_local_caller_id() -> None:
    tracker = saved(button_press("faq_pick", faq_key="fraud_96110"))

    [message] = run(actions.ActionFaqPick(), tracker)

    assert message["response"] == "utter_faq/fraud_96110"
    assert message["antifraud_caller_id"] == "0554 96110"


def test_a_consultation_keeps_the_question_as_the_resident_wrote_it(store: Settings) -> None:
    asked = {
        "event": "user",
        "text": "老板欠我三个月工资不给",
        "metadata": {"text_as_written": "老闆欠我三個月工資不給"},
    }
    tracker = saved(
        button_press("ask_human", faq_place="2"),
        events=[asked, bot_said("utter_faq/law_wages"), {"event": "user", "text": "/ask_human"}],
        language="zh-Hant",
    )

    run(actions.ActionAskHuman(), tracker)

    with session_scope(store) as session:
        [case] = session.scalars(select(Case)).all()
        assert "老闆欠我三個月工資不給" in case.description


def test_danger_is_said_once_per_message_when_a_form_and_a_rule_both_read_it() -> None:
    latest = parse_data("我老公一喝酒就打我", [("law_dv", 0.9)])
    already = [{"event": "user", "text": "我老公一喝酒就打我"}, bot_said("utter_danger_violence")]
    messages = run(actions.ActionFaqAnswer(), saved(latest, events=already))

    assert messages == []  # said by the form's validation already; the FAQ answer still yields
