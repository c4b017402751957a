"""Knowledge actions: answer a question, say more, quote the law, browse, "did you mean", and
open a consultation case for "talk to a person". Every reply is a response from
domain/knowledge*.yml; the catalogue in bot.knowledge supplies only keys, button titles and the
cited articles."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import resident_of, settings
from actions.safety import say_danger_first
from actions.scams import warn_of_scam_now
from bot.cases import service as cases
from bot.cases.enums import CaseKind
from bot.db.session import session_scope
from bot.district import load_profile, profile_of
from bot.knowledge import consultation, content, ranking, statutes
from bot.knowledge.content import LABELS, Lang, lang_of, payload
from bot.residents.enums import Channel


def _lang(tracker: Tracker) -> Lang:
    return lang_of(tracker.get_slot("language"))


def _named_key(tracker: Tracker) -> str | None:
    key = next(tracker.get_latest_entity_values("faq_key"), None)
    return key if content.answer(key) else None


def _key_in_context(tracker: Tracker) -> str | None:
    """The answer a button names, else the one the resident saw last."""
    return _named_key(tracker) or ranking.last_answered(tracker.events)


def say_answer(dispatcher: CollectingDispatcher, response: str) -> None:
    """An answer or its detail, with the district's facts its text names (bot.knowledge.content)."""
    dispatcher.utter_message(response=response, **content.variables(load_profile(settings())))


def _button(title: str, value: str) -> dict[str, str]:
    return {"title": title, "payload": value}


def _human_button(lang: Lang) -> dict[str, str]:
    return _button(LABELS["human"][lang], payload("ask_human"))


