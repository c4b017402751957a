"""A message that is only a number, and case numbers anywhere in a message.

No classifier learns what a bare number means: "13812345678" or an ID number typed on its own,
outside a form, got whichever answer its digits happened to resemble (a legal-aid answer for a
phone number, consumer rights for an ID number). Inside a form the form takes the text as the
answer whatever the intent; outside one the assistant must ask what the resident wants. So:
- a message that is, once spaces, punctuation and a label ("手机号", "my number is") are dropped,
  a phone number or an ID number
  gets the intent `give_number` (confidence 1) and an entity `number_kind` (`phone` or
  `id_number`); the number itself is not copied into an entity, so it is kept nowhere new;
- a case number anywhere in the message (DT-JF-2026-000123, in any case, full-width or not)
  becomes the entity `case_number`, upper-cased, and the intent `my_cases` unless the message
  already asks to withdraw that case;
- a case number followed by a claim code ("查询 DT-JF-2026-000123 123456", "认领码：123456",
  "DT-JF-2026-000123 code 123456": the receipt of a case staff registered) also gives the entity
  `claim_code` and the intent `claim_case`, whatever else the message seems to ask.

The patterns are settings (config.yml), so a district with another case-number prefix needs no
code. Loaded by Rasa from config.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

_NOT_DIGITS = re.compile(r"[\s\-–—_.,，。、:：;；()（）+]")
# What a number typed on its own may be labelled with: "手机号 159…", "my number is 138…".
_LABEL = re.compile(
    r"^\s*(?:我的|俺的|my\s+)?(?:手机号码|手机号|手机|电话号码|电话|号码|联系方式|身份证号码|身份证号|身份证"
    r"|phone\s+number|phone|mobile|tel|id\s+number|number)\s*(?:是|为|is)?\s*[:：]?",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    """Full-width letters and digits as ASCII (１３８ → 138)."""
    return unicodedata.normalize("NFKC", text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NumberMessages(GraphComponent):
    """`give_number` for a bare phone or ID number; `case_number` entities and `my_cases`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "phone_pattern": r"(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}",
            "id_number_pattern": r"\d{17}[\dXx]",
            "case_number_pattern": r"[A-Za-z]{2,5}-[A-Za-z]{2}-\d{4}-\d{6}",
            "claim_code_pattern": r"\d{6}",
            "bare_number_intent": "give_number",
            "case_intent": "my_cases",
            "claim_intent": "claim_case",
            "keep_intents": ["my_cases", "withdraw_case", "withdraw_confirm"],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._kinds = [
            ("phone", re.compile(config["phone_pattern"])),
            ("id_number", re.compile(config["id_number_pattern"])),
        ]
        self._case = re.compile(config["case_number_pattern"])
        # Right after the case number: separators, perhaps a label, then the code and no more digits.
        self._claim_code = re.compile(
            r"[\s,，、.。:：;；/]*(?:(?:认领码|認領碼|领取码|領取碼|查询码|查詢碼|验证码|驗證碼|claim\s*code|code|码|碼)"
            rf"\s*(?:是|为|為|is)?\s*[:：]?\s*)?({config['claim_code_pattern']})(?!\d)",
            re.IGNORECASE,
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NumberMessages:
        return cls(config)

    def bare_number_kind(self, text: str) -> str | None:
        """`phone` or `id_number` if the text is nothing but one (perhaps labelled), else None."""
        digits = _NOT_DIGITS.sub("", _LABEL.sub("", _plain(text), count=1))
        for kind, pattern in self._kinds:
            if pattern.fullmatch(digits):
                return kind
        return None

    def _set_intent(self, message: Message, name: str) -> None:
        # Decided by rule: the model's other guesses keep no weight (FallbackClassifier would
        # otherwise find the rule's choice "ambiguous" against the model's own best guess).
        intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        others = [
            {**i, PREDICTED_CONFIDENCE_KEY: 0.0}
            for i in message.get(INTENT_RANKING_KEY) or []
            if i.get(INTENT_NAME_KEY) != name
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)

    def _add_entity(self, message: Message, name: str, value: str, start: int, end: int) -> None:
        entities = [
            *message.get(ENTITIES, []),
            {
                ENTITY_ATTRIBUTE_TYPE: name,
                ENTITY_ATTRIBUTE_VALUE: value,
                ENTITY_ATTRIBUTE_START: start,
                ENTITY_ATTRIBUTE_END: end,
                EXTRACTOR: type(self).__name__,
            },
        ]
        message.set(ENTITIES, entities, add_to_output=True)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            kind = self.bare_number_kind(text)
            if kind is not None:
                self._set_intent(message, self._config["bare_number_intent"])
                self._add_entity(message, "number_kind", kind, 0, len(text))
                continue
            plain = _plain(text)
            found = self._case.search(plain)
            if found is None:
                continue
            self._add_entity(message, "case_number", found.group(0).upper(), found.start(), found.end())
            code = self._claim_code.match(plain, found.end())
            if code is not None:
                self._add_entity(message, "claim_code", code.group(1), code.start(1), code.end(1))
                self._set_intent(message, self._config["claim_intent"])
                continue
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if current not in self._config["keep_intents"]:
                self._set_intent(message, self._config["case_intent"])
        return messages
