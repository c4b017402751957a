"""Scam check, warnings and guardians in dialogue: thin adapters over bot.scams.

Every reply is a response from domain/scams.yml; the check's wording (signs, advice, type names)
comes from bot.scams in the conversation's language.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from bot.cases import service as cases
from bot.cases.enums import CaseCategory, CaseKind
from bot.cases.schemas import CaseCreate
from bot.db.session import session_scope
from bot.district import load_profile
from bot.language import Language
from bot.residents.enums import Channel
from bot.scams import alerts, guardians, rules
from bot.scams.guardians import GuardianEvent, InvalidGuardianCode, TooManyWrongCodes
from bot.scams.narrative import assess_narrative
from bot.scams.service import Risk, ScamCheck, check, defang

ALL_TOWNSHIPS = "all"
CHEATED_ANSWER = "utter_faq/fraud_cheated"  # the knowledge base's "I have been cheated" steps


def _language(tracker: Tracker) -> Language:
    value = tracker.get_slot("language")
    return Language(value) if value in set(Language) else Language.SIMPLIFIED


def _english(tracker: Tracker) -> bool:
    return _language(tracker) is Language.ENGLISH


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def _occasion(tracker: Tracker) -> str:
    """Identifies the resident's latest message, so a notice is sent once per event."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return f"{tracker.sender_id}:{event.get('timestamp')}"
    return tracker.sender_id


def _township_buttons(tracker: Tracker, intent: str, *, whole_district: bool) -> list[dict[str, str]]:
    profile = load_profile(settings())
    buttons = [
        {"title": township.name, "payload": f'/{intent}{{"township_no":"{number}"}}'}
        for number, township in enumerate(profile.townships)
    ]
    if whole_district:
        title = "Whole district" if _english(tracker) else "全区"
        buttons.append({"title": title, "payload": f'/{intent}{{"township_no":"{ALL_TOWNSHIPS}"}}'})
    return buttons


def _township_named(tracker: Tracker) -> tuple[bool, str | None]:
    """(chosen, township) from a township button: (True, None) is the whole district."""
    value = _entity(tracker, "township_no")
    if value is None:
        return False, None
    if value == ALL_TOWNSHIPS:
        return True, None
    townships = load_profile(settings()).townships
    if value.isdigit() and int(value) < len(townships):
        return True, townships[int(value)].name
    return False, None


def _result_response(result: ScamCheck) -> str:
    if result.risk is Risk.HIGH:
        return "utter_scam_result_high" if result.fraud_type_label else "utter_scam_result_high_untyped"
    return "utter_scam_result_medium" if result.risk is Risk.MEDIUM else "utter_scam_result_low"


class ActionCheckScam(Action):
    """Checks the message the resident pasted or forwarded and explains the result."""

    def name(self) -> str:
        return "action_check_scam"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = str(tracker.get_slot("scam_text") or "").strip()
        if not text:
            dispatcher.utter_message(response="utter_ask_scam_text")
            return []
        language = _language(tracker)
        result = check(text, language=language)
        bullet = "• "
        dispatcher.utter_message(
            response=_result_response(result),
            score=round(result.score * 100),
            fraud_type=result.fraud_type_label or "",
            flags="\n".join(bullet + flag for flag in result.red_flags) or "—",
            advice=result.advice,
        )
        events: list[dict[str, Any]] = [
            SlotSet("scam_text", None),
            SlotSet("scam_last_text", defang(text)[:2000]),
            SlotSet("scam_last_type", result.fraud_type),
        ]
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            told = 0
            if result.risk is Risk.HIGH:
                told = guardians.notify(
                    session=session,
                    resident=resident,
                    event=GuardianEvent.HIGH_RISK,
                    fraud_type=result.fraud_type,
                    occasion=_occasion(tracker),
                )
            offer_alerts = bool(resident.elder_mode) and not alerts.is_subscribed(
                session=session, resident=resident
            )
        if result.risk is Risk.HIGH:
            if told:
                dispatcher.utter_message(response="utter_scam_guardians_told")
            dispatcher.utter_message(response="utter_scam_ask_paid")
        elif offer_alerts:
            dispatcher.utter_message(response="utter_scam_offer_alerts")
        return events


