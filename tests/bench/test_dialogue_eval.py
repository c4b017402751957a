"""The dialogue evaluation's reading of Rasa 3.6 trackers (bench/dialogue_eval/run.py), its cases
and its survey seeding."""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.dialogue_eval import run
from bench.dialogue_eval.seed_survey import open_survey_for
from bot.conversation.rasa_client import RasaClient
from bot.followups import service as followups
from bot.outbox.enums import OutboxKind
from bot.outbox.models import OutboxItem
from bot.residents import service as residents

# --- tracker builders, in the shapes Rasa 3.6 returns -----------------------------------------


def user(text: str, intent: str, **parse: Any) -> dict[str, Any]:
    return {
        "event": "user",
        "timestamp": 1.0,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text, **parse},
        "input_channel": "web",
        "metadata": {"language": "zh-Hans"},
    }


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "timestamp": 1.0, "name": name, "policy": "RulePolicy", "confidence": 1.0}


def bot(text: str, utter: str | None = None) -> dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": 1.0,
        "text": text,
        "data": {},
        "metadata": {"utter_action": utter} if utter else {},
    }


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": 1.0, "name": name, "value": value}


def loop(name: str | None) -> dict[str, Any]:
    return {"event": "active_loop", "timestamp": 1.0, "name": name}


def rejected(name: str) -> dict[str, Any]:
    return {"event": "action_execution_rejected", "timestamp": 1.0, "name": name}


def tracker(
    turn: list[dict[str, Any]],
    *,
    before: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    slots: dict[str, Any] | None = None,
) -> dict[str, Any]:
    events = [action("action_session_start"), {"event": "session_started"}, action("action_listen")]
    events += before or []
    events += [*turn, action("action_listen")]
    last_user = [e for e in events if e["event"] == "user"][-1]
    return {
        "sender_id": "web:deval-1",
        "slots": {"requested_slot": None, "language": "zh-Hans", **(slots or {})},
        "latest_message": {**last_user["parse_data"], "message_id": "m1"},
        "latest_action_name": "action_listen",
        "active_loop": {"name": active_loop, "validate": True, "rejected": False} if active_loop else {},
        "events": events,
    }


DISPUTE_OPEN = [
    user("我要登记纠纷", "register_dispute"),
    action("dispute_form"),
    loop("dispute_form"),
    slot("requested_slot", "privacy_consent"),
    bot("先说一声：登记要记下您说的事和电话……您同意吗？", "utter_ask_privacy_consent"),
    action("action_listen"),
]
AGREED = [
    user("／choose", "choose"),
    action("dispute_form"),
    slot("privacy_consent", True),
    slot("requested_slot", "dispute_category"),
    bot("是哪一类纠纷？", "utter_ask_dispute_category"),
    action("action_listen"),
]
SURVEY_AT_RATING = [
    user("EXTERNAL: followup_survey", "followup_survey"),
    slot("survey_case", "DT-JF-2026-000123"),
    action("action_start_survey"),
    bot("您好！您的事 DT-JF-2026-000123 办好了。", "utter_survey_intro"),
    action("survey_form"),
    loop("survey_form"),
    slot("requested_slot", "survey_rating"),
    bot("您对处理结果满意吗？", "utter_ask_survey_rating"),
    action("action_listen"),
]


# --- first messages ------------------------------------------------------------------------------


def test_small_talk_by_its_response() -> None:
    assert (
        run.classify(tracker([user("你好", "greet"), action("utter_greet"), bot("您好！", "utter_greet")]))
        == "greet"
    )
    menu = tracker([user("你都能干啥", "help"), action("utter_menu"), bot("我可以：……", "utter_menu")])
    assert run.classify(menu) == "help"


def test_a_knowledge_answer_is_faq_even_when_it_starts_with_110() -> None:
    answer = tracker(
        [
            user(
                "被骗了去哪报案",
                "faq",
                response_selector={"faq": {"response": {"intent_response_key": "faq/report_fraud"}}},
            ),
            action("action_faq_answer"),
            bot("被骗了请立即拨打110报警。然后……"),
        ]
    )
    assert run.classify(answer) == "faq"
    assert run.describe(answer)["faq_key"] == "faq/report_fraud"


