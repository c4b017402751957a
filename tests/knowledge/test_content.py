"""The answer catalogue: complete, consistent, and within what a button and a reader can take."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.district import load_profile
from bot.knowledge import content
from bot.knowledge.build import hand_written, render, render_nlu, response, wording
from bot.language import for_understanding

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_HOTLINES = {"110", "96110", "12345", "12348", "12315", "12333", "122"}
# Telegram caps callback data at 64 bytes; the relay's signature takes ~13 (see the brief).
MAX_PAYLOAD_BYTES = 48


@functools.cache
def _domain() -> dict:
    """Parsed once for the module (read only: no test changes it)."""
    return yaml.safe_load((ROOT / "domain" / "knowledge_answers.yml").read_text(encoding="utf-8"))


@functools.cache
def _nlu_examples(*, generated: bool = True, written: bool = True) -> dict[str, list[str]]:
    """Examples by label: the generated file's, the hand-written files', or (default) both."""
    examples: dict[str, list[str]] = {}
    for path in sorted((ROOT / "nlu_data").glob("*.yml")):
        if not (generated if path.name == "faq_generated.yml" else written):
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in item:
                lines = [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
                examples.setdefault(item["intent"], []).extend(lines)
    return examples


def test_the_generated_domain_and_phrasings_are_up_to_date() -> None:
    on_disk = (ROOT / "domain" / "knowledge_answers.yml").read_text(encoding="utf-8")
    assert on_disk == render(), "run: .venv/bin/python -m bot.knowledge.build"
    generated = (ROOT / "nlu_data" / "faq_generated.yml").read_text(encoding="utf-8")
    assert generated == render_nlu(hand_written(ROOT / "nlu_data")), "run: python -m bot.knowledge.build"


def test_there_are_at_least_forty_answers() -> None:
    assert len(content.answers()) >= 40


def test_every_answer_has_at_least_fifteen_hand_written_phrasings_some_in_english() -> None:
    examples = _nlu_examples(generated=False)
    for key in content.answers():
        phrasings = examples.get(f"faq/{key}", [])
        assert len(phrasings) >= 15, key
        assert sum(1 for p in phrasings if re.fullmatch(r"[\x00-\x7f]+", p)) >= 3, key


def test_every_retrieval_key_in_the_examples_has_an_answer() -> None:
    keys = {label.split("/", 1)[1] for label in _nlu_examples() if label.startswith("faq/")}
    assert keys == set(content.answers())


def test_no_phrasing_is_given_to_two_labels() -> None:
    seen: dict[str, str] = {}
    for label, phrasings in _nlu_examples().items():
        for phrasing in phrasings:
            first = seen.setdefault(phrasing.lower(), label)
            assert first == label, f"{phrasing!r}: {first}, {label}"


def test_no_generated_phrasing_has_the_wording_of_a_hand_written_one() -> None:
    """The evaluation holds out hand-written phrasings only; a generated near-copy (differing in
    an article or a particle) would put a held-out phrasing into training."""
    hand = {wording(p) for phrasings in _nlu_examples(generated=False).values() for p in phrasings}
    generated = [p for phrasings in _nlu_examples(written=False).values() for p in phrasings]
    assert len(generated) > 1000
    assert [p for p in generated if wording(p) in hand] == []


def test_a_wording_ignores_case_spacing_punctuation_articles_and_particles_only() -> None:
    assert wording("Is a house-for-pension scheme a scam?") == wording("is house for pension scheme a scam")
    assert wording("法律援助的条件") == wording("法律援助条件")
    assert wording("法律援助条件吗？") == wording("法律援助 条件")
    # Words that carry meaning stay: a different question is not a near-copy.
    assert wording("is my house for pension scheme a scam") != wording("is a house for pension scheme a scam")
    assert wording("法律援助怎么申请") != wording("法律援助条件")
    assert wording("theft") == "theft"  # "the" only as a whole word


def test_every_answer_is_in_exactly_one_topic_and_every_topic_in_one_group() -> None:
    keys = [key for topic in content.topics().values() for key in topic.keys]
    assert sorted(keys) == sorted(content.answers())
    topics = [name for group in content.groups().values() for name in group.topics]
    assert sorted(topics) == sorted(content.topics())


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_an_answer_names_its_source_and_offers_more_and_a_person(key: str) -> None:
    zh, en, *_ = _domain()["responses"][f"utter_faq/{key}"]
    assert "condition" not in zh
    assert en["condition"][0] == {"type": "slot", "name": "language", "value": "en"}
    assert "\n来源：" in zh["text"]
    assert "\nSource: " in en["text"]
    for variation in (zh, en):
        payloads = [button["payload"] for button in variation["buttons"]]
        assert f'/faq_more{{"faq_key":"{key}"}}' in payloads
        assert any(p.startswith("/ask_human") for p in payloads)
        assert (f'/faq_article{{"faq_key":"{key}"}}' in payloads) == bool(content.answers()[key].cites)


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_an_answer_is_short_enough_for_an_elderly_reader(key: str) -> None:
    item = content.answers()[key]
    assert len(item.answer.zh) <= 260, len(item.answer.zh)


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_an_answer_points_to_a_next_step(key: str) -> None:
    text = content.answers()[key].answer.zh
    steps = (*ALLOWED_HOTLINES, "百姓说事室", "找工作人员", "登记")
    assert any(step in text for step in steps)


def test_only_the_allowed_hotlines_appear() -> None:
    text = render() + (ROOT / "domain" / "knowledge.yml").read_text(encoding="utf-8")
    text = re.sub(r"(来源：|Source: ).*", "", text)  # article numbers live in the source lines
    numbers = set(re.findall(r"(?<![\d,.])\d{3,6}(?![\d年日条元米]| yuan| metres)", text))
    assert numbers <= ALLOWED_HOTLINES, numbers - ALLOWED_HOTLINES


def test_every_button_payload_is_short_ascii() -> None:
    texts = [render(), (ROOT / "domain" / "knowledge.yml").read_text(encoding="utf-8")]
    for text in texts:
        for payload in re.findall(r"payload: '?\"?(/[^'\n]+)", text):
            assert payload.isascii() and len(payload.encode()) < MAX_PAYLOAD_BYTES, payload


def test_the_next_step_names_the_mediation_room_without_an_address() -> None:
    # Until bot/district supplies addresses, the law answers say where to go in general terms.
    law = [item for item in content.answers().values() if not item.is_fraud]
    assert sum("到所在村（社区）的百姓说事室" in item.answer.zh for item in law) >= 10


# -- elder mode (issue 6) ----------------------------------------------------------------------

NUMBER = re.compile(r"\d+")
LAW_NAME = re.compile(r"《[^》]+》")


def _slot(name: str, value: object) -> dict[str, object]:
    return {"type": "slot", "name": name, "value": value}


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_every_answer_has_a_short_plain_version_for_elder_mode(key: str) -> None:
    elder = content.answers()[key].elder
    assert elder is not None, f"{key}: write an `elder` text"
    for lang, longest_line in (("zh", 30), ("en", 110)):
        # Measured as the resident reads it, with the district's facts filled in.
        lines = elder(lang).format(**content.variables(load_profile(Settings()))).splitlines()
        assert 2 <= len(lines) <= 4, (key, lang)
        assert all(len(line) <= longest_line for line in lines), (key, lang)
    steps = (*ALLOWED_HOTLINES, "百姓说事室", "找工作人员", "登记", "查询进度", "我的事")
    assert any(step in elder.zh for step in steps), key


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_the_elder_version_says_nothing_the_answer_does_not(key: str) -> None:
    item = content.answers()[key]
    assert item.elder is not None
    for lang in content.LANGS:
        said, source = item.elder(lang), item.answer(lang)
        assert set(NUMBER.findall(said)) <= set(NUMBER.findall(source)), (key, lang)
        assert set(LAW_NAME.findall(said)) <= set(LAW_NAME.findall(source)), (key, lang)


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_the_elder_variations_are_generated_per_language_with_the_same_buttons(key: str) -> None:
    item = content.answers()[key]
    assert item.elder is not None
    zh, en, *elder = _domain()["responses"][f"utter_faq/{key}"]
    assert en["condition"] == [_slot("language", "en"), _slot("elder_mode", False)]
    assert [variation["condition"] for variation in elder] == [
        [_slot("language", language), _slot("elder_mode", True)] for language in ("en", "zh-Hans", "zh-Hant")
    ]
    by_language = dict(zip(("en", "zh-Hans", "zh-Hant"), elder, strict=True))
    assert by_language["en"]["text"] == item.elder.en
    assert by_language["zh-Hans"]["text"] == by_language["zh-Hant"]["text"] == item.elder.zh
    assert by_language["en"]["buttons"] == en["buttons"]
    assert by_language["zh-Hans"]["buttons"] == by_language["zh-Hant"]["buttons"] == zh["buttons"]


def test_the_detail_behind_more_has_no_elder_variation() -> None:
    # A resident who pressed "tell me more" asked for the whole text.
    responses = _domain()["responses"]
    for key in content.answers():
        assert len(responses[f"utter_more_{key}"]) == 2


def test_an_answer_without_an_elder_text_gets_the_two_plain_variations() -> None:
    item = dataclasses.replace(content.answers()["law_debt"], elder=None)
    zh, en = response(item, detail=False)
    assert "condition" not in zh
    assert en["condition"] == [_slot("language", "en")]


# -- issue 24 -------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_placeholder_in_an_answer_is_a_district_fact_the_actions_supply() -> None:
    supplied = set(content.variables(load_profile(Settings())))
    assert set(PLACEHOLDER.findall(render())) <= supplied


def test_the_96110_answer_tells_what_a_warning_call_shows() -> None:
    item = content.answers()["fraud_96110"]
    facts = content.variables(load_profile(Settings()))
    assert "0554 96110" in item.answer.zh.format(**facts)
    assert "area code" in item.answer.en and "0554 96110" in item.answer.en.format(**facts)
    # The old text told residents the caller ID was plain "96110".
    assert '来电号码就是"96110"' not in item.more.zh


def test_no_hand_written_question_holds_a_traditional_character_the_model_never_sees() -> None:
    # The gateway converts Traditional input to Simplified before the model reads it.
    for path in (ROOT / "nlu_data" / "faq_fraud.yml", ROOT / "nlu_data" / "faq_law.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in str(item.get("examples") or "").splitlines():
                example = line.strip()[2:]
                assert for_understanding(example) == example, (path.name, example)


@pytest.mark.parametrize(
    ("key", "question"),
    [
        ("law_mediation", "請問調解需要付費嗎"),
        ("law_mediation", "調解是免費的嗎"),
        ("fraud_loan", "貸款還沒撥款就要我先付保證金"),
        ("elder_home_gone", "養老院收了押金就跑了怎麼辦"),
        ("law_petition_safe", "陳情人的名字會保密嗎"),
        ("law_common_area", "鄰居在樓梯間堆雜物"),
        ("fraud_military", "冒充軍警購物詐騙"),
        ("elder_collect", "有人推銷紀念幣說會升值"),
    ],
)
def test_a_traditional_question_is_taught_as_the_model_reads_it(key: str, question: str) -> None:
    assert for_understanding(question) in _nlu_examples(generated=False)[f"faq/{key}"]


def test_the_answer_to_whether_mediation_costs_money_says_it_is_free() -> None:
    item = content.answers()["law_mediation"]
    assert "免费" in item.answer.zh and "不收" in item.answer.zh and "free" in item.answer.en.lower()
    assert "不收钱" in item.elder.zh


def test_the_docs_list_every_answer_with_its_sources_and_the_day_they_were_checked() -> None:
    from bot.knowledge.build import sources_table

    docs = (ROOT / "docs" / "knowledge.md").read_text(encoding="utf-8")
    rows = [line for line in docs.splitlines() if line.startswith("| ") and "`" in line]
    checked = {row.rsplit("|", 2)[1].strip() for row in rows}
    assert len(checked) == 1, checked  # one review date for the whole table
    assert sources_table(checked.pop()) in docs
