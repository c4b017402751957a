"""Button payloads the assistant issues, signed so that a resident cannot forge one.

Rasa reads text that starts with `/` as an intent with entities (`/inform{"phone": "..."}`). A
resident who could send such text could skip a form or fill another person's fields, so:
- every button payload Rasa returns is handed to the client as a token: the payload plus an
  HMAC over the conversation and the payload; only a token that verifies is passed on as a
  payload;
- typed text never reaches Rasa as an intent: a leading `/` is replaced by a full-width `／`.

Tokens are short ASCII so that they fit Telegram's 64-byte callback data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SEPARATOR = "~"
_SIGNATURE_BYTES = 9  # 72 bits: forging one by guessing is hopeless at any rate we accept
TELEGRAM_LIMIT = 64


class ForgedPayload(ValueError):
    """A payload the assistant did not issue to this conversation."""


def _signature(key: str, conversation_id: str, payload: str) -> str:
    digest = hmac.new(key.encode(), f"{conversation_id}\n{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode()


def sign(*, key: str, conversation_id: str, payload: str) -> str:
    return f"{payload}{SEPARATOR}{_signature(key, conversation_id, payload)}"


def verify(*, key: str, conversation_id: str, token: str) -> str:
    """The payload inside `token`, if the assistant issued it to this conversation."""
    payload, separator, signature = token.rpartition(SEPARATOR)
    if not separator or not payload:
        raise ForgedPayload("the button payload is not one the assistant sent")
    expected = _signature(key, conversation_id, payload)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise ForgedPayload("the button payload is not one the assistant sent")
    return payload


def neutralise_typed_text(text: str) -> str:
    """Typed text as plain text for Rasa: never an intent, whatever it starts with."""
    stripped = text.lstrip()
    return "／" + stripped[1:] if stripped.startswith("/") else text
