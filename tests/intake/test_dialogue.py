"""Reading a resident's answers to the intake's questions, typed or pressed."""

from __future__ import annotations

import pytest

from bot.district import DistrictProfile
from bot.intake import dialogue, places
from bot.intake.dialogue import DISPUTE_FORM, PETITION_FORM, Message, read_answer

VALID_ID = "11010519491231002X"


def read(slot: str, text: str = "", form: str = DISPUTE_FORM, profile: DistrictProfile | None = None, **kw):
    slots = kw.pop("slots", {})
    assert profile is not None
    return read_answer(form, slot, Message(text=text, **kw), slots, profile)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("邻里纠纷", "neighbours"),
        ("1", "neighbours"),
        ("3", "labour"),
        ("老板拖欠工资", "labour"),
        ("Traffic", "traffic"),
        ("第二个", "family"),
        ("７", "other"),
    ],
)
def test_a_category_can_be_typed_as_its_name_number_or_a_word(profile, typed, key) -> None:
    reading = read("dispute_category", typed, profile=profile)
    assert reading is not None and reading.slots == {"dispute_category": key}


def test_a_pressed_category_button_is_taken_as_is(profile) -> None:
    reading = read("dispute_category", "", pressed="consumer", intent="choose", profile=profile)
    assert reading is not None and reading.slots == {"dispute_category": "consumer"}


def test_an_unknown_category_is_asked_again_with_a_hint(profile) -> None:
    reading = read("dispute_category", "不知道", intent="nlu_fallback", profile=profile)
    assert reading is not None
    assert reading.slots == {"dispute_category": None}
    assert reading.say == [("utter_intake_invalid_category", {})]
    assert not reading.accepted


def test_a_question_in_the_middle_is_not_taken_as_an_answer(profile) -> None:
    assert read("dispute_description", "调解要收费吗", intent="faq", confidence=0.9, profile=profile) is None
    assert read("dispute_category", "调解要收费吗", intent="faq", confidence=0.9, profile=profile) is None


def test_cancel_back_and_start_over_are_never_answers(profile) -> None:
    for text in ("取消", "返回", "重新开始", "go back"):
        assert read("dispute_description", text, intent="nlu_fallback", profile=profile) is None
        assert read("contact_phone", text, intent="nlu_fallback", profile=profile) is None


def test_a_description_is_taken_in_the_residents_words(profile) -> None:
    reading = read(
        "dispute_description", "楼上邻居每天半夜装修，吵得睡不着", intent="register_dispute", profile=profile
    )
    assert reading is not None and reading.slots == {
        "dispute_description": "楼上邻居每天半夜装修，吵得睡不着"
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("我的电话是 138 1234 5678", "13812345678"),
        ("0554-6661234", "0554-6661234"),
    ],
)
def test_a_phone_number_is_found_and_normalised(profile, typed, stored) -> None:
    reading = read("contact_phone", typed, profile=profile)
    assert reading is not None and reading.slots == {"contact_phone": stored}


def test_a_wrong_phone_number_is_explained(profile) -> None:
    reading = read("contact_phone", "12345", profile=profile)
    assert reading is not None and reading.say == [("utter_intake_invalid_phone", {})]


def test_a_shared_telegram_contact_fills_the_phone(profile) -> None:
    reading = read("contact_phone", "", intent="share_phone", shared_phone="+8613912345678", profile=profile)
    assert reading is not None and reading.slots == {"contact_phone": "13912345678"}


def test_an_id_number_with_a_wrong_check_digit_is_refused_with_the_reason(profile) -> None:
    reading = read("id_number", "110105194912310021", form=PETITION_FORM, profile=profile)
    assert reading is not None and reading.say == [("utter_intake_invalid_id_check_digit", {})]
    reading = read("id_number", f"身份证 {VALID_ID.lower()}", form=PETITION_FORM, profile=profile)
    assert reading is not None and reading.slots == {"id_number": VALID_ID}


def test_a_township_is_matched_without_its_suffix_or_by_number(profile) -> None:
    assert read("township", "洛河", profile=profile).slots == {"township": "洛河镇"}
    assert read("township", "", pressed="5", intent="choose", profile=profile).slots == {"township": "孔店乡"}


def test_a_close_village_name_gets_a_did_you_mean(profile) -> None:
    reading = read("village", "毛营村", slots={"township": "孔店乡"}, profile=profile)
    assert reading is not None
    assert reading.slots == {"village": None, "village_candidate": "毛营村"}
    assert reading.say[0][0] == "utter_intake_village_did_you_mean"


def test_after_the_did_you_mean_a_suggestion_or_the_typed_name_is_accepted(profile) -> None:
    slots = {"township": "孔店乡", "village_candidate": "毛营村"}
    assert read("village", "1", slots=slots, profile=profile).slots["village"] == "毛郢村"
    assert (
        read("village", "", pressed="keep", intent="choose", slots=slots, profile=profile).slots["village"]
        == "毛营村"
    )


def test_a_village_missing_from_an_incomplete_list_is_accepted_as_given(profile) -> None:
    reading = read("village", "新庄村", slots={"township": "洛河镇"}, profile=profile)
    assert reading is not None and reading.slots["village"] == "新庄村"


def test_declining_the_privacy_notice_ends_the_questions(profile) -> None:
    reading = read("privacy_consent", "不同意", profile=profile)
    assert reading is not None and reading.slots == {"privacy_consent": False}
    assert dialogue.required_slots(DISPUTE_FORM, {"privacy_consent": False}, profile) == []


def test_a_petition_in_court_asks_nothing_more(profile) -> None:
    slots = {"privacy_consent": True, "other_body": "court"}
    assert dialogue.next_slot(PETITION_FORM, slots, profile) is None


