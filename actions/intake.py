"""Guided intake of disputes and petitions: form validation, dynamic questions, submit, and the
steering actions (cancel, go back, start over). Thin adapters over bot.intake."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from actions.safety import say_danger_first
from bot.cases.enums import CaseKind
from bot.db.errors import DomainError
from bot.db.session import session_scope
from bot.district import DistrictProfile, load_profile
from bot.intake import choices, dialogue, places
from bot.intake import service as intake
from bot.intake.dialogue import DISPUTE_FORM, PETITION_FORM, Message, Reading

REQUESTED_SLOT = "requested_slot"

logger = logging.getLogger(__name__)


def _profile() -> DistrictProfile:
    return load_profile(settings())


def _language(tracker: Tracker) -> str:
    return str(tracker.get_slot("language") or "zh-Hans")


def _slots(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.current_slot_values())


def _buttons(options: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "payload": f'/choose{{"c":"{key}"}}'} for title, key in options]


def message_of(tracker: Tracker) -> Message:
    """The latest message as the intake reads it: text, intent, a pressed choice, a shared phone."""
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    confidence = float((latest.get("intent") or {}).get("confidence") or 0.0)
    entities = {entity.get("entity"): entity.get("value") for entity in latest.get("entities") or []}
    pressed = entities.get("c") if intent in ("choose", "register_dispute") and entities.get("c") else None
    shared = entities.get("phone") if intent == "share_phone" else None
    text = str(latest.get("text") or "")
    if text.startswith("/"):  # a button payload: only its entity counts, never the text
        text = ""
    written = (latest.get("metadata") or {}).get("text_as_written")
    return Message(
        text=text,
        intent=intent,
        confidence=confidence,
        pressed=str(pressed) if pressed is not None else None,
        shared_phone=str(shared) if shared else None,
        as_written=str(written) if written and text else None,
    )


# The intents that open a form, and the question each form's opening story answers.
OPENING_INTENTS = frozenset({"register_dispute", "register_petition"})
STORY_SLOT = {DISPUTE_FORM: "dispute_description", PETITION_FORM: "petition_facts"}


def hotline(profile: DistrictProfile) -> str:
    return profile.centre.phone or next(
        (line.number for line in profile.hotlines if line.number == "12345"), profile.hotlines[0].number
    )


class ValidateIntakeForm(FormValidationAction):
    """Reads each answer (bot.intake.dialogue), says what is wrong with an invalid one, counts
    failed tries, and names the next question. Not an answer (a question, "cancel"): no events,
    so that Rasa rejects the form for this turn and a rule handles the message."""

    form = DISPUTE_FORM

    def name(self) -> str:
        return f"validate_{self.form}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Danger first (issue 24): the message that opens the form ("我老公打我，想调解") or any
        # answer that shows someone in danger hears "call 110" before the next question.
        say_danger_first(dispatcher, tracker)
        profile = _profile()
        slots = _slots(tracker)
        changes: dict[str, Any] = {}
        if slots.get("privacy_consent") is None and self._consented_before(tracker):
            changes["privacy_consent"] = True
        requested = tracker.get_slot(REQUESTED_SLOT)
        hint = message_of(tracker)
        if (
            requested is None
            and slots.get("dispute_category") is None
            and self.form == DISPUTE_FORM
            and hint.intent == "register_dispute"
        ):
            category = hint.pressed or dialogue.category_hint(hint.text)
            if category in choices.CATEGORY_OF:
                changes["dispute_category"] = category
        if requested is None and hint.intent in OPENING_INTENTS:
            changes.update(self._opening_story(hint, slots, dispatcher, profile))
        if requested in dialogue.ALL_SLOTS and requested != "intake_failures":
            reading = dialogue.read_answer(self.form, requested, message_of(tracker), slots, profile)
            if reading is None:
                return self._events(changes, slots, profile)
            changes.update(self._apply(reading, requested, slots, dispatcher, tracker, profile))
        return self._events(changes, slots, profile)

    def _opening_story(
        self,
        hint: Message,
        slots: dict[str, Any],
        dispatcher: CollectingDispatcher,
        profile: DistrictProfile,
    ) -> dict[str, Any]:
        """What the opening message already told ("我要登记一个纠纷，邻居家天天漏水到我家"),
        read as the answer to the story question, shown back, so that it is not asked again."""
        slot = STORY_SLOT[self.form]
        story = dialogue.opening_story(hint.text)
        if story is None or slots.get(slot):
            return {}
        reading = dialogue.read_answer(self.form, slot, Message(text=story), slots, profile)
        if reading is None or not reading.accepted:
            return {}
        dispatcher.utter_message(response="utter_intake_noted_opening", story=story)
        return dict(reading.slots)

    def _consented_before(self, tracker: Tracker) -> bool:
        with session_scope(settings()) as session:
            return resident_of(tracker, session=session).has_consented

    def _apply(
        self,
        reading: Reading,
        requested: str,
        slots: dict[str, Any],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        profile: DistrictProfile,
    ) -> dict[str, Any]:
        changes = dict(reading.slots)
        if requested == "privacy_consent" and changes.get("privacy_consent") is True:
            with session_scope(settings()) as session:
                intake.agree(session=session, resident=resident_of(tracker, session=session))
        if requested == "privacy_consent" and changes.get("privacy_consent") is False:
            dispatcher.utter_message(response="utter_privacy_declined")
        failures = 0 if reading.accepted else int(slots.get("intake_failures") or 0) + 1
        changes["intake_failures"] = failures or None
        if failures >= dialogue.MAX_FAILURES:
            dispatcher.utter_message(response="utter_intake_stuck", hotline=hotline(profile))
            changes["intake_failures"] = None
            return changes
        for response, variables in reading.say:
            if response == "utter_intake_village_did_you_mean":
                self._did_you_mean(dispatcher, tracker, slots, profile, variables["typed"])
            else:
                dispatcher.utter_message(response=response, **variables)
        return changes

    def _did_you_mean(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        profile: DistrictProfile,
        typed: str,
    ) -> None:
        township = profile.township(str(slots.get("township")))
        suggestions = places.match_village(township, typed).suggestions if township else ()
        keep = "Keep" if _language(tracker) == "en" else "就按"
        options = [(f"{index} {name}", str(index)) for index, name in enumerate(suggestions, 1)]
        options.append((f"{len(options) + 1} {keep}「{typed}」", "keep"))
        dispatcher.utter_message(
            response="utter_intake_village_did_you_mean", typed=typed, buttons=_buttons(options)
        )

    def _events(
        self, changes: dict[str, Any], slots: dict[str, Any], profile: DistrictProfile
    ) -> list[EventType]:
        after = {**slots, **changes}
        events: list[EventType] = [SlotSet(slot, value) for slot, value in changes.items()]
        events.append(SlotSet(REQUESTED_SLOT, dialogue.next_slot(self.form, after, profile)))
        return events


class ValidateDisputeForm(ValidateIntakeForm):
    form = DISPUTE_FORM


class ValidatePetitionForm(ValidateIntakeForm):
    form = PETITION_FORM


class ActionAskTownship(Action):
    """Asks the township, with a button per township of the district profile."""

    def name(self) -> str:
        return "action_ask_township"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        profile = _profile()
        options = [(f"{index} {town.name}", str(index)) for index, town in enumerate(profile.townships, 1)]
        dispatcher.utter_message(response="utter_ask_township", buttons=_buttons(options))
        return []


class ActionAskVillage(Action):
    """Asks the village or community, with the profile's villages of the township as buttons."""

    def name(self) -> str:
        return "action_ask_village"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        name = str(tracker.get_slot("township") or "")
        township = _profile().township(name)
        villages = township.villages if township else ()
        if not villages:
            dispatcher.utter_message(response="utter_ask_village_unlisted", township=name)
            return []
        options = [(f"{index} {village}", str(index)) for index, village in enumerate(villages, 1)]
        dispatcher.utter_message(response="utter_ask_village", township=name, buttons=_buttons(options))
        return []


