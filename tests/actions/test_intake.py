"""The intake actions, run on saved trackers with CollectingDispatcher against the real store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.intake as intake_actions
from bot import transcript
from bot.cases.enums import CaseStatus, EventAction
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.residents import service as residents

DISPUTE_ANSWERS: dict[str, Any] = {
    "privacy_consent": True,
    "dispute_category": "neighbours",
    "township": "孔店乡",
    "village": "毛郢村",
    "dispute_description": "楼上邻居每天半夜装修，吵得睡不着。",
    "other_party": "楼上住户",
    "dispute_request": "晚上十点后停止施工",
    "contact_phone": "13812345678",
    "mediation_preference": "room",
    "intake_confirm": "submit",
}
PETITION_ANSWERS: dict[str, Any] = {
    "privacy_consent": True,
    "petition_subject": "养老金核定有误",
    "township": "洛河镇",
    "petition_facts": "去年退休后养老金核定金额与缴费记录不符，请求重新核定。",
    "other_body": "none",
    "resident_name": "王小明",
    "contact_phone": "0554-6661234",
    "id_number": "11010519491231002X",
    "intake_confirm": "submit",
}


@pytest.fixture
def store(committed: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The actions' settings point at the test store (emptied afterwards)."""
    monkeypatch.setattr(intake_actions, "settings", lambda: committed)
    return committed


def tracker(
    sender: str,
    *,
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "nlu_fallback",
    entities: list[dict[str, Any]] | None = None,
    form: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={"language": "zh-Hans", **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.95},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": form} if form else {},
        latest_action_name="action_listen",
    )


def run(action: Any, saved: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, saved, {}))
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def test_agreeing_to_the_notice_stores_consent_and_asks_the_category(store: Settings) -> None:
    saved = tracker(
        "web:consent-1", text="同意", slots={"requested_slot": "privacy_consent"}, form="dispute_form"
    )
    _messages, events = run(intake_actions.ValidateDisputeForm(), saved)

    assert slot_events(events) == {
        "privacy_consent": True,
        "intake_failures": None,
        "requested_slot": "dispute_category",
    }
    with session_scope(store) as session:
        resident = residents.find_by_channel(session=session, channel="web", external_id="consent-1")
        assert resident is not None and resident.has_consented
        assert resident.consent_notice_version == "intake-2026-1"


def test_declining_the_notice_stores_nothing_and_ends_the_form(store: Settings) -> None:
    saved = tracker(
        "web:consent-2", text="不同意", slots={"requested_slot": "privacy_consent"}, form="dispute_form"
    )
    messages, events = run(intake_actions.ValidateDisputeForm(), saved)

    assert [message["response"] for message in messages] == ["utter_privacy_declined"]
    assert slot_events(events)["requested_slot"] is None
    with session_scope(store) as session:
        resident = residents.find_by_channel(session=session, channel="web", external_id="consent-2")
        assert resident is None or not resident.has_consented


def test_a_question_mid_form_produces_no_events_so_the_rules_answer_it(store: Settings) -> None:
    saved = tracker(
        "web:faq-1",
        text="调解要收费吗",
        intent="faq",
        slots={"privacy_consent": True, "requested_slot": "dispute_description"},
        form="dispute_form",
    )
    messages, events = run(intake_actions.ValidateDisputeForm(), saved)
    assert messages == []
    assert slot_events(events) == {"requested_slot": "dispute_category"} or all(
        event["name"] == "requested_slot" for event in events
    )


def test_the_third_wrong_phone_number_offers_help_or_a_person(store: Settings) -> None:
    slots = {**DISPUTE_ANSWERS, "contact_phone": None, "mediation_preference": None, "intake_confirm": None}
    failures: Any = None
    responses = []
    for _ in range(3):
        saved = tracker(
            "web:phone-1",
            text="12345",
            slots={**slots, "requested_slot": "contact_phone", "intake_failures": failures},
            form="dispute_form",
        )
        messages, events = run(intake_actions.ValidateDisputeForm(), saved)
        failures = slot_events(events)["intake_failures"]
        responses.append(messages[0]["response"])
    assert responses == ["utter_intake_invalid_phone", "utter_intake_invalid_phone", "utter_intake_stuck"]
    assert messages[0]["hotline"] == "12345"


def test_an_unknown_village_gets_suggestions_as_numbered_buttons(store: Settings) -> None:
    saved = tracker(
        "web:village-1",
        text="毛营村",
        slots={
            "privacy_consent": True,
            "dispute_category": "land",
            "township": "孔店乡",
            "requested_slot": "village",
        },
        form="dispute_form",
    )
    messages, events = run(intake_actions.ValidateDisputeForm(), saved)
    assert messages[0]["response"] == "utter_intake_village_did_you_mean"
    assert [button["title"] for button in messages[0]["buttons"]] == ["1 毛郢村", "2 就按「毛营村」"]
    assert all(len(button["payload"].encode()) < 48 for button in messages[0]["buttons"])
    assert slot_events(events)["requested_slot"] == "village"


