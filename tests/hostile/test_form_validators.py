"""The intake form's answer readers under hostile input: never an exception, and a case built
from whatever they accepted is stored with each value in its own field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.district import DistrictProfile
from bot.residents.models import Resident
from tests.hostile.strategies import anything, hostile_text

dialogue = pytest.importorskip("bot.intake.dialogue", reason="needs the intake dialogue (bot/intake)")
intake = pytest.importorskip("bot.intake.service")

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
SLOTS = [
    (form, slot)
    for form, slots in (
        (dialogue.DISPUTE_FORM, dialogue.DISPUTE_SLOTS),
        (dialogue.PETITION_FORM, dialogue.PETITION_SLOTS),
    )
    for slot in slots
]
INTENTS = st.one_of(
    st.none(), st.sampled_from(["inform", "affirm", "deny", "faq", "intake_cancel", "register_dispute"])
)


@EXAMPLES
@given(
    form_slot=st.sampled_from(SLOTS),
    text=hostile_text.filter(lambda t: "\x00" not in t),
    intent=INTENTS,
    pressed=st.one_of(st.none(), st.text(anything, max_size=20)),
)
def test_any_answer_is_read_or_refused_without_an_exception(
    profile: DistrictProfile, form_slot: tuple[str, str], text: str, intent: str | None, pressed: str | None
) -> None:
    form, slot = form_slot
    message = dialogue.Message(text=text, intent=intent, pressed=pressed)
    reading = dialogue.read_answer(form, slot, message, {"township": "孔店乡"}, profile)
    if reading is None:
        return  # not an answer: the dialogue's rules take it
    for name, value in reading.slots.items():
        assert name in dialogue.ALL_SLOTS, name  # nothing set outside the form's own slots
        assert value is None or isinstance(value, str | bool | int | float | list), (name, value)


@EXAMPLES
@given(
    description=hostile_text.filter(lambda t: "\x00" not in t),
    other_party=hostile_text.filter(lambda t: "\x00" not in t),
    request=hostile_text.filter(lambda t: "\x00" not in t),
)
def test_a_dispute_from_hostile_answers_is_stored_field_by_field(
    session: Session, resident: Resident, description: str, other_party: str, request: str
) -> None:
    slots: dict[str, Any] = {
        "dispute_category": "neighbours",
        "township": "孔店乡",
        "village": "毛郢村",
        "dispute_description": description,
        "other_party": other_party,
        "dispute_request": request,
        "contact_phone": "13812345678",
    }
    try:
        case_in = intake.case_from_slots(dialogue.DISPUTE_FORM, slots, channel="web")
    except ValidationError:
        return  # refused with the reason (too long, empty after trimming); nothing stored
    case = cases.create(session=session, case_in=case_in, resident=resident)
    session.expire(case)
    assert (case.description, case.other_party, case.request, case.township, case.village) == (
        case_in.description,
        case_in.other_party,
        case_in.request,
        "孔店乡",
        "毛郢村",
    )
