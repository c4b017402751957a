"""The resident's own cases: where they stand, looking one up by number, withdrawing one.

A number is looked up only among the resident's own cases: another resident's case gets the same
answer as a number that does not exist."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from actions.safety import say_danger_first
from bot.cases import labels
from bot.cases.errors import IllegalTransition, NotPermitted
from bot.cases.transitions import WITHDRAWABLE
from bot.db.session import session_scope
from bot.flows import status as status_flow
from bot.intake import routes
from bot.intake import service as intake


def _language(tracker: Tracker) -> str:
    return str(tracker.get_slot("language") or "zh-Hans")


def _named_number(tracker: Tracker) -> str | None:
    """The case number a button carries (entity `n`) or the message names."""
    entity = next(tracker.get_latest_entity_values("n"), None)
    return intake.parse_case_number(str(entity or tracker.latest_message.get("text") or ""))


def _withdraw_button(number: str, language: str) -> dict[str, str]:
    title = f"Withdraw {number}" if language == "en" else f"撤回 {number}"
    return {"title": title, "payload": f'/withdraw_case{{"n":"{number}"}}'}


class ActionMyCases(Action):
    """Lists the resident's cases with status and latest event, or the one named by number."""

    def name(self) -> str:
        return "action_my_cases"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = _language(tracker)
        number = _named_number(tracker)
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            if number is not None:
                case = intake.own_case(session=session, resident=resident, number=number)
                if case is None:
                    dispatcher.utter_message(response="utter_case_not_found", case_number=number)
                    return []
                found = [case]
            else:
                found = list(intake.cases_of(session=session, resident=resident))[:10]
            if not found:
                dispatcher.utter_message(response="utter_no_cases")
                return []
            elder = bool(tracker.get_slot("elder_mode"))
            lines = "\n".join(intake.describe(case, language, elder=elder) for case in found)
            buttons = [
                _withdraw_button(case.number, language) for case in found if case.status in WITHDRAWABLE
            ]
        dispatcher.utter_message(response="utter_my_cases", cases=lines, buttons=buttons)
        return []


class ActionPrepareWithdraw(Action):
    """Asks to confirm withdrawing a case (named, or the only one that can be withdrawn)."""

    def name(self) -> str:
        return "action_prepare_withdraw"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = _language(tracker)
        number = _named_number(tracker)
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            if number is not None:
                case = intake.own_case(session=session, resident=resident, number=number)
                if case is None:
                    dispatcher.utter_message(response="utter_case_not_found", case_number=number)
                    return [SlotSet("withdraw_number", None)]
                if case.status not in WITHDRAWABLE:
                    status = labels.status_for_resident(case.status, language)
                    dispatcher.utter_message(
                        response="utter_case_not_withdrawable", case_number=case.number, status=status
                    )
                    return [SlotSet("withdraw_number", None)]
                candidates = [case]
            else:
                candidates = [
                    case
                    for case in intake.cases_of(session=session, resident=resident)
                    if case.status in WITHDRAWABLE
                ]
            if not candidates:
                dispatcher.utter_message(response="utter_nothing_to_withdraw")
                return [SlotSet("withdraw_number", None)]
            if len(candidates) > 1:
                buttons = [_withdraw_button(case.number, language) for case in candidates]
                dispatcher.utter_message(response="utter_withdraw_which", buttons=buttons)
                return [SlotSet("withdraw_number", None)]
            case = candidates[0]
            yes, no = ("Yes, withdraw", "No, keep it") if language == "en" else ("确定撤回", "不撤回")
            dispatcher.utter_message(
                response="utter_ask_withdraw_confirm",
                case_number=case.number,
                title=case.title,
                buttons=[
                    {"title": yes, "payload": f'/withdraw_confirm{{"n":"{case.number}"}}'},
                    {"title": no, "payload": "/deny"},
                ],
            )
            return [SlotSet("withdraw_number", case.number)]


def _asked_just_before(tracker: Tracker) -> bool:
    """Whether the assistant's last action before this message was the withdraw question."""
    actions = [
        event.get("name")
        for event in tracker.events
        if event.get("event") == "action" and event.get("name") not in ("action_listen", None)
    ]
    return bool(actions) and actions[-1] == "action_prepare_withdraw"


class ActionWithdrawCase(Action):
    """Withdraws the confirmed case through the case store's transition rules."""

    def name(self) -> str:
        return "action_withdraw_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        entity: Any = next(tracker.get_latest_entity_values("n"), None)
        number = intake.parse_case_number(str(entity)) if entity else None
        if number is None and _asked_just_before(tracker):
            number = tracker.get_slot("withdraw_number")
        if number is None:
            dispatcher.utter_message(response="utter_nothing_to_withdraw")
            return [SlotSet("withdraw_number", None)]
        language = _language(tracker)
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            case = intake.own_case(session=session, resident=resident, number=number)
            if case is None:
                dispatcher.utter_message(response="utter_case_not_found", case_number=number)
                return [SlotSet("withdraw_number", None)]
            try:
                status_flow.withdraw(session=session, resident=resident, case=case)
            except (IllegalTransition, NotPermitted):
                status = labels.status_for_resident(case.status, language)
                dispatcher.utter_message(
                    response="utter_case_not_withdrawable", case_number=case.number, status=status
                )
                return [SlotSet("withdraw_number", None)]
        dispatcher.utter_message(response="utter_case_withdrawn", case_number=number)
        return [SlotSet("withdraw_number", None)]


class ActionRouteAdvice(Action):
    """ "Where should I go with this?": the route that suits the problem, and an offer to register."""

    def name(self) -> str:
        return "action_route_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = _language(tracker)
        said = [str(event.get("text") or "") for event in tracker.events if event.get("event") == "user"]
        text = " ".join([*said[-2:-1], str(tracker.latest_message.get("text") or "")])
        if say_danger_first(dispatcher, tracker):
            return []  # someone is in danger: 110 first, never a route to mediation (issue 24)
        route = routes.route_for(text)
        if route.category is not None:
            title = "Register a dispute" if language == "en" else "登记矛盾纠纷"
            payload = f'/register_dispute{{"c":"{route.category}"}}'
        else:
            title = "Register a petition" if language == "en" else "登记信访事项"
            payload = "/register_petition"
        buttons = [{"title": title, "payload": payload}]
        if route.response == "utter_route_court":
            buttons = []
        dispatcher.utter_message(response=route.response, buttons=buttons)
        return []
