"""Typed answers to the buttons the assistant just offered.

A resident who types "没有解决，希望重新处理" where the survey offered 解决了 / 部分解决 / 没解决
means the third button. Read without context, such a sentence sounds like a question for the
knowledge answers, and the survey never heard it. The gateway knows which buttons it showed
last and sends their intents in the message metadata (`expected_intents`); this component, after
the classifier, weighs those intents up by a fixed prior and renormalises:

    p'(intent) ∝ p(intent) × prior_weight   if the intent was offered,
    p'(intent) ∝ p(intent)                   otherwise,

and the most likely intent after that is the message's. A typed answer that the classifier
already half-recognised wins, and one it was unsure of becomes sure; a real question in the
middle of a survey ("how do I get legal aid?"), where the offered intents have almost no
probability, keeps its own intent. With no metadata (training, `rasa test`, a bare REST call)
nothing changes.

Intents listed in `answers_only` answer one question of the assistant's and nothing else (did you
pay? was it solved? how satisfied?): when buttons were offered and such an intent is not among
them, the question it answers was not asked now, and it is weighed down by the same factor.
"还没有" ("not yet") is an example of scam_paid_no ("have you paid them yet?"); after the
survey's "was it solved?" it is solved_no.

Loaded by Rasa from config.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

METADATA_KEY = "expected_intents"


def expected_intents(metadata: Any) -> list[str]:
    """The intent names in the metadata, or none if the field is missing or malformed."""
    if not isinstance(metadata, dict):
        return []
    names = metadata.get(METADATA_KEY)
    if not isinstance(names, list):
        return []
    return [name for name in names if isinstance(name, str) and name][:20]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ExpectedIntents(GraphComponent):
    """Weighs up the intents of the buttons the resident was just offered."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"prior_weight": 10.0, "answers_only": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self._weight = float(config["prior_weight"])
        self._answers_only = frozenset(config.get("answers_only") or [])

    def _factor(self, intent: Any, expected: set[str]) -> float:
        if intent in expected:
            return self._weight
        return 1.0 / self._weight if intent in self._answers_only else 1.0

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ExpectedIntents:
        if float(config["prior_weight"]) < 1:
            raise ValueError("ExpectedIntents: prior_weight must be at least 1")
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            expected = set(expected_intents(message.get(METADATA)))
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not expected or not ranking:
                continue
            weighed = [
                {
                    **item,
                    PREDICTED_CONFIDENCE_KEY: float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                    * self._factor(item.get(INTENT_NAME_KEY), expected),
                }
                for item in ranking
            ]
            # The classifier ranks every intent (rasa_ext/linear.py), so the shares renormalise
            # over all of them.
            total = sum(item[PREDICTED_CONFIDENCE_KEY] for item in weighed) or 1.0
            for item in weighed:
                item[PREDICTED_CONFIDENCE_KEY] /= total
            weighed.sort(key=lambda item: -item[PREDICTED_CONFIDENCE_KEY])
            message.set(INTENT, dict(weighed[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, weighed, add_to_output=True)
        return messages
