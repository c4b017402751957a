"""Only payloads the assistant issued reach Rasa as payloads."""

import pytest

from bot.conversation.payloads import TELEGRAM_LIMIT, ForgedPayload, neutralise_typed_text, sign, verify

KEY = "test-key"


def test_a_signed_payload_verifies_for_its_conversation() -> None:
    token = sign(key=KEY, conversation_id="web:a", payload="/help")
    assert verify(key=KEY, conversation_id="web:a", token=token) == "/help"


@pytest.mark.parametrize(
    "token",
    [
        "/help",  # unsigned
        '/inform{"phone": "13800000000"}',
        "/help~AAAAAAAAAAAA",  # wrong signature
        "~",
        "",
    ],
)
def test_a_forged_payload_is_refused(token: str) -> None:
    with pytest.raises(ForgedPayload):
        verify(key=KEY, conversation_id="web:a", token=token)


def test_a_payload_issued_to_one_conversation_does_not_work_in_another() -> None:
    token = sign(key=KEY, conversation_id="web:a", payload="/help")
    with pytest.raises(ForgedPayload):
        verify(key=KEY, conversation_id="web:b", token=token)


def test_a_changed_payload_is_refused() -> None:
    token = sign(key=KEY, conversation_id="web:a", payload="/help")
    with pytest.raises(ForgedPayload):
        verify(key=KEY, conversation_id="web:a", token=token.replace("/help", "/goodbye"))


def test_a_short_payload_fits_telegram_callback_data() -> None:
    token = sign(key=KEY, conversation_id="telegram:123456789", payload='/choose{"category":"neighbours"}')
    assert len(token.encode()) <= TELEGRAM_LIMIT


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ('/inform{"phone": "13800000000"}', '／inform{"phone": "13800000000"}'),
        ("  /help", "／help"),
        ("我想问 /help", "我想问 /help"),
        ("hello", "hello"),
    ],
)
def test_typed_text_never_becomes_an_intent(typed: str, sent: str) -> None:
    assert neutralise_typed_text(typed) == sent
