"""The safety responses (domain/safety.yml, issue 24): 110 first, in every language and mode,
only numbers we can vouch for, and no mediation offered first."""

from __future__ import annotations

import re

import pytest

from bot.knowledge.danger import DangerKind
from tests.domain.test_elder_variations import LANGUAGES, chosen, responses

SAFETY = [f"utter_danger_{kind.value}" for kind in DangerKind]
# 110 police, 120 ambulance, 12338 women's federation, 12356 psychological assistance (National
# Health Commission, nationwide since 2025), 12348 legal aid.
SAFETY_NUMBERS = {"110", "120", "12338", "12356", "12348"}


def test_every_kind_of_danger_has_a_response() -> None:
    assert set(SAFETY) <= set(responses())


@pytest.mark.parametrize("name", SAFETY)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("elder", [False, True])
def test_110_comes_first_in_every_language_and_mode(name: str, language: str, elder: bool) -> None:
    text = chosen(name, language=language, elder=elder)["text"]
    # Self-harm opens with one line of concern; 110 is in the next.
    assert "110" in "".join(text.splitlines()[:2]), (name, language, elder)
    numbers = re.findall(r"\d{3,}", text)
    assert numbers and numbers[0] == "110"
    assert set(numbers) - {"72", "24"} <= SAFETY_NUMBERS


@pytest.mark.parametrize("name", SAFETY)
def test_mediation_is_never_offered_first(name: str) -> None:
    for language in LANGUAGES:
        for elder in (False, True):
            variation = chosen(name, language=language, elder=elder)
            payloads = [button["payload"] for button in variation.get("buttons") or []]
            assert not any(p.startswith(("/register_dispute", "/register_petition")) for p in payloads)
            text = variation["text"]
            for offer in ("建议先调解", "先调解最好", "mediation comes first"):
                assert offer not in text
