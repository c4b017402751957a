"""One fix to Rasa 3.6's per-turn cost, applied when the Rasa server loads the relay channel.

Rasa checks every action-server response with `jsonschema.validate(result, schema)`, which
first re-validates the *schema itself* against the JSON-Schema meta-schema. The schema never
changes, so that step is pure waste, and it is not small: under load it was about 40% of the
Rasa process's CPU (py-spy, docs/load.md), because every turn calls the action server at least
once (action_validate_slot_mappings). Here the same schema is checked once and a compiled
validator is reused; what is accepted and rejected, and the error message, are unchanged.

Pinned to Rasa 3.6 (requirements/rasa.txt); tests/launcher/test_rasa_ext.py checks it still
applies and still rejects a malformed response.
"""

from __future__ import annotations

from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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


def apply() -> None:
    """Idempotent: installs the cached validator on Rasa's RemoteAction."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]

