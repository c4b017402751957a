"""`POST /api/chat` under hostile input: never a 500, a refusal names the problem, and what is
accepted is stored as given, in its own field."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import transcript
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.transcript.enums import Direction
from tests.e2e.stack import Stack
from tests.hostile.strategies import FRAGMENTS, anything, hostile_text, wrong_type

pytestmark = pytest.mark.e2e

LIMIT = 2000
BUSY = ("系统正忙", "The service is busy", "系統正忙")
_numbers = itertools.count()
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def unique(prefix: str = "") -> str:
    """A fresh sender for each example (a resident may send only 20 messages a minute)."""
    return f"{prefix[:100]}-{next(_numbers)}"


def sender_allowed(sender: str) -> bool:
    """The relay's rule: letters, digits, '_' and '-' (they go into Rasa's URL paths)."""
    return re.fullmatch(r"[A-Za-z0-9_-]{1,128}", sender) is not None


# Mostly senders a program could name, and some that none may.
senders = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{0,40}", fullmatch=True), st.text(anything, max_size=40))


def last_turn(stack: Stack, sender: str) -> list[tuple[Direction, str | None, str | None]]:
    """The transcript of the web-chat resident known by exactly this sender id."""
    with session_scope(stack.settings) as session:
        resident = residents.find_by_channel(session=session, channel="web", external_id=sender)
        assert resident is not None, "no resident for an accepted message"
        messages = transcript.for_resident(session=session, resident=resident)
        return [(m.direction, m.text, m.payload) for m in messages]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_well_formed(body: dict[str, Any]) -> None:
    assert set(body) == {"replies", "language"}
    assert body["language"] in {"zh-Hans", "zh-Hant", "en"}
    for reply in body["replies"]:
        assert isinstance(reply["text"], str)
        for button in reply["buttons"]:
            assert isinstance(button["title"], str) and isinstance(button["payload"], str)


@EXAMPLES
@given(text=hostile_text, sender=senders)
def test_any_text_is_answered_and_stored_as_given_or_refused_by_name(
    hostile_stack: Stack, text: str, sender: str
) -> None:
    sender = unique(sender)
    response = hostile_stack.http.post("/api/chat", json={"sender": sender, "text": text})
    acceptable = (
        sender_allowed(sender)
        and bool(text.strip())
        and len(text.strip()) <= LIMIT
        and "\x00" not in text
        and _encodable(text)
    )
    if not acceptable:
        assert response.status_code in (413, 422), response.text
        assert response.json()["error"]
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert_well_formed(body)
    said = "\n".join(r["text"] for r in body["replies"])
    assert said and not any(busy in said for busy in BUSY), said
    messages = last_turn(hostile_stack, sender)
    assert messages[0] == (Direction.IN, text, None)  # the whole text, in the text field only
    assert [m[1] for m in messages[1:]] == [r["text"] for r in body["replies"]]


@EXAMPLES
@given(
    payload=st.one_of(st.sampled_from(FRAGMENTS), st.text(anything, min_size=1, max_size=600)),
    tamper=st.integers(0, 40),
)
def test_a_forged_or_tampered_payload_is_refused_and_reaches_nothing(
    hostile_stack: Stack, payload: str, tamper: int
) -> None:
    owner = unique("owner")
    greeting = hostile_stack.chat(owner, text="你好")
    genuine = greeting["replies"][0]["buttons"][0]["payload"]
    candidates = [
        payload,
        genuine[:tamper] + payload[:3] + genuine[tamper + 1 :],
        genuine + payload[:5],
    ]
    for candidate in candidates:
        if candidate == genuine:
            continue
        response = hostile_stack.http.post("/api/chat", json={"sender": owner, "payload": candidate})
        assert response.status_code in (400, 422), (candidate, response.text)
        assert response.json()["error"]
    thief = unique("thief")
    stolen = hostile_stack.http.post("/api/chat", json={"sender": thief, "payload": genuine})
    assert stolen.status_code == 400
    messages = last_turn(hostile_stack, owner)
    assert [m for m in messages if m[0] is Direction.IN] == [(Direction.IN, "你好", None)]


@EXAMPLES
@given(
    extra=st.dictionaries(st.text(anything, max_size=12), st.one_of(wrong_type, hostile_text), max_size=3),
    field=st.sampled_from(["sender", "text", "payload", "language", "set_language"]),
    value=wrong_type,
)
def test_forged_bodies_with_wrong_types_or_unknown_fields_get_a_json_error(
    hostile_stack: Stack, extra: dict[str, Any], field: str, value: Any
) -> None:
    body: dict[str, Any] = {"sender": unique(), "text": "你好", **extra, field: value}
    response = hostile_stack.http.post("/api/chat", json=body)
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code != 200:
        assert response.json()["error"]


@EXAMPLES
@given(raw=st.one_of(st.binary(max_size=300), hostile_text.map(str.encode)))
def test_a_body_that_is_not_a_json_object_gets_a_json_error(hostile_stack: Stack, raw: bytes) -> None:
    response = hostile_stack.http.post("/api/chat", content=raw, headers={"content-type": "application/json"})
    assert response.status_code in (400, 413, 422), response.text
    assert json.loads(response.text)["error"]


@EXAMPLES
@given(sender=st.one_of(senders, st.text(anything, min_size=1, max_size=200)))
def test_pending_messages_for_any_sender_never_fail(hostile_stack: Stack, sender: str) -> None:
    response = hostile_stack.http.get("/api/chat/pending", params={"sender": sender})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json() == {"replies": []}


@EXAMPLES
@given(sender=senders, key=st.one_of(st.none(), st.from_regex(r"[!-~]{1,60}", fullmatch=True)))
def test_naming_a_sender_without_a_valid_key_is_refused_and_never_fails(
    hostile_stack: Stack, sender: str, key: str | None
) -> None:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    with hostile_stack.browser() as browser:
        chat = browser.post("/api/chat", json={"sender": sender or "x", "text": "你好"}, headers=headers)
        pending = browser.get("/api/chat/pending", params={"sender": sender or "x"}, headers=headers)
    assert chat.status_code in (401, 422), chat.text
    assert pending.status_code in (401, 422), pending.text
