"""The answer catalogue: complete, consistent, and within what a button and a reader can take."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge import content
from bot.knowledge.build import hand_written, render, render_nlu

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_HOTLINES = {"110", "96110", "12345", "12348", "12315", "12333", "122"}
# Telegram caps callback data at 64 bytes; the relay's signature takes ~13 (see the brief).
MAX_PAYLOAD_BYTES = 48


def _domain() -> dict:
    return yaml.safe_load((ROOT / "domain" / "knowledge_answers.yml").read_text(encoding="utf-8"))


def _nlu_examples(*, generated: bool = True) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in sorted((ROOT / "nlu_data").glob("*.yml")):
        if path.name == "faq_generated.yml" and not generated:
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


def test_every_answer_is_in_exactly_one_topic_and_every_topic_in_one_group() -> None:
    keys = [key for topic in content.topics().values() for key in topic.keys]
    assert sorted(keys) == sorted(content.answers())
    topics = [name for group in content.groups().values() for name in group.topics]
    assert sorted(topics) == sorted(content.topics())


@pytest.mark.parametrize("key", sorted(content.answers()))
def test_an_answer_names_its_source_and_offers_more_and_a_person(key: str) -> None:
    zh, en = _domain()["responses"][f"utter_faq/{key}"]
    assert "condition" not in zh
    assert en["condition"] == [{"type": "slot", "name": "language", "value": "en"}]
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
    numbers = set(re.findall(r"(?<![\d,.])\d{3,6}(?![\d年日条元]| yuan)", text))
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