def warn_of_scam_now(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A scam the resident tells us about as it happens ("someone called saying my grandson…"):
    stop, hang up, call back on a known number, 110 / 96110, then "did you already pay?". Called
    before any answer from the knowledge base; None when the message is not such an account."""
    latest = tracker.latest_message or {}
    text = str((latest.get("metadata") or {}).get("text_as_written") or latest.get("text") or "").strip()
    if not text or text.startswith("/"):
        return None  # a button, not the resident's words
    result = assess_narrative(text, language=_language(tracker))
    if result is None:
        return None
    response = "utter_scam_now" if result.fraud_type_label else "utter_scam_now_untyped"
    dispatcher.utter_message(response=response, fraud_type=result.fraud_type_label or "")
    with session_scope(settings()) as session:
        told = guardians.notify(
            session=session,
            resident=resident_of(tracker, session=session),
            event=GuardianEvent.HIGH_RISK,
            fraud_type=result.fraud_type,
            occasion=_occasion(tracker),
        )
    if told:
        dispatcher.utter_message(response="utter_scam_guardians_told")
    dispatcher.utter_message(response="utter_scam_ask_paid")
    return [SlotSet("scam_last_text", defang(text)[:2000]), SlotSet("scam_last_type", result.fraud_type)]


class ActionScamPaid(Action):
    """The resident already paid or shared a code: the "cheated" steps, guardians, an urgent case."""

    def name(self) -> str:
        return "action_scam_paid"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response=CHEATED_ANSWER)
        with session_scope(settings()) as session:
            told = guardians.notify(
                session=session,
                resident=resident_of(tracker, session=session),
                event=GuardianEvent.PAID,
                fraud_type=tracker.get_slot("scam_last_type"),
                occasion=_occasion(tracker),
            )
        if told:
            dispatcher.utter_message(response="utter_scam_guardians_told")
        number = tracker.get_slot("scam_case_number")
        if number:
            dispatcher.utter_message(response="utter_scam_case_exists", number=number)
        else:
            dispatcher.utter_message(response="utter_scam_offer_case")
        return []


class ActionScamOpenCase(Action):
    """Opens an urgent consultation about fraud, which tops the staff queue."""

    def name(self) -> str:
        return "action_scam_open_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = tracker.get_slot("scam_case_number")
        if number:
            dispatcher.utter_message(response="utter_scam_case_exists", number=number)
            return []
        _, chosen = _township_named(tracker)
        with session_scope(settings()) as session:
            resident = resident_of(tracker, session=session)
            township = chosen or resident.township
            if township is None:
                dispatcher.utter_message(
                    response="utter_scam_choose_township",
                    buttons=_township_buttons(tracker, "scam_open_case", whole_district=False),
                )
                return []
            channel = tracker.sender_id.partition(":")[0]
            checked = tracker.get_slot("scam_last_text")
            fraud_type = tracker.get_slot("scam_last_type")
            description = (
                "居民在对话中表示已按疑似诈骗消息转账或告知验证码，请求紧急联系。"
                + (f"\n疑似类型：{rules.BY_KEY[fraud_type].zh}" if fraud_type in rules.BY_KEY else "")
                + (f"\n居民检查过的消息（已去链接）：\n{checked}" if checked else "")
            )
            case = cases.create(
                session=session,
                resident=resident,
                case_in=CaseCreate(
                    # A consultation, not a dispute: there is no other party to mediate with; the
                    # resident needs a person to call them back now (the police handle the fraud).
                    kind=CaseKind.CONSULTATION,
                    category=CaseCategory.FRAUD,
                    township=township,
                    title="疑似被骗，请求紧急联系",
                    description=description[:5000],
                    language=_language(tracker).value,
                    channel=Channel(channel) if channel in set(Channel) else Channel.WEB,
                    urgent=True,
                ),
            )
            number = case.number
        dispatcher.utter_message(response="utter_scam_case_opened", number=number)
        return [SlotSet("scam_case_number", number)]


class ActionSubscribeAlerts(Action):
    """Subscribes the resident to the centre's scam warnings for a township or the district."""

    def name(self) -> str:
        return "action_subscribe_alerts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        chosen, township = _township_named(tracker)
        if not chosen:
            dispatcher.utter_message(
                response="utter_scam_alerts_which_township",
                buttons=_township_buttons(tracker, "subscribe_alerts", whole_district=True),
            )
            return []
        with session_scope(settings()) as session:
            alerts.subscribe(
                session=session, resident=resident_of(tracker, session=session), township=township
            )
        where = township or ("the whole district" if _english(tracker) else "全区")
        dispatcher.utter_message(response="utter_scam_subscribed", township=where)
        return []


class ActionUnsubscribeAlerts(Action):
    """Stops every scam warning to the resident."""

    def name(self) -> str:
        return "action_unsubscribe_alerts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope(settings()) as session:
            ended = alerts.unsubscribe(session=session, resident=resident_of(tracker, session=session))
        dispatcher.utter_message(response="utter_scam_unsubscribed" if ended else "utter_scam_not_subscribed")
        return []


class ActionOfferScamAlerts(Action):
    """Offers the warnings to a resident who does not have them yet (elder mode at the start)."""

    def name(self) -> str:
        return "action_offer_scam_alerts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope(settings()) as session:
            subscribed = alerts.is_subscribed(session=session, resident=resident_of(tracker, session=session))
        if not subscribed:
            dispatcher.utter_message(response="utter_scam_offer_alerts")
        return []


class ActionGuardianSetup(Action):
    """Asks what a guardian should hear, then gives the resident a one-time code for them."""

    def name(self) -> str:
        return "action_guardian_setup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        notify = _entity(tracker, "guardian_notify")
        if notify not in {"all", "paid"}:
            dispatcher.utter_message(response="utter_guardian_choose")
            return []
        with session_scope(settings()) as session:
            _, code = guardians.create_invite(
                session=session,
                resident=resident_of(tracker, session=session),
                notify_high_risk=notify == "all",
                notify_paid=True,
            )
        hours = int(guardians.CODE_VALID_FOR.total_seconds() // 3600)
        dispatcher.utter_message(response="utter_guardian_code", code=code, hours=hours)
        return []


_CODE_IN_TEXT = re.compile(rf"(?<!\d)(\d[\s-]?){{{guardians.CODE_DIGITS}}}(?!\d)")


class ActionGuardianLink(Action):
    """A family member sends the resident's code and becomes their guardian."""

    def name(self) -> str:
        return "action_guardian_link"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        found = _CODE_IN_TEXT.search(str(tracker.latest_message.get("text") or ""))
        if found is None:
            dispatcher.utter_message(response="utter_guardian_ask_code")
            return []
        try:
            with session_scope(settings()) as session:
                guardians.redeem(
                    session=session, guardian=resident_of(tracker, session=session), code=found.group(0)
                )
        except TooManyWrongCodes:
            dispatcher.utter_message(response="utter_guardian_code_limited")
            return []
        except InvalidGuardianCode:
            with session_scope(settings()) as session:  # the failed link's transaction is gone
                guardians.record_wrong_code(session=session, guardian=resident_of(tracker, session=session))
            dispatcher.utter_message(response="utter_guardian_code_invalid")
            return []
        dispatcher.utter_message(response="utter_guardian_linked")
        return []


class ActionGuardianRemove(Action):
    """Unlinks the resident's guardians."""

    def name(self) -> str:
        return "action_guardian_remove"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope(settings()) as session:
            removed = guardians.remove_guardians(
                session=session, resident=resident_of(tracker, session=session)
            )
        dispatcher.utter_message(response="utter_guardian_removed" if removed else "utter_guardian_none")
        return []