def test_the_summary_has_a_submit_and_an_edit_button_per_answer(store: Settings) -> None:
    saved = tracker("web:summary-1", slots={**DISPUTE_ANSWERS, "intake_confirm": None}, form="dispute_form")
    messages, _ = run(intake_actions.ActionAskIntakeConfirm(), saved)
    summary = messages[0]
    assert summary["response"] == "utter_dispute_summary"
    assert summary["place"] == "孔店乡 毛郢村"
    assert summary["phone"] == "13812345678"
    titles = [button["title"] for button in summary["buttons"]]
    assert titles == [
        "1 确认提交",
        "2 改纠纷类型",
        "3 改地点",
        "4 改经过",
        "5 改对方",
        "6 改诉求",
        "7 改电话",
        "8 改调解方式",
    ]
    assert all(
        payload.isascii() and len(payload) < 48 for payload in (b["payload"] for b in summary["buttons"])
    )


def test_submitting_a_dispute_registers_it_and_links_the_conversation(store: Settings) -> None:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="submit-1")
        residents.record_consent(session=session, resident=resident, notice_version="intake-2026-1")
        transcript.record(session=session, resident=resident, direction="in", channel="web", text="我要调解")
    saved = tracker("web:submit-1", slots=DISPUTE_ANSWERS, form=None)
    messages, events = run(intake_actions.ActionSubmitDispute(), saved)

    receipt = messages[0]
    assert receipt["response"] == "utter_dispute_registered"
    assert receipt["case_number"].startswith("DT-JF-")
    assert receipt["room"] == "孔店乡各村百姓说事室"
    assert (
        receipt["room_details"] == "说事室的地址和开放时间请咨询所在村"
    )  # the profile's fallback, nothing invented
    assert slot_events(events)["last_case_number"] == receipt["case_number"]
    assert slot_events(events)["contact_phone"] is None
    with session_scope(store) as session:
        case = session.scalar(select(Case).where(Case.number == receipt["case_number"]))
        assert case is not None
        assert (case.kind.value, case.category.value, case.status) == (
            "dispute",
            "neighbours",
            CaseStatus.REGISTERED,
        )
        assert (case.township, case.village, case.other_party) == ("孔店乡", "毛郢村", "楼上住户")
        assert case.contact_phone == "13812345678"
        assert case.contact_preference is not None and case.contact_preference.value == "visit_village"
        assert [event.action for event in case.events] == [EventAction.CREATED]
        assert [message.text for message in transcript.for_case(session=session, case=case)] == ["我要调解"]


def test_submitting_a_petition_keeps_the_name_and_id_number(store: Settings) -> None:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="telegram", external_id="5001")
        residents.record_consent(session=session, resident=resident, notice_version="intake-2026-1")
    saved = tracker("telegram:5001", slots=PETITION_ANSWERS)
    messages, events = run(intake_actions.ActionSubmitPetition(), saved)
    assert messages[0]["response"] == "utter_petition_registered"
    # Registered: nothing personal stays in the conversation's slots (Rasa's tracker keeps them).
    personal = ("resident_name", "contact_phone", "id_number", "petition_facts", "petition_subject")
    assert {slot: slot_events(events)[slot] for slot in personal} == dict.fromkeys(personal)
    with session_scope(store) as session:
        case = session.scalar(select(Case).where(Case.number == messages[0]["case_number"]))
        assert case is not None
        assert (case.kind.value, case.channel.value, case.id_number) == (
            "petition",
            "telegram",
            "11010519491231002X",
        )
        assert case.resident.name == "王小明"


def test_a_petition_in_court_is_not_registered_and_the_right_route_is_named(store: Settings) -> None:
    saved = tracker("web:court-1", slots={**PETITION_ANSWERS, "other_body": "court", "intake_confirm": None})
    messages, _ = run(intake_actions.ActionSubmitPetition(), saved)
    assert [message["response"] for message in messages] == ["utter_petition_in_litigation"]
    with session_scope(store) as session:
        assert session.scalar(select(Case)) is None


def test_cancel_stops_the_form_and_forgets_the_answers(store: Settings) -> None:
    saved = tracker(
        "web:cancel-1", text="取消", intent="intake_cancel", slots=DISPUTE_ANSWERS, form="dispute_form"
    )
    messages, events = run(intake_actions.ActionIntakeCancel(), saved)
    assert messages[0]["response"] == "utter_intake_cancelled"
    assert {"event": "active_loop", "name": None} in [
        {"event": event["event"], "name": event.get("name")} for event in events
    ]
    assert slot_events(events)["dispute_description"] is None