def test_did_you_mean_with_choices_is_faq_without_any_is_fallback() -> None:
    choices = tracker(
        [user("遗嘱", "faq"), action("action_faq_did_you_mean"), bot("您是想问：", "utter_faq_did_you_mean")]
    )
    none = tracker(
        [user("嗯嗯", "faq"), action("action_faq_did_you_mean"), bot("没找到", "utter_faq_did_you_mean_none")]
    )
    assert run.classify(choices) == "faq"
    assert run.classify(none) == "fallback"


def test_a_scam_check_that_names_96110_is_not_the_danger_flow() -> None:
    checked = tracker(
        [
            user('/check_scam{"scam_text": "您的ETC已失效"}', "check_scam"),
            action("action_check_scam"),
            bot("这条消息有点可疑，打 96110 问一问。", "utter_scam_result_medium"),
        ]
    )
    assert run.classify(checked) == "scam_check"


def test_a_form_started_by_the_first_message() -> None:
    assert run.classify(
        tracker(DISPUTE_OPEN, active_loop="dispute_form", slots={"requested_slot": "privacy_consent"})
    ) == ("dispute_form")
    petition = [
        user("我要信访", "register_petition"),
        action("petition_form"),
        loop("petition_form"),
        slot("requested_slot", "privacy_consent"),
    ]
    assert run.classify(tracker(petition, active_loop="petition_form")) == "petition_form"


def test_my_cases_elder_mode_subscriptions_guardians_human() -> None:
    case = tracker(
        [
            user("DT-JF-2026-000123", "my_cases"),
            action("action_my_cases"),
            bot("没找到", "utter_case_not_found"),
        ]
    )
    on = tracker(
        [user("字太小了", "elder_mode_on"), action("action_set_elder_mode"), slot("elder_mode", True)]
    )
    off = tracker(
        [user("关掉长辈模式", "elder_mode_off"), action("action_set_elder_mode"), slot("elder_mode", False)]
    )
    alerts = tracker([user("提醒我", "subscribe_alerts"), action("action_subscribe_alerts")])
    guardian = tracker([user("设监护人", "guardian_setup"), action("action_guardian_setup")])
    human = tracker(
        [user("找真人", "ask_human"), action("action_ask_human"), bot("已转给工作人员……遇到骗子马上打 110。")]
    )
    assert [run.classify(t) for t in (case, on, off, alerts, guardian, human)] == [
        "my_cases",
        "elder_mode_on",
        "elder_mode_off",
        "subscribe_alerts",
        "guardian_setup",
        "human",
    ]


def test_a_bare_number_gets_a_question_not_an_answer() -> None:
    dedicated = tracker(
        [user("13805541234", "bare_number"), action("action_ask_what_you_want"), bot("您想办什么事？")]
    )
    fallback = tracker(
        [user("13805541234", "nlu_fallback"), action("utter_default"), bot("没听明白。", "utter_default")]
    )
    legal = tracker([user("13805541234", "faq"), action("action_faq_answer"), bot("借条要写清楚……")])
    assert run.classify(dedicated) == "ask_what_you_want"
    assert run.classify(fallback) == "fallback"
    # The assistant has a reply of its own for a bare number: "I didn't understand" is not it.
    assert not run.reached("ask_what_you_want", "fallback")
    assert run.classify(legal) == "faq"
    assert not run.reached("ask_what_you_want", "faq")


def test_danger_by_name_or_by_110_first() -> None:
    named = tracker([user("他要弄死我", "danger"), action("utter_danger_call_110"), bot("请马上拨打110！")])
    first = tracker(
        [
            user("我不想活了", "out_of_scope"),
            action("utter_out_of_scope"),
            bot("请马上拨打110或120。我们在。"),
        ]
    )
    later = tracker(
        [
            user("明天天气", "out_of_scope"),
            action("utter_out_of_scope"),
            bot("这个我帮不上。我管防骗。遇事打110。"),
        ]
    )
    goodbye = tracker(
        [user("再见", "goodbye"), action("utter_goodbye"), bot("Goodbye! If you are being scammed, call 110")]
    )
    assert run.classify(named) == "danger"
    assert run.classify(first) == "danger"
    assert run.classify(later) == "out_of_scope"
    assert run.classify(goodbye) == "goodbye"


