"""The satisfaction survey in dialogue: thin adapters over bot.followups.service."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from bot.db.session import session_scope
from bot.followups import service as followups
from bot.followups.enums import Rating, Solved

SURVEY_SLOTS = ("survey_rating", "survey_solved", "survey_comment")


def _has_open_survey(tracker: Tracker) -> bool:
    with session_scope(settings()) as session:
        try:
            followups.open_survey(
                session=session,
                resident=resident_of(tracker, session=session),
                case_number=tracker.get_slot("survey_case"),
            )
        except followups.NoOpenSurvey:
            return False
    return True


class ActionStartSurvey(Action):
    """Opens the survey the dispatcher started, if it is still waiting for an answer."""

    def name(self) -> str:
        return "action_start_survey"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if _has_open_survey(tracker):
            dispatcher.utter_message(
                response="utter_survey_intro", survey_case=tracker.get_slot("survey_case")
            )
        return [SlotSet(slot, None) for slot in SURVEY_SLOTS]


class ValidateSurveyForm(FormValidationAction):
    """Asks nothing when there is no survey to answer (answered already, cancelled, opted out)."""

    def name(self) -> str:
        return "validate_survey_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return domain_slots if _has_open_survey(tracker) else []


class ActionRecordSurvey(Action):
    """Stores the answers; the case is closed, or reopened when the resident is not satisfied."""

    def name(self) -> str:
        return "action_record_survey"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = tracker.get_slot("survey_case")
        rating, solved = tracker.get_slot("survey_rating"), tracker.get_slot("survey_solved")
        comment = tracker.get_slot("survey_comment")
        reopened = None
        if rating and solved:
            with session_scope(settings()) as session:
                try:
                    survey = followups.open_survey(
                        session=session, resident=resident_of(tracker, session=session), case_number=number
                    )
                    followups.record_answer(
                        session=session,
                        survey=survey,
                        rating=Rating(rating),
                        solved=Solved(solved),
                        comment=None if comment == "-" else comment,
                    )
                    reopened = survey.new_status is not None and survey.new_status.value == "in_progress"
                except followups.NoOpenSurvey:
                    reopened = None
        if reopened is None:
            dispatcher.utter_message(response="utter_survey_not_open")
        else:
            dispatcher.utter_message(
                response="utter_survey_reopened" if reopened else "utter_survey_closed", survey_case=number
            )
        return [SlotSet(slot, None) for slot in SURVEY_SLOTS]


class ActionStopSurveys(Action):
    """ "Stop asking me": never surveyed again."""

    def name(self) -> str:
        return "action_stop_surveys"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope(settings()) as session:
            followups.opt_out(session=session, resident=resident_of(tracker, session=session))
        dispatcher.utter_message(response="utter_surveys_stopped")
        return [SlotSet(slot, None) for slot in SURVEY_SLOTS]