def test_go_back_forgets_the_previous_answer(store: Settings) -> None:
    slots = {
        "privacy_consent": True,
        "dispute_category": "family",
        "township": "洛河镇",
        "requested_slot": "village",
    }
    saved = tracker("web:back-1", text="返回", intent="intake_back", slots=slots, form="dispute_form")
    _, events = run(intake_actions.ActionIntakeBack(), saved)
    assert slot_events(events)["township"] is None
    assert "dispute_category" not in slot_events(events)


def test_answers_the_store_refuses_get_the_polite_failure_and_a_log_without_the_values(
    store: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="refused-1")
        residents.record_consent(session=session, resident=resident, notice_version="intake-2026-1")
    saved = tracker("web:refused-1", slots={**DISPUTE_ANSWERS, "contact_phone": "12345"})
    with caplog.at_level("WARNING", logger="actions.intake"):
        messages, _ = run(intake_actions.ActionSubmitDispute(), saved)

    assert [message["response"] for message in messages] == ["utter_intake_failed"]
    assert "contact_phone" in caplog.text and "12345" not in caplog.text


def test_an_error_that_is_not_about_the_answers_is_not_swallowed(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: Any) -> None:
        raise ValueError("a bug, not a resident's answer")

    monkeypatch.setattr(intake_actions.intake, "register", broken)
    saved = tracker("web:bug-1", slots=DISPUTE_ANSWERS)

    with pytest.raises(ValueError, match="a bug"):
        run(intake_actions.ActionSubmitDispute(), saved)


def test_the_story_told_in_the_opening_message_is_kept_shown_and_not_asked_again(store: Settings) -> None:
    saved = tracker(
        "web:opening-1",
        text="我要登记一个纠纷，邻居家天天漏水到我家",
        intent="register_dispute",
        form="dispute_form",
    )
    messages, events = run(intake_actions.ValidateDisputeForm(), saved)

    slots = slot_events(events)
    assert slots["dispute_description"] == "邻居家天天漏水到我家"
    assert [m["response"] for m in messages] == ["utter_intake_noted_opening"]
    assert messages[0]["story"] == "邻居家天天漏水到我家"
    # The form goes on with what is missing, first the notice; the story question never comes.
    assert slots["requested_slot"] == "privacy_consent"


def test_a_petition_opened_with_its_facts_keeps_them_in_english_too(store: Settings) -> None:
    saved = tracker(
        "web:opening-2",
        text="I want to file a petition: the road to our village has been broken for two years",
        intent="register_petition",
        form="petition_form",
        slots={"language": "en"},
    )
    _messages, events = run(intake_actions.ValidatePetitionForm(), saved)

    assert slot_events(events)["petition_facts"] == "the road to our village has been broken for two years"


def test_an_opening_that_is_only_the_request_asks_everything_as_before(store: Settings) -> None:
    saved = tracker("web:opening-3", text="我要登记纠纷", intent="register_dispute", form="dispute_form")
    messages, events = run(intake_actions.ValidateDisputeForm(), saved)

    assert "dispute_description" not in slot_events(events)
    assert messages == []


def test_a_description_that_shows_danger_is_answered_with_110_first(store: Settings) -> None:
    slots = {"privacy_consent": True, "dispute_category": "family", "township": "洛河镇", "village": "新庄村"}
    saved = tracker(
        "web:danger-1",
        text="我老公一喝酒就打我",
        slots={**slots, "requested_slot": "dispute_description"},
        form="dispute_form",
    )
    messages, events = run(intake_actions.ValidateDisputeForm(), saved)

    assert messages[0]["response"] == "utter_danger_violence"
    assert slot_events(events)["dispute_description"] == "我老公一喝酒就打我"


def test_the_message_that_opens_the_form_is_read_for_danger(store: Settings) -> None:
    saved = tracker(
        "web:danger-2", text="他扬言要杀了我，想登记调解", intent="register_dispute", form="dispute_form"
    )
    messages, _ = run(intake_actions.ValidateDisputeForm(), saved)

    assert messages[0]["response"] == "utter_danger_threat"


def test_a_traditional_description_is_stored_as_written(store: Settings) -> None:
    slots = {
        "privacy_consent": True,
        "dispute_category": "neighbours",
        "township": "洛河镇",
        "village": "新庄村",
    }
    saved = tracker(
        "web:hant-1",
        text="楼上邻居每天半夜装修",
        slots={**slots, "language": "zh-Hant", "requested_slot": "dispute_description"},
        form="dispute_form",
    )
    saved.latest_message["metadata"] = {"text_as_written": "樓上鄰居每天半夜裝修"}
    _messages, events = run(intake_actions.ValidateDisputeForm(), saved)

    assert slot_events(events)["dispute_description"] == "樓上鄰居每天半夜裝修"
