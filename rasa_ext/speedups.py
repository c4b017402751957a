"""Three fixes to Rasa 3.6's per-turn cost, applied when the Rasa server loads the relay channel.
All change how much work Rasa does, never what it answers.

1. Rasa checks every action-server response with `jsonschema.validate(result, schema)`, which
   first re-validates the *schema itself* against the JSON-Schema meta-schema. The schema never
   changes, so that step is pure waste, and it is not small: under load it was about 40% of the
   Rasa process's CPU (py-spy, docs/load.md), because most turns call the action server
   (answers, forms, cases). Here the schema is checked once and a compiled
   validator is reused; what is accepted and rejected, and the error message, are unchanged.
2. Rasa reads every `{...}` in a response as a slot placeholder, so a button payload with JSON
   (`/inform{"dispute_category":"neighbour"}`) raises a KeyError inside the interpolator, which
   Rasa logs at ERROR level with a full traceback and then returns the text unchanged. That
   logging was about 10% of Rasa's CPU under load. A text whose every `{...}` holds a quote
   (a slot name never does) is now returned unchanged directly: the same result, no exception.
3. Every event read back from the tracker store is resolved to its class by
   `Event.resolve_by_type`, which walks the whole tree of Event subclasses (and `inspect`s each
   one) for every event: a conversation of 60 events walked it 60 times per turn, about a tenth
   of Rasa's CPU in a profile of the load mix (docs/understanding.md). The name → class lookup is
   now remembered the first time each name is resolved, in the same walk order, so the same
   class comes back; an unknown name still goes to Rasa's own method.

Pinned to Rasa 3.6 (requirements/rasa.txt); tests/launcher/test_rasa_ext.py checks it still
applies and still rejects a malformed response.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg import interpolator
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

# Rasa's own placeholder pattern (rasa/core/nlg/interpolator.py).
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
_interpolate_text = interpolator.interpolate_text


def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, not on every action call
    return cls(schema)


_VALIDATOR = _validator()


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_VALIDATOR.iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        "Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def interpolate_text(response: str, values: dict[str, str]) -> str:
    tags = _PLACEHOLDER.findall(response)
    if tags and all('"' in tag for tag in tags):
        return response  # JSON, not placeholders: what Rasa returns after its KeyError
    return _interpolate_text(response, values)


_resolve_event_type = Event.resolve_by_type
_EVENT_TYPES: dict[str, type[Event]] = {}


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _EVENT_TYPES.get(type_name)
    if known is not None:
        return known
    for cls in all_subclasses(Event):  # Rasa's own walk, so the first match is the same class
        if cls.type_name == type_name:
            _EVENT_TYPES[type_name] = cls
            return cls
    return _resolve_event_type(type_name, default)  # unknown: Rasa's answer (default or error)


def apply() -> None:
    """Idempotent: installs the cached validator, the interpolation shortcut and the event-type
    lookup."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    interpolator.interpolate_text = interpolate_text
    Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign,assignment]
