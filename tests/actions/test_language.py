"""action_validate_slot_mappings fills the language and elder mode from the gateway's metadata,
with no domain sent (endpoints.yml enables Rasa's selective domain)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import ValidateSlotMappings


def turn(metadata: Any, **slots: Any) -> dict[str, Any]:
    saved = Tracker(
        sender_id="web:lang-1",
        slots={"language": "zh-Hans", "elder_mode": False, **slots},
        latest_message={"text": "hi", "intent": {"name": "greet"}, "entities": [], "metadata": metadata},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    events = asyncio.run(ValidateSlotMappings().run(CollectingDispatcher(), saved, {}))
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def test_the_gateways_language_and_elder_mode_become_slots_without_a_domain() -> None:
    assert turn({"language": "en", "elder_mode": True}) == {"language": "en", "elder_mode": True}


def test_unchanged_values_set_nothing() -> None:
    assert turn({"language": "zh-Hans", "elder_mode": False}) == {}


def test_unknown_or_malformed_metadata_sets_nothing() -> None:
    assert turn({"language": "fr", "elder_mode": "yes"}) == {}
    assert turn(None) == {}
    assert turn(["en"]) == {}