# --- mid-form replies ----------------------------------------------------------------------------


def test_an_answer_the_form_takes_stays_in_the_form() -> None:
    answer = [
        user("邻里纠纷", "out_of_scope"),
        action("dispute_form"),
        slot("dispute_category", "neighbours"),
        slot("requested_slot", "township"),
        action("action_ask_township"),
        bot("您住在哪个镇（街道）？", "utter_ask_township"),
    ]
    state = tracker(answer, before=DISPUTE_OPEN + AGREED, active_loop="dispute_form")
    assert run.classify(state) == "dispute_form"
    assert run.last_turn(state).loop_before == "dispute_form"


def test_a_phone_number_the_form_reads_as_a_wrong_answer_is_still_the_form() -> None:
    retry = [user("13955443322", "faq"), action("dispute_form"), slot("intake_failures", 1), bot("请选一类")]
    assert (
        run.classify(tracker(retry, before=DISPUTE_OPEN + AGREED, active_loop="dispute_form"))
        == "dispute_form"
    )


def test_a_no_or_a_rating_the_form_takes_as_an_answer_is_the_form() -> None:
    dont_know = [user("不知道", "deny"), action("dispute_form"), slot("other_party", "不知道")]
    so_so = [
        user("还行", "rate_basically_satisfied"),
        action("dispute_form"),
        slot("dispute_request", "还行"),
    ]
    for turn in (dont_know, so_so):
        assert (
            run.classify(tracker(turn, before=DISPUTE_OPEN + AGREED, active_loop="dispute_form"))
            == "dispute_form"
        )


def test_a_message_the_form_rejects_goes_to_the_rule_that_handled_it() -> None:
    human = [
        user("找个人帮俺填吧", "ask_human"),
        action("dispute_form"),
        rejected("dispute_form"),
        action("action_ask_human"),
        bot("已转给工作人员"),
        action("dispute_form"),
        slot("requested_slot", "dispute_category"),
    ]
    stray = [
        user("今天几号", "out_of_scope"),
        action("dispute_form"),
        rejected("dispute_form"),
        action("utter_out_of_scope"),
    ]
    assert run.classify(tracker(human, before=DISPUTE_OPEN + AGREED, active_loop="dispute_form")) == "human"
    assert (
        run.classify(tracker(stray, before=DISPUTE_OPEN + AGREED, active_loop="dispute_form"))
        == "out_of_scope"
    )


def test_the_last_answer_submits_the_form() -> None:
    submit = [
        user("是的", "choose"),
        action("petition_form"),
        slot("intake_confirm", True),
        loop(None),
        action("action_submit_petition"),
    ]
    assert run.classify(tracker(submit)) == "petition_form"


# --- mid-survey replies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "flow"),
    [
        ("survey_rating", "basically_satisfied", "survey_rating:basically_satisfied"),
        ("survey_solved", "no", "survey_solved:no"),
        ("survey_solved", "partly", "survey_solved:partly"),
    ],
)
def test_a_typed_survey_answer_is_the_slot_it_filled(name: str, value: str, flow: str) -> None:
    answer = [user("还行吧", "rate_basically_satisfied"), action("survey_form"), slot(name, value)]
    assert run.classify(tracker(answer, before=SURVEY_AT_RATING, active_loop="survey_form")) == flow


def test_a_survey_answer_the_form_rejected_is_not_an_answer() -> None:
    wrong_step = [
        user("不满意", "rate_not_satisfied"),
        action("survey_form"),
        rejected("survey_form"),
        action("utter_default"),
    ]
    got = run.classify(tracker(wrong_step, before=SURVEY_AT_RATING, active_loop="survey_form"))
    assert not got.startswith("survey_")