def test_the_petition_asks_for_the_id_number_where_the_profile_requires_it(profile) -> None:
    assert "id_number" in dialogue.required_slots(PETITION_FORM, {}, profile)
    relaxed = profile.model_copy(update={"petition_requires_id_number": False})
    assert "id_number" not in dialogue.required_slots(PETITION_FORM, {}, relaxed)


def test_an_edit_on_the_summary_clears_that_answer_only(profile) -> None:
    slots = {"township": "孔店乡", "village": "毛郢村", "contact_phone": "13812345678"}
    reading = read("intake_confirm", "", pressed="edit_phone", intent="choose", slots=slots, profile=profile)
    assert reading is not None and reading.slots == {"contact_phone": None, "intake_confirm": None}
    reading = read("intake_confirm", "改地点", slots=slots, profile=profile)
    assert reading is not None
    assert reading.slots == {
        "township": None,
        "intake_confirm": None,
        "village": None,
        "village_candidate": None,
    }
    assert read("intake_confirm", "1", slots=slots, profile=profile).slots == {"intake_confirm": "submit"}


def test_going_back_returns_to_the_last_answered_question(profile) -> None:
    slots = {"privacy_consent": True, "dispute_category": "neighbours", "township": "洛河镇"}
    assert dialogue.previous_slot(DISPUTE_FORM, slots, profile) == "township"
    assert dialogue.previous_slot(DISPUTE_FORM, {"privacy_consent": True}, profile) is None


def test_a_short_answer_the_classifier_reads_as_a_question_is_still_an_answer(profile) -> None:
    reading = read(
        "village", "新庄村", intent="faq", confidence=0.8, slots={"township": "洛河镇"}, profile=profile
    )
    assert reading is not None and reading.slots["village"] == "新庄村"
    reading = read(
        "resident_name", "王小明", form=PETITION_FORM, intent="faq", confidence=0.8, profile=profile
    )
    assert reading is not None and reading.slots == {"resident_name": "王小明"}


def test_the_opening_story_is_what_follows_the_request() -> None:
    from bot.intake.dialogue import opening_story

    assert opening_story("我要登记一个纠纷，邻居家天天漏水到我家") == "邻居家天天漏水到我家"
    assert opening_story("我想申请调解：老板欠我三个月工资不给") == "老板欠我三个月工资不给"
    assert opening_story("I want to report a dispute with my neighbour, his dog barks all night") == (
        "his dog barks all night"
    )
    # Only the request, or a request with a word after it: nothing to keep.
    assert opening_story("我要登记纠纷") is None
    assert opening_story("帮我登记一下，谢谢") is None
    assert opening_story("I'd like to file a petition about a problem in my community.") is None
    # Not a request at all: the form's own questions decide.
    assert opening_story("邻居家天天漏水到我家") is None


def test_a_traditional_description_is_stored_as_the_resident_wrote_it(profile) -> None:
    # The model reads the Simplified conversion; the case keeps the resident's own words.
    reading = read(
        "dispute_description", "邻居装修天天吵到半夜", as_written="鄰居裝修天天吵到半夜", profile=profile
    )
    assert reading is not None and reading.slots == {"dispute_description": "鄰居裝修天天吵到半夜"}


@pytest.mark.parametrize(
    ("typed", "township"),
    [
        # 大通 is the district's name and the stem of 大通街道: it must not swallow the others.
        ("大通区洛河镇", "洛河镇"),
        ("我住大通区上窑镇", "上窑镇"),
        ("大通区九龙岗", "九龙岗镇"),
        ("安徽省淮南市大通区孔店乡", "孔店乡"),
        ("大通区大通街道居南社区", "大通街道"),
        ("大通街道", "大通街道"),
        ("落河镇", "洛河镇"),  # a homophone typo
        ("luohe", "洛河镇"),  # pinyin
        ("Jiu Long Gang zhen", "九龙岗镇"),
    ],
)
def test_a_township_is_matched_by_its_longest_name_without_the_district(profile, typed, township) -> None:
    assert read("township", typed, profile=profile).slots == {"township": township}


def test_the_district_alone_is_not_a_township(profile) -> None:
    reading = read("township", "大通区", profile=profile)
    assert reading is not None and not reading.slots.get("township")
    assert reading.say == [("utter_intake_invalid_township", {})]


def test_a_village_typed_in_pinyin_is_matched(profile) -> None:
    assert (
        read("village", "maoying", slots={"township": "孔店乡"}, profile=profile).slots["village"] == "毛郢村"
    )


def test_a_homophone_village_is_the_first_suggestion_and_the_answer_on_a_complete_list(profile) -> None:
    kongdian = profile.township("孔店乡")
    assert places.match_village(kongdian, "毛营").suggestions[0] == "毛郢村"
    complete = kongdian.model_copy(update={"villages_complete": True})
    assert places.match_village(complete, "毛营村").name == "毛郢村"


def test_asking_for_a_person_in_the_middle_of_a_form_is_not_read_as_an_answer() -> None:
    from bot.intake.dialogue import Message, interrupts

    assert interrupts(Message(text="这个太麻烦了 俺要跟人工说", intent="ask_human", confidence=0.9))
    # A weak guess stays an answer (a name, a village) for the form to read.
    assert not interrupts(Message(text="王人工", intent="ask_human", confidence=0.3))


def test_declining_the_privacy_notice_in_english_is_a_no_however_it_is_worded() -> None:
    from bot.intake import choices

    for declined in ("no I don't agree", "I don’t agree", "i do not agree", "not agree", "I disagree"):
        assert choices.pick(declined, choices.YES_NO).key == "no", declined
    for agreed in ("I agree", "yes", "ok", "agree"):
        assert choices.pick(agreed, choices.YES_NO).key == "yes", agreed
