"""Reading the NLU result and the conversation: which answer was chosen, which came close,
and which answer the resident saw last (for "tell me more" typed instead of pressed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

RETRIEVAL_INTENT = "faq"
# Below this ResponseSelector confidence the answer is offered as a choice, not given. On the
# held-out splits (bench/nlu_eval, docs/knowledge.md; 1,884 questions over four splits) the
# selector on TF-IDF inputs (config.yml) answers 86% right and 3% wrong at 0.3 and offers a
# choice for 11%; 0.15 would answer 91% right but 6% wrong. A wrong answer misleads; a choice
# costs one tap.
ANSWER_MIN_CONFIDENCE = 0.3
# Candidates weaker than this are not worth a "did you mean" button.
SUGGEST_MIN_CONFIDENCE = 0.05
SUGGESTIONS = 3

ANSWER_PREFIX = f"utter_{RETRIEVAL_INTENT}/"
DETAIL_PREFIX = "utter_more_"


@dataclass(frozen=True)
class Candidate:
    key: str
    confidence: float


def _key(intent_response_key: object) -> str | None:
    prefix = f"{RETRIEVAL_INTENT}/"
    if isinstance(intent_response_key, str) and intent_response_key.startswith(prefix):
        return intent_response_key[len(prefix) :]
    return None


def _selector(parse_data: Mapping[str, Any]) -> Mapping[str, Any]:
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    return selector if isinstance(selector, Mapping) else {}


def selected(parse_data: Mapping[str, Any]) -> Candidate | None:
    """The answer the ResponseSelector chose for the latest message, with its confidence."""
    response = _selector(parse_data).get("response") or {}
    key = _key(response.get("intent_response_key"))
    if key is None:
        return None
    return Candidate(key=key, confidence=float(response.get("confidence") or 0.0))


def suggestions(
    parse_data: Mapping[str, Any], known: Iterable[str], *, limit: int = SUGGESTIONS
) -> list[Candidate]:
    """The closest answers, best first, for "did you mean"."""
    known_keys = set(known)
    found: list[Candidate] = []
    for item in _selector(parse_data).get("ranking") or []:
        key = _key(item.get("intent_response_key"))
        confidence = float(item.get("confidence") or 0.0)
        if key in known_keys and confidence >= SUGGEST_MIN_CONFIDENCE and key not in {c.key for c in found}:
            found.append(Candidate(key=key, confidence=confidence))
    found.sort(key=lambda candidate: candidate.confidence, reverse=True)
    return found[:limit]


def last_answered(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The key of the last FAQ answer (or its detail) the assistant sent in this conversation."""
    for event in reversed(list(events)):
        if event.get("event") != "bot":
            continue
        action = (event.get("metadata") or {}).get("utter_action") or ""
        for prefix in (ANSWER_PREFIX, DETAIL_PREFIX):
            if action.startswith(prefix):
                return str(action[len(prefix) :])
    return None
