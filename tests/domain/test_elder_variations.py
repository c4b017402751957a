"""Elder mode (issue 6): every short variation in domain/ says less and loses nothing the reply needs.

The checks pick variations the way Rasa 3.6 does (rasa/core/nlg/generator.py): the conditional
variations whose slot conditions all match, else the ones without a condition; Rasa chooses at
random among what is left, so exactly one may be left for every language and mode.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What a short variation may leave out, and why. Everything else must stay.
MAY_LEAVE_OUT: dict[str, set[str]] = {
    # The scam check in elder mode: the risk in one sentence and the first thing to do; the score,
    # the quoted warning signs and the full advice are in the normal reply.
    "utter_scam_result_high": {"score", "flags", "advice"},
    "utter_scam_result_high_untyped": {"score", "flags", "advice"},
    "utter_scam_result_medium": {"score", "flags", "advice"},
    "utter_scam_result_low": {"score", "advice"},
}
# The elder menu offers four big choices instead of five (see domain/core.yml).
MAY_DROP_BUTTONS = {"utter_menu"}

Variation = dict[str, Any]


@cache
def responses() -> dict[str, list[Variation]]:
    found: dict[str, list[Variation]] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, variations in (domain.get("responses") or {}).items():
            assert name not in found, f"{name} is defined twice"
            found[name] = variations
    return found


def is_elder(variation: Variation) -> bool:
    return {"type": "slot", "name": "elder_mode", "value": True} in (variation.get("condition") or [])


def elder_responses() -> list[str]:
    return sorted(name for name, variations in responses().items() if any(map(is_elder, variations)))


def matching(variations: list[Variation], *, language: str, elder: bool) -> list[Variation]:
    slots = {"language": language, "elder_mode": elder}
    conditional = [
        v
        for v in variations
        if v.get("condition") and all(slots.get(c["name"]) == c["value"] for c in v["condition"])
    ]
    return conditional or [v for v in variations if not v.get("condition")]


def chosen(name: str, *, language: str, elder: bool) -> Variation:
    candidates = matching(responses()[name], language=language, elder=elder)
    assert len(candidates) == 1, f"{name} ({language}, elder={elder}): {len(candidates)} variations match"
    return candidates[0]


def placeholders(variation: Variation) -> set[str]:
    return set(PLACEHOLDER.findall(str(variation.get("text") or "")))


def payloads(variation: Variation) -> list[str]:
    return [button["payload"] for button in variation.get("buttons") or []]


def test_there_are_short_variations_for_intake_scams_and_the_knowledge_answers() -> None:
    names = set(elder_responses())
    assert {"utter_ask_dispute_request", "utter_intake_invalid_phone", "utter_scam_result_high"} <= names
    assert "utter_faq/fraud_cheated" in names


@pytest.mark.parametrize("name", sorted(responses()))
def test_exactly_one_variation_answers_every_language_and_mode(name: str) -> None:
    for language in LANGUAGES:
        for elder in (False, True):
            variation = chosen(name, language=language, elder=elder)
            condition = variation.get("condition") or []
            english = {"type": "slot", "name": "language", "value": "en"} in condition
            assert english == (language == "en"), (name, language, elder)
            assert is_elder(variation) == (elder and name in elder_responses()), (name, language, elder)


@pytest.mark.parametrize("name", elder_responses())
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_short_variation_keeps_the_placeholders_buttons_and_custom_data(name: str, language: str) -> None:
    normal = chosen(name, language=language, elder=False)
    short = chosen(name, language=language, elder=True)
    left_out = MAY_LEAVE_OUT.get(name, set())
    assert left_out <= placeholders(normal), f"{name}: MAY_LEAVE_OUT names what the reply lacks"
    assert placeholders(short) == placeholders(normal) - left_out, name
    if name not in MAY_DROP_BUTTONS:
        assert payloads(short) == payloads(normal), name
    assert short.get("custom") == normal.get("custom"), name


@pytest.mark.parametrize("name", elder_responses())
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_short_variation_is_no_longer_than_the_normal_one(name: str, language: str) -> None:
    if name in MAY_LEAVE_OUT:
        return  # what it leaves out (the warning signs, the advice) is filled in at run time
    normal = chosen(name, language=language, elder=False)
    short = chosen(name, language=language, elder=True)
    assert len(short["text"]) <= len(normal["text"]), name


@pytest.mark.parametrize("name", elder_responses())
def test_traditional_chinese_gets_the_simplified_text_for_the_gateway_to_convert(name: str) -> None:
    simplified = chosen(name, language="zh-Hans", elder=True)
    traditional = chosen(name, language="zh-Hant", elder=True)
    assert {**traditional, "condition": None} == {**simplified, "condition": None}
