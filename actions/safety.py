"""Danger first (issue 24): one call that every free-text answer path makes before its own reply.

`say_danger_first(dispatcher, tracker)` sends the safety response (domain/safety.yml) when the
resident's message shows that someone is in danger, and says whether it did; the caller then
stops, so that neither a FAQ answer nor a "did you mean" comes before or instead of "call 110".
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge import danger


def say_danger_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Sends the safety response if the latest message shows danger; True if it did."""
    latest = tracker.latest_message or {}
    text = str((latest.get("metadata") or {}).get("text_as_written") or latest.get("text") or "")
    if text.startswith("/"):  # a button press names a choice, it describes nothing
        return False
    found = danger.detect(text, tracker.get_slot("language"))
    if found is None:
        return False
    if not _said_since_the_message(tracker, found.response):
        # Once per message: the form's validation and then a FAQ rule may both read it.
        dispatcher.utter_message(response=found.response)
    return True


def _said_since_the_message(tracker: Tracker, response: str) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response:
            return True
    return False