def offer_choices(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """'Did you mean': the closest answers as buttons, and 'talk to a person'."""
    lang = _lang(tracker)
    close = ranking.suggestions(tracker.latest_message, content.answers())
    if not close:
        dispatcher.utter_message(response="utter_faq_did_you_mean_none")
        return
    buttons = [
        _button(content.answers()[candidate.key].title(lang), payload("faq_pick", faq_key=candidate.key))
        for candidate in close
    ]
    dispatcher.utter_message(response="utter_faq_did_you_mean", buttons=[*buttons, _human_button(lang)])


def _urgent_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A danger to life first, then a scam happening now: if the message shows either, what was
    said about it ends the turn (the events to return); None if neither."""
    if say_danger_first(dispatcher, tracker):
        return []
    return warn_of_scam_now(dispatcher, tracker)


class ActionFaqAnswer(Action):
    """The answer the ResponseSelector chose, if it is sure enough; otherwise 'did you mean'."""

    def name(self) -> str:
        return "action_faq_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        urgent = _urgent_first(dispatcher, tracker)
        if urgent is not None:
            return urgent
        choice = ranking.selected(tracker.latest_message)
        if choice and content.answer(choice.key) and choice.confidence >= ranking.ANSWER_MIN_CONFIDENCE:
            say_answer(dispatcher, f"{ranking.ANSWER_PREFIX}{choice.key}")
        else:
            offer_choices(dispatcher, tracker)
        return []


class ActionFaqDidYouMean(Action):
    """When the assistant did not understand (nlu_fallback): the closest answers as buttons."""

    def name(self) -> str:
        return "action_faq_did_you_mean"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        urgent = _urgent_first(dispatcher, tracker)
        if urgent is not None:
            return urgent
        offer_choices(dispatcher, tracker)
        return []


class ActionOutOfScope(Action):
    """Something the assistant does not cover: "I can't help with that", unless the message shows
    danger ("我刚吃了一瓶安眠药" can read as chatter to the classifier) or a scam happening now."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        urgent = _urgent_first(dispatcher, tracker)
        if urgent is not None:
            return urgent
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionFaqPick(Action):
    """An answer chosen by a button (`/faq_pick{"faq_key":"..."}`)."""

    def name(self) -> str:
        return "action_faq_pick"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        key = _named_key(tracker)
        response = f"{ranking.ANSWER_PREFIX}{key}" if key else "utter_faq_which_answer"
        say_answer(dispatcher, response)
        return []


class ActionFaqMore(Action):
    """The detail behind an answer: the one the button names, or the last one given."""

    def name(self) -> str:
        return "action_faq_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        key = _key_in_context(tracker)
        response = f"{ranking.DETAIL_PREFIX}{key}" if key else "utter_faq_which_answer"
        say_answer(dispatcher, response)
        return []


class ActionFaqArticle(Action):
    """Quotes the articles an answer cites, from the statute extract (bot/knowledge/statutes.py)."""

    def name(self) -> str:
        return "action_faq_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        item = content.answer(_key_in_context(tracker))
        if item is None:
            dispatcher.utter_message(response="utter_faq_which_answer")
            return []
        if not item.cites:
            dispatcher.utter_message(response="utter_faq_article_none")
            return []
        cited = [(law, number) for law, numbers in item.cites.items() for number in numbers]
        articles = (statutes.article(law, number) for law, number in cited)
        found = [article for article in articles if article is not None]
        if not found:
            dispatcher.utter_message(response="utter_faq_article_unavailable")
            return []
        for article in found:
            dispatcher.utter_message(
                response="utter_faq_article",
                law=statutes.LAWS[article.law][0],
                law_en=statutes.english_name(article.law),
                number=article.number_zh,
                article=article.number,
                article_text=article.text,
            )
        return []


class ActionFaqTopics(Action):
    """Browsing: the groups, a group's topics, or a topic's questions, as buttons."""

    def name(self) -> str:
        return "action_faq_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        name = next(tracker.get_latest_entity_values("faq_topic"), None) or ""
        groups, topics = content.groups(), content.topics()
        if name in topics:
            buttons = [
                _button(content.answers()[key].title(lang), payload("faq_pick", faq_key=key))
                for key in topics[name].keys
            ]
            dispatcher.utter_message(response="utter_faq_choose_question", buttons=buttons)
            return []
        if name in groups:
            shown = [topics[topic] for topic in groups[name].topics]
            buttons = [
                _button(topic.title(lang), payload("faq_topics", faq_topic=topic.name)) for topic in shown
            ]
        else:
            buttons = [
                _button(group.title(lang), payload("faq_topics", faq_topic=group.name))
                for group in groups.values()
            ]
        dispatcher.utter_message(response="utter_faq_choose_topic", buttons=buttons)
        return []


class ActionAskHuman(Action):
    """'Talk to a person': opens a consultation case that staff see in their queue, once the
    resident's township is known (from the resident's record or a township button)."""

    def name(self) -> str:
        return "action_ask_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope(settings()) as session:
            profile = profile_of(session)
            resident = resident_of(tracker, session=session)
            names = [town.name for town in profile.townships]
            township = _chosen_township(tracker, names) or resident.township
            if not township or profile.township(township) is None:
                buttons = [
                    _button(town.name, payload("ask_human", faq_place=str(number)))
                    for number, town in enumerate(profile.townships, 1)
                ]
                dispatcher.utter_message(response="utter_ask_human_township", buttons=buttons)
                return []
            case_in = consultation.request(
                key=_key_in_context(tracker),
                question=_last_question(tracker),
                township=township,
                channel=Channel(tracker.sender_id.partition(":")[0]),
                language=tracker.get_slot("language"),
            )
            case = cases.create(session=session, case_in=case_in, resident=resident)
            number, days = case.number, profile.limits(CaseKind.CONSULTATION).accept_within_days
        dispatcher.utter_message(response="utter_consultation_opened", number=number, days=days)
        return []


def _chosen_township(tracker: Tracker, names: list[str]) -> str | None:
    chosen = next(tracker.get_latest_entity_values("faq_place"), None)
    if chosen is None or not str(chosen).isdigit() or not 1 <= int(chosen) <= len(names):
        return None
    return names[int(chosen) - 1]


def _last_question(tracker: Tracker) -> str | None:
    """The last thing the resident typed (not a button), for staff to see what was asked, as the
    resident wrote it (Traditional Chinese stays Traditional)."""
    for event in reversed(tracker.events):
        text = event.get("text") or ""
        if event.get("event") == "user" and text and not text.startswith("/"):
            return str((event.get("metadata") or {}).get("text_as_written") or text)
    return None
