"""The answer catalogue: loads content_*.yml and topics.yml, the one source of every FAQ answer.

The domain responses (domain/knowledge_answers.yml) are generated from it by `bot.knowledge.build`;
the actions read it for what the domain cannot hold (button titles for "did you mean", topic
lists, the articles an answer cites).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.district import DistrictProfile
from bot.language import WRITTEN, Written, written

# The content files' two written languages (bot.language decides which one a resident gets).
Lang = Written
LANGS: tuple[Lang, ...] = WRITTEN
# Retrieval keys go into button payloads, which the relay signs and Telegram caps at 64 bytes.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,17}$")
CONTENT_FILES = ("content_fraud.yml", "content_law.yml")

# Button titles shared by the generated answers and the actions.
LABELS: dict[str, dict[Lang, str]] = {
    "more": {"zh": "详细说说", "en": "Tell me more"},
    "article": {"zh": "查看法条", "en": "Show the law"},
    "cheated": {"zh": "被骗了怎么办", "en": "I was cheated"},
    "human": {"zh": "找工作人员", "en": "Talk to a person"},
}


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Answer:
    """One FAQ answer: retrieval key `faq/<key>`, response `utter_faq/<key>`."""

    key: str
    title: Text
    sources_zh: tuple[str, ...]
    sources_en: tuple[str, ...]
    # Short law name (as in LAWS) -> article numbers, in the order they are cited.
    cites: Mapping[str, tuple[int, ...]]
    answer: Text
    more: Text
    human: Text | None = None
    # Elder mode: the answer in 2-3 very short lines and the next step, nothing it does not say.
    elder: Text | None = None

    @property
    def is_fraud(self) -> bool:
        return not self.key.startswith("law_")


@dataclass(frozen=True)
class Topic:
    name: str
    title: Text
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    name: str
    title: Text
    topics: tuple[str, ...]


def _text(raw: Mapping[str, Any], where: str) -> Text:
    missing = [lang for lang in LANGS if not str(raw.get(lang) or "").strip()]
    if missing:
        raise ValueError(f"{where}: no {', '.join(missing)} text")
    return Text(zh=str(raw["zh"]).strip(), en=str(raw["en"]).strip())


def _answer(key: str, raw: Mapping[str, Any]) -> Answer:
    if not KEY_PATTERN.match(key):
        raise ValueError(f"{key}: keys are 3-18 lower-case ASCII characters")
    cites = {str(law): tuple(int(n) for n in numbers) for law, numbers in (raw.get("cites") or {}).items()}
    sources = raw.get("sources") or {}
    return Answer(
        key=key,
        title=_text(raw["title"], f"{key}.title"),
        sources_zh=tuple(sources.get("zh") or ()),
        sources_en=tuple(sources.get("en") or ()),
        cites=cites,
        answer=_text(raw["answer"], f"{key}.answer"),
        more=_text(raw["more"], f"{key}.more"),
        human=_text(raw["human"], f"{key}.human") if raw.get("human") else None,
        elder=_text(raw["elder"], f"{key}.elder") if raw.get("elder") else None,
    )


def _load(name: str) -> Any:
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@cache
def answers() -> Mapping[str, Answer]:
    """Every answer by key, in file order."""
    catalogue: dict[str, Answer] = {}
    for name in CONTENT_FILES:
        for key, raw in (_load(name) or {}).items():
            if key in catalogue:
                raise ValueError(f"{key}: defined twice")
            catalogue[key] = _answer(key, raw)
    return catalogue


@cache
def topics() -> Mapping[str, Topic]:
    raw = _load("topics.yml")["topics"]
    return {
        name: Topic(name=name, title=_text(item["title"], name), keys=tuple(item["keys"]))
        for name, item in raw.items()
    }


@cache
def groups() -> Mapping[str, Group]:
    raw = _load("topics.yml")["groups"]
    return {
        name: Group(name=name, title=_text(item["title"], name), topics=tuple(item["topics"]))
        for name, item in raw.items()
    }


def variables(profile: DistrictProfile) -> dict[str, str]:
    """The district's facts an answer's text names as {placeholders}: the actions pass them with
    every answer they send (a missing one would show as "{...}")."""
    return {"antifraud_caller_id": profile.antifraud_caller_id}


def answer(key: str | None) -> Answer | None:
    return answers().get(key or "")


def payload(intent: str, **entities: str) -> str:
    """A button payload: `/intent{"entity":"value"}`, compact JSON so it stays short."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, separators=(',', ':'), ensure_ascii=True)}"


def lang_of(language: str | None) -> Lang:
    """Our content has two languages; Traditional Chinese is made from the Simplified text."""
    return written(language)
