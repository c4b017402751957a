"""Fills the slots that come from the gateway's metadata, on every turn."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

LANGUAGES = frozenset({"zh-Hans", "zh-Hant", "en"})
SLOTS = ("language", "elder_mode")


def _metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


class ValidateSlotMappings(ValidationAction):
    """action_validate_slot_mappings: the language and elder mode the gateway decided."""

    def domain_slots(self, domain: DomainDict) -> list[str]:
        # Rasa sends this action no domain (endpoints.yml: selective domain), so it names the
        # slots it fills itself rather than reading them from the domain's slot mappings.
        return list(SLOTS)

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        language = _metadata(tracker).get("language")
        if language not in LANGUAGES or language == tracker.get_slot("language"):
            return {}
        return {"language": language}

    async def extract_elder_mode(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        elder_mode = _metadata(tracker).get("elder_mode")
        if not isinstance(elder_mode, bool) or elder_mode == tracker.get_slot("elder_mode"):
            return {}
        return {"elder_mode": elder_mode}