def active_form(tracker: Tracker) -> str | None:
    name = (tracker.active_loop or {}).get("name")
    return name if name in dialogue.FORMS else None


class ActionAskIntakeConfirm(Action):
    """The summary before submitting, with "submit" and an edit button per answer."""

    def name(self) -> str:
        return "action_ask_intake_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        profile = _profile()
        form = active_form(tracker) or DISPUTE_FORM
        slots = _slots(tracker)
        options = dialogue.confirm_options(form, slots, profile)
        response = "utter_dispute_summary" if form == DISPUTE_FORM else "utter_petition_summary"
        dispatcher.utter_message(
            response=response,
            buttons=_buttons(choices.numbered(options, _language(tracker))),
            **intake.summary(form, slots, profile),
        )
        return []


def clear_intake() -> list[EventType]:
    """Forgets the answers, so that nothing of an intake stays in the conversation."""
    return [SlotSet(slot, None) for slot in dialogue.ALL_SLOTS] + [SlotSet(REQUESTED_SLOT, None)]


def intake_started_at(tracker: Tracker, form: str) -> datetime | None:
    """When the resident's message that started the form arrived (to link the transcript)."""
    started: float | None = None
    last_user: float | None = None
    active: str | None = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            last_user = event.get("timestamp")
        elif kind == "active_loop":
            name = event.get("name")
            if name == form and active != form:
                started = last_user
            active = name
    if started is None:
        return None
    # The gateway records the message a moment before Rasa sees it.
    return datetime.fromtimestamp(started, tz=UTC) - timedelta(seconds=5)