def test_the_setup_turns_do_not_count() -> None:
    greet = [
        user("你好", "greet"),
        action("survey_form"),
        rejected("survey_form"),
        action("utter_greet"),
        bot("您好"),
    ]
    later = tracker(greet, before=SURVEY_AT_RATING, active_loop="survey_form")
    assert run.classify(later) == "greet"
    assert run.last_turn(later).slots_set == {}


# --- confirmations ---------------------------------------------------------------------------------


def test_the_privacy_notice_agreed_or_declined() -> None:
    agreed = tracker(AGREED, before=DISPUTE_OPEN, active_loop="dispute_form")
    declined = [
        user("不同意", "deny"),
        action("dispute_form"),
        slot("privacy_consent", False),
        bot("好的，不登记了。", "utter_privacy_declined"),
        loop(None),
    ]
    assert run.classify(agreed) == "confirm_yes"
    assert run.classify(tracker(declined, before=DISPUTE_OPEN)) == "confirm_no"


def test_deleting_ones_data_confirmed_or_not() -> None:
    asked = [
        user("删除我的个人信息", "delete_my_data"),
        action("utter_ask_delete_my_data"),
        action("action_listen"),
    ]
    yes = [
        user("确定删", "confirm_delete_my_data"),
        action("action_delete_my_data"),
        bot("已删除", "utter_data_deleted"),
    ]
    no = [user("不删了", "deny"), action("utter_nothing_changed")]
    assert run.classify(tracker(yes, before=asked)) == "confirm_yes"
    assert run.classify(tracker(no, before=asked)) == "confirm_no"


# --- the cases, the report, the plumbing -------------------------------------------------------------

FLOWS = {
    "faq", "scam_check", "dispute_form", "petition_form", "my_cases", "ask_what_you_want",
    "confirm_yes", "confirm_no", "elder_mode_on", "elder_mode_off", "subscribe_alerts",
    "guardian_setup", "human", "danger", "out_of_scope", "greet", "thank", "goodbye", "help",
}  # fmt: skip
SURVEY = {f"survey_rating:{v}" for v in ("satisfied", "basically_satisfied", "not_satisfied")} | {
    f"survey_solved:{v}" for v in ("yes", "partly", "no")
}


def test_the_cases_are_well_formed_and_spread() -> None:
    cases = run.load_cases()
    assert len(cases) >= 180
    langs = Counter(c["lang"] for c in cases)
    assert set(langs) == {"zh-Hans", "zh-Hant", "en"}
    assert 0.55 <= langs["zh-Hans"] / len(cases) <= 0.65
    assert 0.12 <= langs["zh-Hant"] / len(cases) <= 0.18
    assert 0.20 <= langs["en"] / len(cases) <= 0.30
    kinds = Counter(c["kind"] for c in cases)
    assert (
        kinds["first"] >= 70
        and kinds["mid_form"] >= 40
        and kinds["mid_survey"] >= 40
        and kinds["confirm"] >= 30
    )
    for case in cases:
        assert case["expect"] in FLOWS | SURVEY, case["id"]
        assert isinstance(case["message"], str) and case["message"].strip(), case["id"]
        for step in case.get("setup") or []:
            assert isinstance(step, str) or set(step) in ({"privacy"}, {"survey", "at"}), case["id"]
        if case["kind"] == "mid_survey":
            assert case["expect"] in SURVEY
    assert {c["expect"] for c in cases} >= FLOWS | SURVEY


def test_the_report_gives_shares_and_failures() -> None:
    results = [
        run.Result("a", "en", "first", "faq", "hi", "faq", True),
        run.Result("b", "en", "mid_survey", "survey_rating:satisfied", "ok", "fallback", False),
        run.Result("c", "zh-Hans", "mid_survey", "survey_solved:no", "没有", "survey_solved:no", True),
    ]
    assert run.shares(results, "lang") == {"en": (1, 2), "zh-Hans": (1, 1)}
    assert run.shares(results, "flow") == {"faq": (1, 1), "survey_rating": (0, 1), "survey_solved": (1, 1)}
    text = run.report(results)
    assert "2/3" in text and "b [en/mid_survey]" in text and "got fallback" in text


