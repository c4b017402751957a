"""Knowledge actions: answer a question, say more, quote the law, browse, "did you mean", and
hand over to a person. Every reply is a response from domain/knowledge*.yml; the catalogue in
bot.knowledge supplies only keys, button titles and the cited articles."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.knowledge import content, ranking, statutes
from bot.knowledge.content import LABELS, Lang, lang_of, payload


def _lang(tracker: Tracker) -> Lang:
    return lang_of(tracker.get_slot("language"))


def _named_key(tracker: Tracker) -> str | None:
    key = next(tracker.get_latest_entity_values("faq_key"), None)
    return key if content.answer(key) else None


def _key_in_context(tracker: Tracker) -> str | None:
    """The answer a button names, else the one the resident saw last."""
    return _named_key(tracker) or ranking.last_answered(tracker.events)


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


class ActionFaqAnswer(Action):
    """The answer the ResponseSelector chose, if it is sure enough; otherwise 'did you mean'."""

    def name(self) -> str:
        return "action_faq_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        choice = ranking.selected(tracker.latest_message)
        if choice and content.answer(choice.key) and choice.confidence >= ranking.ANSWER_MIN_CONFIDENCE:
            dispatcher.utter_message(response=f"{ranking.ANSWER_PREFIX}{choice.key}")
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
        offer_choices(dispatcher, tracker)
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
        dispatcher.utter_message(response=response)
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
        dispatcher.utter_message(response=response)
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
                text=article.text,
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
    """'Talk to a person'. Opening a consultation case waits for the case store's
    `bot.cases.service.create` to be wired here; until then it says where to go in person."""

    def name(self) -> str:
        return "action_ask_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_human_unavailable")
        return []
