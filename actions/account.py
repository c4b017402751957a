"""The resident's own settings: elder mode and deleting their personal data."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from bot.db.session import session_scope
from bot.flows import erasure
from bot.residents import service as residents


class ActionSetElderMode(Action):
    """Turns elder mode on or off (`elder_mode_on`, `elder_mode_off`, `elder_mode_toggle`)."""

    def name(self) -> str:
        return "action_set_elder_mode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = tracker.get_intent_of_latest_message()
        on = intent == "elder_mode_on" or (
            intent == "elder_mode_toggle" and not tracker.get_slot("elder_mode")
        )
        with session_scope(settings()) as session:
            residents.set_elder_mode(session=session, resident=resident_of(tracker, session=session), on=on)
        dispatcher.utter_message(response="utter_elder_mode_on" if on else "utter_elder_mode_off")
        return [SlotSet("elder_mode", on)]


class ActionDeleteMyData(Action):
    """Erases the resident's personal data after they confirmed; case facts stay for the figures."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            erasure.erase(session=session, settings=settings(), resident=resident, actor=resident.actor)
        dispatcher.utter_message(response="utter_data_deleted")
        return [SlotSet("elder_mode", False)]