def test_the_agree_button_is_found_among_signed_payloads() -> None:
    replies = [
        {
            "text": "您同意吗？",
            "buttons": [
                {"title": "2 不同意", "payload": '/choose{"c":"no"}~x'},
                {"title": "1 同意", "payload": '/choose{"c":"yes"}~AbC'},
            ],
        }
    ]
    assert run.agree_button(replies) == '/choose{"c":"yes"}~AbC'
    assert run.agree_button([{"text": "好", "buttons": []}]) is None


def test_the_rasa_instance_is_the_gateways() -> None:
    urls = ["http://a:5005", "http://b:5005", "http://c:5005"]
    client = RasaClient(settings=SimpleNamespace(rasa=SimpleNamespace(urls=urls)), http=None)  # type: ignore[arg-type]
    for n in range(20):
        conversation = f"web:deval-{n}"
        assert run.instance_for(conversation, urls) == client.instance_for(conversation)


def test_only_selects_ids_or_a_kind() -> None:
    cases = run.load_cases()
    assert [c["id"] for c in run.select(cases, "f-hans-01,c-en-09")] == ["f-hans-01", "c-en-09"]
    assert {c["kind"] for c in run.select(cases, "mid_survey")} == {"mid_survey"}


def test_the_seed_leaves_a_survey_the_dispatcher_asks_now(session: Session) -> None:
    number = open_survey_for(session, "deval-test-s-en-01", "en")
    resident = residents.for_channel(session=session, channel="web", external_id="deval-test-s-en-01")
    assert resident.language == "en"
    with pytest.raises(followups.NoOpenSurvey):  # not asked yet
        followups.open_survey(session=session, resident=resident, case_number=number)
    # What the stack's dispatcher does every few seconds: the survey is due, so it is asked.
    [item] = [i for i in outbox_items(session, resident) if i.kind is OutboxKind.SURVEY]
    assert item.body["entities"] == {"case_number": number}
    assert item.channel == "web"
    survey = followups.open_survey(session=session, resident=resident, case_number=number)
    assert survey.case.number == number


def test_the_seed_marks_the_survey_sent_for_an_evaluation_without_a_gateway(session: Session) -> None:
    number = open_survey_for(session, "deval-test-s-en-02", "en", mark_sent=True)
    resident = residents.for_channel(session=session, channel="web", external_id="deval-test-s-en-02")
    assert followups.open_survey(session=session, resident=resident, case_number=number).case.number == number
    assert not [i for i in outbox_items(session, resident) if i.kind is OutboxKind.SURVEY]


def outbox_items(session: Session, resident: Any) -> list[OutboxItem]:
    followups.send_due(session=session)
    return list(session.scalars(select(OutboxItem).where(OutboxItem.resident_id == resident.id)))


# --- playing a case against a fake gateway and Rasa ----------------------------------------------


