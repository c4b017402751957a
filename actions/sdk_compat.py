"""Rasa 3.6 with rasa-sdk 3.12: the domain is sent only to the actions that read it.

endpoints.yml enables Rasa's selective domain, so Rasa sends the domain (~200 KB of JSON) only to
the form validators that need it, instead of with every action call (docs/load.md). rasa-sdk
3.12 expects a newer Rasa that sends a domain digest and re-sends the domain when asked (HTTP
449); Rasa 3.6 does neither, so every call without a domain would fail. Here an action called
without a domain gets an empty one: the actions that run that way never read it
(tests/actions/test_sdk_compat.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor


def _domain_of_call(self: ActionExecutor, payload: dict[str, Any], action_name: str) -> dict[str, Any]:
    return payload.get("domain") or {}


def apply() -> None:
    ActionExecutor.update_and_return_domain = _domain_of_call  # type: ignore[method-assign,assignment]
