"""The gateway's language and elder-mode decision, as entities, so no action call is needed.

The gateway decides each turn which language to answer in and whether elder mode is on, and
sends both in the message metadata (bot/conversation). Slots can only be filled from what the
NLU pipeline puts on the message, so this component, last in the pipeline, copies the two
values from the metadata into entities of the same names; the slots `language` and
`elder_mode` map from them (domain/core.yml). Before, a custom slot mapping asked the action
server on every turn (`action_validate_slot_mappings`), which sent it the whole tracker.

A button payload or command (`/intent{...}`) never reaches the NLU pipeline: Rasa unpacks it
itself. For those, the relay channel (rasa_ext/relay_channel.py) writes the same two values into
the payload's own entities with `into_payload`, so a resident who picks English on a button is
answered in English from that very turn.

A value outside what the slot accepts is ignored, so a forged metadata field cannot put an
unknown language or a non-boolean elder mode into the conversation. Messages without metadata
(training, `rasa test`, bare REST) get no entities and keep the slots as they are.

Loaded by Rasa from config.yml; it must import nothing from `bot/`.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT_NAME_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

LANGUAGES = frozenset({"zh-Hans", "zh-Hant", "en"})
# What Rasa itself reads as a payload, /intent@confidence{json} (the pattern it unpacks with).
PAYLOAD = YAMLStoryReader._regex_message_pattern()


def carried(metadata: Any) -> dict[str, Any]:
    """The language and elder mode in `metadata` that the slots accept."""
    if not isinstance(metadata, dict):
        return {}
    values: dict[str, Any] = {}
    if metadata.get("language") in LANGUAGES:
        values["language"] = metadata["language"]
    if isinstance(metadata.get("elder_mode"), bool):
        values["elder_mode"] = metadata["elder_mode"]
    return values


def into_payload(text: str, metadata: Any) -> str:
    """`text` with the metadata's language and elder mode among its entities if it is a payload
    (`/intent` or `/intent{...}`); any other text, or a payload whose entities are not a JSON
    object, unchanged."""
    values = carried(metadata)
    match = PAYLOAD.match(text)
    if not values or match is None or match.group("rest"):
        return text
    entities: Any = {}
    if match.group(ENTITIES):
        try:
            entities = json.loads(match.group(ENTITIES))
        except ValueError:
            return text
        if not isinstance(entities, dict):
            return text
    merged = json.dumps({**entities, **values}, ensure_ascii=False, separators=(",", ":"))
    return f"/{match.group(INTENT_NAME_KEY)}{match.group(PREDICTED_CONFIDENCE_KEY) or ''}{merged}"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MetadataEntities(GraphComponent):
    """Entities `language` and `elder_mode` from the message metadata."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MetadataEntities:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            values = carried(message.get(METADATA))
            if not values:
                continue
            entities = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) not in values]
            for name, value in values.items():
                entities.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: name,
                        ENTITY_ATTRIBUTE_VALUE: value,
                        ENTITY_ATTRIBUTE_START: 0,
                        ENTITY_ATTRIBUTE_END: 0,
                        EXTRACTOR: type(self).__name__,
                    }
                )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
