"""Scam-check, warning and guardian actions from saved trackers, on the real store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.scams as scam_actions
from bot.cases.enums import CaseCategory, CaseKind
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.outbox.enums import OutboxKind
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.scams import alerts, guardians

POLICE_SCAM = "我是市公安局的警官，你涉嫌洗钱案件，请把钱转到安全账户配合调查，不要告诉家人"


@pytest.fixture
def store(committed: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(scam_actions, "settings", lambda: committed)
    return committed


def tracker(
    sender: str,
    *,
    text: str = "",
    intent: str = "check_scam",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    language: str = "zh-Hans",
) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={"language": language, **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
        events=[{"event": "user", "timestamp": 1700000000.0, "text": text}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, saved: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, saved, {}))
    return dispatcher.messages, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [message["response"] for message in messages]


def test_a_high_risk_message_is_explained_and_the_resident_asked_whether_they_paid(store: Settings) -> None:
    messages, events = run(
        scam_actions.ActionCheckScam(), tracker("web:c1", slots={"scam_text": POLICE_SCAM})
    )

    assert responses(messages) == ["utter_scam_result_high", "utter_scam_ask_paid"]
    result = messages[0]
    assert result["fraud_type"] == "冒充公检法诈骗"
    assert "安全账户" in result["flags"] and result["flags"].startswith("• ")
    assert result["score"] >= 60
    slots = {event["name"]: event["value"] for event in events}
    assert slots["scam_text"] is None and slots["scam_last_type"] == "fraud_police"


def test_an_english_resident_reads_english_signs(store: Settings) -> None:
    text = "This is officer Chen. Your ID is linked to money laundering. Transfer your savings to the safe account."  # noqa: E501
    messages, _ = run(
        scam_actions.ActionCheckScam(), tracker("web:c2", slots={"scam_text": text}, language="en")
    )

    assert messages[0]["response"] == "utter_scam_result_high"
    assert "safe account" in messages[0]["flags"]
    assert messages[0]["fraud_type"].startswith("fake police")


def test_a_low_risk_notice_asks_nothing_more(store: Settings) -> None:
    notice = "【菜鸟驿站】您的包裹已到幸福路驿站，取件码 3-2-1108，请于今日20:00前领取。"

    messages, _ = run(scam_actions.ActionCheckScam(), tracker("web:c3", slots={"scam_text": notice}))

    assert responses(messages) == ["utter_scam_result_low"]


def test_an_elderly_resident_without_warnings_is_offered_them_after_a_check(store: Settings) -> None:
    with session_scope(store) as session:
        elder = residents.for_channel(session=session, channel="web", external_id="c4")
        residents.set_elder_mode(session=session, resident=elder, on=True)

    messages, _ = run(scam_actions.ActionCheckScam(), tracker("web:c4", slots={"scam_text": "妈，我到家了"}))

    assert responses(messages)[-1] == "utter_scam_offer_alerts"


def test_a_high_risk_check_tells_the_linked_guardian(store: Settings) -> None:
    with session_scope(store) as session:
        elder = residents.for_channel(session=session, channel="web", external_id="c5")
        son = residents.for_channel(session=session, channel="telegram", external_id="777")
        _, code = guardians.create_invite(session=session, resident=elder)
        guardians.redeem(session=session, guardian=son, code=code)
        son_id = son.id

    messages, _ = run(scam_actions.ActionCheckScam(), tracker("web:c5", slots={"scam_text": POLICE_SCAM}))

    assert "utter_scam_guardians_told" in responses(messages)
    with session_scope(store) as session:
        notice = session.scalars(
            select(OutboxItem).where(
                OutboxItem.kind == OutboxKind.GUARDIAN_NOTICE, OutboxItem.resident_id == son_id
            )
        ).one()
        assert notice.recipient == "777"
        assert POLICE_SCAM not in notice.body["replies"][0]["text"]


def test_already_paid_shows_the_cheated_steps_and_offers_an_urgent_case(store: Settings) -> None:
    messages, _ = run(
        scam_actions.ActionScamPaid(), tracker("web:p1", text="我已经转账了", intent="scam_paid_yes")
    )

    assert responses(messages) == ["utter_faq/fraud_cheated", "utter_scam_offer_case"]


def test_the_urgent_case_is_an_urgent_fraud_consultation(store: Settings) -> None:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="p2")
        resident.township = "洛河镇"
    slots = {
        "scam_last_text": "请把钱转到安全账户 hxxp://x[.]example[.]com",
        "scam_last_type": "fraud_police",
    }

    messages, events = run(
        scam_actions.ActionScamOpenCase(), tracker("web:p2", intent="scam_open_case", slots=slots)
    )

    assert responses(messages) == ["utter_scam_case_opened"]
    with session_scope(store) as session:
        case = session.scalars(select(Case).where(Case.number == messages[0]["number"])).one()
        assert (case.kind, case.category, case.urgent) == (CaseKind.CONSULTATION, CaseCategory.FRAUD, True)
        assert case.township == "洛河镇"
        assert "冒充公检法诈骗" in case.description and "安全账户" in case.description
    assert {"event": "slot", "name": "scam_case_number", "value": messages[0]["number"]} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events
    ]


def test_the_urgent_case_asks_the_township_first_when_unknown(store: Settings) -> None:
    messages, _ = run(scam_actions.ActionScamOpenCase(), tracker("web:p3", intent="scam_open_case"))

    assert responses(messages) == ["utter_scam_choose_township"]
    payload = messages[0]["buttons"][1]["payload"]
    assert payload == '/scam_open_case{"township_no":"1"}' and len(payload.encode()) < 48

    messages, _ = run(
        scam_actions.ActionScamOpenCase(),
        tracker("web:p3", intent="scam_open_case", entities=[{"entity": "township_no", "value": "1"}]),
    )
    assert responses(messages) == ["utter_scam_case_opened"]


def test_a_second_request_does_not_open_a_second_case(store: Settings) -> None:
    messages, _ = run(
        scam_actions.ActionScamOpenCase(),
        tracker("web:p4", intent="scam_open_case", slots={"scam_case_number": "DT-ZX-2026-000001"}),
    )

    assert responses(messages) == ["utter_scam_case_exists"]


def test_subscribing_asks_where_then_subscribes_and_unsubscribing_stops_it(store: Settings) -> None:
    messages, _ = run(scam_actions.ActionSubscribeAlerts(), tracker("web:s1", intent="subscribe_alerts"))
    assert responses(messages) == ["utter_scam_alerts_which_township"]
    assert messages[0]["buttons"][-1]["payload"] == '/subscribe_alerts{"township_no":"all"}'

    pick = [{"entity": "township_no", "value": "1"}]
    messages, _ = run(
        scam_actions.ActionSubscribeAlerts(), tracker("web:s1", intent="subscribe_alerts", entities=pick)
    )
    assert messages[0]["response"] == "utter_scam_subscribed" and messages[0]["township"] == "洛河镇"

    messages, _ = run(scam_actions.ActionUnsubscribeAlerts(), tracker("web:s1", intent="unsubscribe_alerts"))
    assert responses(messages) == ["utter_scam_unsubscribed"]
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="s1")
        assert not alerts.is_subscribed(session=session, resident=resident)


def test_the_offer_is_not_repeated_to_a_subscriber(store: Settings) -> None:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="s2")
        alerts.subscribe(session=session, resident=resident, township=None)

    messages, _ = run(scam_actions.ActionOfferScamAlerts(), tracker("web:s2", intent="offer_scam_alerts"))

    assert messages == []


def test_a_resident_gets_a_code_and_the_family_member_links_with_it(store: Settings) -> None:
    messages, _ = run(scam_actions.ActionGuardianSetup(), tracker("web:g1", intent="guardian_setup"))
    assert responses(messages) == ["utter_guardian_choose"]

    choice = [{"entity": "guardian_notify", "value": "all"}]
    messages, _ = run(
        scam_actions.ActionGuardianSetup(), tracker("web:g1", intent="guardian_setup", entities=choice)
    )
    code = messages[0]["code"]
    assert messages[0]["response"] == "utter_guardian_code" and len(code) == 10

    messages, _ = run(
        scam_actions.ActionGuardianLink(),
        tracker("telegram:4242", text=f"绑定 {code}", intent="guardian_link"),
    )
    assert responses(messages) == ["utter_guardian_linked"]
    messages, _ = run(
        scam_actions.ActionGuardianLink(),
        tracker("telegram:4243", text=f"绑定 {code}", intent="guardian_link"),
    )
    assert responses(messages) == ["utter_guardian_code_invalid"]


def test_linking_without_a_code_asks_for_it(store: Settings) -> None:
    messages, _ = run(
        scam_actions.ActionGuardianLink(), tracker("web:g2", text="输入绑定码", intent="guardian_link")
    )

    assert responses(messages) == ["utter_guardian_ask_code"]


# -- a scam told in the resident's own words, before any answer from the knowledge base -----------


def faq_turn(text: str, *, language: str, elder: bool = False, confident: bool = True) -> Tracker:
    """What Rasa sends when the resident's words went to the FAQ: an answer the selector is sure of
    (a traffic accident), or an unsure one (the "did you mean" path)."""
    confidence = 0.95 if confident else 0.2
    return Tracker(
        sender_id="web:narrator",
        slots={"language": language, "elder_mode": elder},
        latest_message={
            "text": text,
            "intent": {"name": "faq", "confidence": 0.9},
            "entities": [],
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "faq": {
                    "response": {
                        "responses": [{"text": "..."}],
                        "confidence": confidence,
                        "intent_response_key": "faq/fraud_credit",
                        "utter_action": "utter_faq/fraud_credit",
                    },
                    "ranking": [
                        {"id": 0, "confidence": confidence, "intent_response_key": "faq/fraud_credit"},
                        {"id": 1, "confidence": 0.1, "intent_response_key": "faq/fraud_boss"},
                    ],
                },
            },
        },
        events=[{"event": "user", "timestamp": 1700000100.0, "text": text}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


NARRATED = [
    ("有人打电话说我孙子出车祸了要我马上转两万块钱", "zh-Hans", "冒充领导、熟人诈骗"),
    ("有人打電話說我孫子出車禍了，要我馬上轉兩萬塊錢", "zh-Hant", "冒充領導、熟人詐騙"),
    (
        "Someone called saying my grandson was in a car accident and I must send 20,000 yuan now",
        "en",
        "fake boss or acquaintance scam",
    ),
]


@pytest.mark.parametrize(("text", "language", "fraud_type"), NARRATED)
@pytest.mark.parametrize("elder", [False, True])
def test_a_scam_in_progress_is_warned_about_before_any_faq_answer(
    store: Settings, text: str, language: str, fraud_type: str, elder: bool
) -> None:
    from actions import knowledge

    messages, events = run(knowledge.ActionFaqAnswer(), faq_turn(text, language=language, elder=elder))

    assert responses(messages) == ["utter_scam_now", "utter_scam_ask_paid"]
    assert messages[0]["fraud_type"] == fraud_type
    slots = {event["name"]: event["value"] for event in events}
    assert slots["scam_last_type"] == "fraud_boss"


def test_the_did_you_mean_path_warns_first_too(store: Settings) -> None:
    from actions import knowledge

    text = (
        "a man on WeChat wants me to transfer money to a safe account, "
        "he says my card is involved in money laundering"
    )
    messages, _ = run(knowledge.ActionFaqDidYouMean(), faq_turn(text, language="en", confident=False))

    assert responses(messages) == ["utter_scam_now", "utter_scam_ask_paid"]
    assert messages[0]["fraud_type"] == "fake police, prosecutor or court scam"


def test_a_question_about_fraud_still_gets_its_answer(store: Settings) -> None:
    from actions import knowledge

    messages, events = run(knowledge.ActionFaqAnswer(), faq_turn("怎么防范征信诈骗", language="zh-Hans"))

    assert responses(messages) == ["utter_faq/fraud_credit"]
    assert events == []


def test_a_warned_resident_who_already_paid_gets_the_cheated_steps(store: Settings) -> None:
    from actions import knowledge

    run(
        knowledge.ActionFaqAnswer(),
        faq_turn("有人打电话说我孙子出车祸了要我马上转两万块钱", language="zh-Hans"),
    )
    messages, _ = run(
        scam_actions.ActionScamPaid(),
        tracker("web:narrator", intent="scam_paid_yes", slots={"scam_last_type": "fraud_boss"}),
    )

    assert responses(messages)[0] == "utter_faq/fraud_cheated"


def test_a_threat_to_life_is_answered_first_and_the_scam_warning_does_not_follow(store: Settings) -> None:
    from actions import knowledge

    text = "有人打电话说我不转钱就杀了我全家，让我马上转两万"
    messages, _ = run(knowledge.ActionFaqAnswer(), faq_turn(text, language="zh-Hans"))

    assert responses(messages) == ["utter_danger_threat"]


def test_a_fake_kidnapping_call_is_a_scam_in_progress(store: Settings) -> None:
    from actions import knowledge

    text = "有人打电话说我儿子被绑架了，要我马上转二十万赎金，不然就撕票"
    messages, _ = run(knowledge.ActionFaqAnswer(), faq_turn(text, language="zh-Hans", elder=True))

    assert responses(messages)[0] == "utter_scam_now"
    assert responses(messages)[-1] == "utter_scam_ask_paid"


def test_after_five_wrong_codes_even_the_right_one_is_refused_for_a_day(store: Settings) -> None:
    with session_scope(store) as session:
        _, code = guardians.create_invite(
            session=session, resident=residents.for_channel(session=session, channel="web", external_id="g3")
        )
    wrong = str((int(code) + 1) % 10**10).zfill(10)
    for _ in range(5):
        messages, _ = run(
            scam_actions.ActionGuardianLink(),
            tracker("telegram:666", text=f"绑定 {wrong}", intent="guardian_link"),
        )
        assert responses(messages) == ["utter_guardian_code_invalid"]

    messages, _ = run(
        scam_actions.ActionGuardianLink(),
        tracker("telegram:666", text=f"绑定 {code}", intent="guardian_link"),
    )

    assert responses(messages) == ["utter_guardian_code_limited"]
    with session_scope(store) as session:
        elder = residents.for_channel(session=session, channel="web", external_id="g3")
        assert guardians.guardians_of(session=session, resident=elder) == []
    # Someone else with the code is not held back by the guesser.
    messages, _ = run(
        scam_actions.ActionGuardianLink(),
        tracker("telegram:777", text=f"绑定 {code}", intent="guardian_link"),
    )
    assert responses(messages) == ["utter_guardian_linked"]