class ActionSubmitIntake(Action):
    """After the form: registers the case and gives the receipt, or says why nothing was registered."""

    form = DISPUTE_FORM

    def name(self) -> str:
        return "action_submit_dispute" if self.form == DISPUTE_FORM else "action_submit_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = _slots(tracker)
        if slots.get("privacy_consent") is False:
            return clear_intake()  # utter_privacy_declined was said when they declined
        if self.form == PETITION_FORM and slots.get("other_body") in choices.IN_LITIGATION:
            dispatcher.utter_message(response="utter_petition_in_litigation")
            return clear_intake()
        if slots.get("intake_confirm") != "submit":
            return clear_intake()
        channel = tracker.sender_id.partition(":")[0]
        try:
            with session_scope(settings()) as session:
                case = intake.register(
                    session=session,
                    resident=resident_of(tracker, session=session),
                    form=self.form,
                    slots=slots,
                    channel=channel,
                    started_at=intake_started_at(tracker, self.form),
                )
                receipt = intake.receipt(case=case, profile=intake.profile(session))
        except ValidationError as error:
            # The answers did not make a valid case (the form let through what the store refuses):
            # the fields and the rules that failed, never the values (they are personal data).
            failed = ", ".join(
                f"{'.'.join(str(part) for part in item['loc'])}: {item['type']}" for item in error.errors()
            )
            logger.warning("%s: the answers are not a valid case (%s)", self.name(), failed)
            dispatcher.utter_message(response="utter_intake_failed")
            return []
        except DomainError as error:
            # A store rule refused it; its message names the rule and no personal data.
            logger.warning("%s: the case store refused it: %s (%s)", self.name(), error.code, error)
            dispatcher.utter_message(response="utter_intake_failed")
            return []
        response = (
            "utter_dispute_registered" if case.kind is CaseKind.DISPUTE else "utter_petition_registered"
        )
        dispatcher.utter_message(response=response, **receipt)
        return [*clear_intake(), SlotSet("last_case_number", receipt["case_number"])]


class ActionSubmitDispute(ActionSubmitIntake):
    form = DISPUTE_FORM


class ActionSubmitPetition(ActionSubmitIntake):
    form = PETITION_FORM


class ActionIntakeCancel(Action):
    """ "Cancel" at any step: the form stops and its answers are forgotten."""

    def name(self) -> str:
        return "action_intake_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if active_form(tracker) is None:
            dispatcher.utter_message(response="utter_intake_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_intake_cancelled")
        return [ActiveLoop(None), *clear_intake()]


class ActionIntakeBack(Action):
    """ "Go back": forgets the previous answer, so that the form asks it again."""

    def name(self) -> str:
        return "action_intake_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = active_form(tracker)
        if form is None:
            dispatcher.utter_message(response="utter_intake_nothing_to_cancel")
            return []
        slots = _slots(tracker)
        previous = dialogue.previous_slot(form, slots, _profile())
        if previous is None:
            dispatcher.utter_message(response="utter_intake_at_first_question")
            return [SlotSet(REQUESTED_SLOT, None)]
        cleared = {previous: None, "intake_confirm": None, "village_candidate": None, "intake_failures": None}
        cleared.update(dict.fromkeys(dialogue.DEPENDENT.get(previous, ()), None))
        return [SlotSet(slot, value) for slot, value in cleared.items()] + [SlotSet(REQUESTED_SLOT, None)]


class ActionIntakeRestart(Action):
    """ "Start over": forgets every answer of the form (not the privacy consent) and asks again."""

    def name(self) -> str:
        return "action_intake_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if active_form(tracker) is None:
            dispatcher.utter_message(response="utter_intake_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_intake_restarted")
        consent = tracker.get_slot("privacy_consent")
        return [*clear_intake(), SlotSet("privacy_consent", consent)]


class ActionTellTimeLimits(Action):
    """ "How long will it take?": the district profile's limits for the case being registered."""

    def name(self) -> str:
        return "action_tell_time_limits"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = CaseKind.PETITION if active_form(tracker) == PETITION_FORM else CaseKind.DISPUTE
        limits = _profile().limits(kind)
        dispatcher.utter_message(
            response="utter_intake_time_limits", **intake.time_limits(limits, _language(tracker))
        )
        return []


class ActionRecordConsent(Action):
    """ "I agree to the privacy notice", outside a form: consent is stored, registering is offered."""

    def name(self) -> str:
        return "action_record_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with session_scope(settings()) as session:
            intake.agree(session=session, resident=resident_of(tracker, session=session))
        dispatcher.utter_message(response="utter_privacy_agreed")
        return []