class FakeStack:
    """The gateway's /api/chat and Rasa's tracker and trigger_intent, for a few scripted turns."""

    def __init__(self, *, hold_back: bool = False) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.loop: dict[str, str | None] = {}
        self.requested: dict[str, str | None] = {}
        self.hold_back = hold_back
        self.seen: list[tuple[str, str]] = []
        self.polled = 0  # GET /api/chat/pending

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/chat/pending":
            self.polled += 1
            # The stack's dispatcher asking the due survey: Rasa starts it, the web chat gets the
            # question with its (signed) buttons.
            conversation = f"web:{request.url.params['sender']}"
            if self.loop.get(conversation) == "survey_form":
                return httpx.Response(200, json={"replies": []})
            self.start_survey(conversation)
            buttons = [
                {"title": "满意", "payload": "/rate_satisfied~sig"},
                {"title": "不满意", "payload": "x~y"},
            ]
            return httpx.Response(200, json={"replies": [{"text": "您满意吗？", "buttons": buttons}]})
        if path == "/api/chat":
            body = json.loads(request.content)
            conversation = f"web:{body['sender']}"
            self.seen.append((conversation, body.get("text") or body.get("payload")))
            return httpx.Response(200, json={"replies": self.chat(conversation, body), "language": "zh-Hans"})
        conversation = path.split("/")[2]
        assert request.url.params["token"] == "t0ken"
        if path.endswith("/trigger_intent"):
            name = json.loads(request.content)["name"]
            if name == "rate_satisfied":
                self.rate_satisfied(conversation, user("EXTERNAL", name))
            else:
                self.start_survey(conversation)
            return httpx.Response(200, json={"messages": []})
        events = self.events.get(conversation, [])
        loop = self.loop.get(conversation)
        return httpx.Response(
            200,
            json={
                "events": events,
                "slots": {"requested_slot": self.requested.get(conversation)},
                "latest_message": {},
                "active_loop": {"name": loop} if loop else {},
            },
        )

    def start_survey(self, conversation: str) -> None:
        self.events.setdefault(conversation, []).extend(SURVEY_AT_RATING[:-1])
        self.loop[conversation], self.requested[conversation] = "survey_form", "survey_rating"

    def rate_satisfied(self, conversation: str, said: dict[str, Any]) -> None:
        turn = [
            said,
            action("survey_form"),
            slot("survey_rating", "satisfied"),
            slot("requested_slot", "survey_solved"),
        ]
        self.events.setdefault(conversation, []).extend(turn)
        self.requested[conversation] = "survey_solved"

    def chat(self, conversation: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        if self.hold_back:
            return [{"text": "系统正忙", "buttons": []}]
        events = self.events.setdefault(conversation, [])
        if body.get("payload") == "/rate_satisfied~sig":
            self.rate_satisfied(conversation, user("/rate_satisfied", "rate_satisfied"))
            return [{"text": "解决了吗？", "buttons": [{"title": "没解决", "payload": "/solved_no~sig"}]}]
        if body.get("text") == "我要登记纠纷":
            events.extend(DISPUTE_OPEN)
            self.loop[conversation], self.requested[conversation] = "dispute_form", "privacy_consent"
            buttons = [
                {"title": "1 同意", "payload": '/choose{"c":"yes"}~sig'},
                {"title": "2 不同意", "payload": "x~y"},
            ]
            return [{"text": "您同意吗？", "buttons": buttons}]
        if body.get("payload") == '/choose{"c":"yes"}~sig':
            events.extend(AGREED)
            self.requested[conversation] = "dispute_category"
            return [{"text": "是哪一类纠纷？", "buttons": []}]
        if self.loop.get(conversation) == "survey_form":
            events.extend(
                [user(body["text"], "solved_no"), action("survey_form"), slot("survey_solved", "no")]
            )
            return [{"text": "还有话要说吗？", "buttons": []}]
        if self.loop.get(conversation) == "dispute_form":
            events.extend(
                [user(body["text"], "out_of_scope"), action("dispute_form"), slot("dispute_category", "debt")]
            )
            return [{"text": "您住在哪个镇？", "buttons": []}]
        events.extend([user(body["text"], "faq"), action("action_faq_answer"), bot("借条……")])
        return [{"text": "借条……", "buttons": []}]


def play(
    case: dict[str, Any], fake: FakeStack, seeded: dict[str, str] | None = None, *options: str
) -> run.Result:
    args = run.parse_args(["--rasa-token", "t0ken", "--secrets", "/nonexistent", *options])
    with httpx.Client(transport=httpx.MockTransport(fake.handler), base_url="http://x") as http:
        return run.play(run.Stack(args, http), case, "deval-1", seeded or {})


def test_a_mid_form_case_agrees_to_the_notice_then_answers() -> None:
    fake = FakeStack()
    case = {"id": "m", "lang": "zh-Hans", "kind": "mid_form", "expect": "dispute_form", "message": "借钱不还"}
    result = play({**case, "setup": ["我要登记纠纷", {"privacy": "agree"}]}, fake)
    assert (result.got, result.ok, result.setup_ok, result.error) == ("dispute_form", True, True, None)
    assert [text for _, text in fake.seen] == ["我要登记纠纷", '/choose{"c":"yes"}~sig', "借钱不还"]
    assert {conversation for conversation, _ in fake.seen} == {"web:deval-1"}


def test_a_survey_case_is_started_and_brought_to_its_question() -> None:
    fake = FakeStack()
    case = {
        "id": "s", "lang": "zh-Hans", "kind": "mid_survey", "expect": "survey_solved:no", "message": "没解决",
        "setup": [{"survey": "DT-JF-2026-000123", "at": "solved"}],
    }  # fmt: skip
    result = play(case, fake, {"deval-1": "DT-JF-2026-000999"})
    assert (result.got, result.ok, result.setup_ok) == ("survey_solved:no", True, True)
    # Through the gateway, as a resident: the dispatcher's question, its button pressed, then typed.
    assert [text for _, text in fake.seen] == ["/rate_satisfied~sig", "没解决"]
    unseeded = play(case, FakeStack())
    assert not unseeded.setup_ok
    # Without a gateway (--direct) the survey is started and rated in Rasa itself.
    direct = FakeStack()
    assert play(case, direct, {"deval-1": "DT-JF-2026-000999"}, "--direct").setup_ok
    assert (fake.polled > 0, direct.polled) == (True, 0)


def test_a_message_that_never_reached_rasa_is_an_error_not_a_flow() -> None:
    case = {"id": "f", "lang": "zh-Hans", "kind": "first", "expect": "faq", "message": "借条咋写"}
    assert play(case, FakeStack()).got == "faq"
    held = play(case, FakeStack(hold_back=True))
    assert (held.ok, held.got) == (False, "error") and "never reached Rasa" in (held.error or "")


def test_an_opening_that_starts_no_form_is_a_setup_failure() -> None:
    case = {"id": "m", "lang": "en", "kind": "mid_form", "expect": "dispute_form", "message": "13866778899"}
    result = play({**case, "setup": ["I want to register a dispute", {"privacy": "agree"}]}, FakeStack())
    assert not result.setup_ok and result.detail["setup_flow"] == "faq"
    assert "(after setup: faq)" in run.report([result])


def test_no_longer_case_message_is_in_the_training_data_or_the_rasa_tests() -> None:
    """The set is held out: a message of some length found verbatim in nlu_data/, stories/ or
    tests/rasa/ means it was copied there (short ones like "你好" may be written twice by chance)."""
    root = run.ROOT
    texts = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("nlu_data", "stories", "tests/rasa")
        for path in sorted((root / folder).rglob("*.yml"))
    )
    copied = {c["id"] for c in run.load_cases() if len(c["message"]) >= 10 and c["message"] in texts}
    assert copied == COINCIDENCES


# Written independently (the cases' commit comes first on the branch), found verbatim in the
# training data afterwards: common phrasings. Any other overlap is a copy.
COINCIDENCES = {"f-hans-07", "f-en-08", "f-en-18", "s-en-01", "s-en-05", "c-en-08"}


def test_the_selector_s_list_of_retrieval_intents_is_not_read_as_an_answer() -> None:
    parse = {
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": "faq/fraud_brush"}, "ranking": []},
        }
    }
    assert run._faq_key(parse) == "faq/fraud_brush"


def test_a_scam_told_as_it_happens_counts_as_the_scam_check_even_inside_the_knowledge_action() -> None:
    warned = tracker(
        [
            user("有人打电话说我孙子出车祸了", "faq"),
            action("action_faq_answer"),
            bot("⚠ 请先停一停！", "utter_scam_now"),
        ]
    )
    assert run.classify(warned) == "scam_check"


def test_an_erased_conversation_counts_only_as_a_confirmed_deletion() -> None:
    assert run.reached("confirm_yes", "erased")
    assert not run.reached("confirm_no", "erased")
