"""`POST /api/scam-check` under hostile input: a verdict or a named refusal, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.stack import Stack
from tests.hostile.strategies import anything, hostile_text, wrong_type

pytestmark = pytest.mark.e2e

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@EXAMPLES
@given(text=hostile_text)
def test_any_text_gets_a_verdict_or_a_named_refusal(hostile_stack: Stack, text: str) -> None:
    response = hostile_stack.http.post("/api/scam-check", json={"text": text})
    if not text.strip() or len(text) > 5000:
        assert response.status_code == 422, response.text
        assert response.json()["error"]
        return
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["risk"] in {"high", "medium", "low"}
    assert 0 <= verdict["score"] <= 1
    assert verdict["fraud_type"] is None or isinstance(verdict["fraud_type"], str)
    assert all(isinstance(flag, str) for flag in verdict["red_flags"])
    assert isinstance(verdict["advice"], str) and verdict["advice"]


@EXAMPLES
@given(
    body=st.one_of(
        st.dictionaries(st.text(anything, max_size=8), st.one_of(wrong_type, hostile_text), max_size=3),
        wrong_type,
        st.fixed_dictionaries({"text": wrong_type}),
    )
)
def test_forged_bodies_get_a_json_error(hostile_stack: Stack, body: Any) -> None:
    response = hostile_stack.http.post("/api/scam-check", json=body)
    if isinstance(body, dict) and set(body) == {"text"} and isinstance(body["text"], str):
        assert response.status_code in (200, 422)
    else:
        assert response.status_code == 422, response.text
        assert response.json()["error"]
