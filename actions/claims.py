"""A resident claims a case staff registered for them, with the receipt's number and claim code.

The answer to a wrong code is the same whether or not the number exists (bot.cases.claims)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from bot.cases import claims, labels
from bot.db.session import session_scope
from bot.residents.enums import Channel


def _channel(tracker: Tracker) -> Channel | None:
    name = tracker.sender_id.partition(":")[0]
    return Channel(name) if name in set(Channel) else None


class ActionClaimCase(Action):
    """Links the case named with its claim code to this conversation's resident."""

    def name(self) -> str:
        return "action_claim_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = str(tracker.get_slot("language") or "zh-Hans")
        number = next(tracker.get_latest_entity_values("case_number"), None)
        code = next(tracker.get_latest_entity_values("claim_code"), None)
        reply: dict[str, Any]
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            if number is None or code is None:
                claim = claims.Claim(claims.ClaimResult.REFUSED)
            else:
                claim = claims.claim(
                    session=session,
                    resident=resident,
                    number=str(number),
                    code=str(code),
                    channel=_channel(tracker),
                )
            if claim.case is not None and claim.result is not claims.ClaimResult.REFUSED:
                reply = {
                    "response": "utter_case_claimed",
                    "case_number": claim.case.number,
                    "title": claim.case.title,
                    "status": labels.status_for_resident(claim.case.status, language),
                }
            elif claim.result is claims.ClaimResult.LIMITED:
                reply = {"response": "utter_claim_limited"}
            else:
                reply = {"response": "utter_claim_refused"}
        dispatcher.utter_message(**reply)
        if reply["response"] == "utter_case_claimed":
            return [SlotSet("last_case_number", reply["case_number"])]
        return []
