"""rasa_ext.numbers reads a case number followed by its claim code (the receipt of a case staff
registered) as `claim_case`, in Rasa's own venv."""

from __future__ import annotations

import pytest

from tests.launcher.test_rasa_ext import RASA_PYTHON, in_rasa

CLAIM_SCRIPT = r"""
import json
from rasa.shared.nlu.training_data.message import Message
from rasa_ext.numbers import NumberMessages

numbers = NumberMessages({**NumberMessages.get_default_config()})

def read(text):
    message = Message(data={"text": text})
    guess = [{"name": "faq", "confidence": 0.7}, {"name": "my_cases", "confidence": 0.3}]
    message.set("intent", dict(guess[0]), add_to_output=True)
    message.set("intent_ranking", guess, add_to_output=True)
    [message] = numbers.process([message])
    out = message.as_dict(only_output_properties=True)
    found = {e["entity"]: e["value"] for e in out.get("entities", [])}
    return {"intent": out["intent"]["name"], "entities": found}

print(json.dumps({text: read(text) for text in [
    "查询 DT-JF-2026-000123 123456",
    "查詢 dt-jf-2026-000123，認領碼：012345",
    "check DT-XF-2026-000007 code 654321",
    "DT-JF-2026-000123 claim code is 111222",
    "ＤＴ－ＪＦ－２０２６－０００１２３　１２３４５６",
    "查询 DT-JF-2026-000123",
    "DT-JF-2026-000123 13812345678",
    "DT-JF-2026-000123 12345",
    "123456 DT-JF-2026-000123",
]}, ensure_ascii=False))
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_a_case_number_with_its_claim_code_is_a_claim_in_every_language() -> None:
    result = in_rasa(CLAIM_SCRIPT)

    claims = {text: found for text, found in result.items() if found["intent"] == "claim_case"}
    assert {text: found["entities"] for text, found in claims.items()} == {
        "查询 DT-JF-2026-000123 123456": {"case_number": "DT-JF-2026-000123", "claim_code": "123456"},
        "查詢 dt-jf-2026-000123，認領碼：012345": {
            "case_number": "DT-JF-2026-000123",
            "claim_code": "012345",
        },
        "check DT-XF-2026-000007 code 654321": {"case_number": "DT-XF-2026-000007", "claim_code": "654321"},
        "DT-JF-2026-000123 claim code is 111222": {
            "case_number": "DT-JF-2026-000123",
            "claim_code": "111222",
        },
        "ＤＴ－ＪＦ－２０２６－０００１２３　１２３４５６": {
            "case_number": "DT-JF-2026-000123",
            "claim_code": "123456",
        },
    }
    # A number alone, or with a phone number, a short number or a code before it, stays a look-up.
    for text in (
        "查询 DT-JF-2026-000123",
        "DT-JF-2026-000123 13812345678",
        "DT-JF-2026-000123 12345",
        "123456 DT-JF-2026-000123",
    ):
        assert result[text] == {"intent": "my_cases", "entities": {"case_number": "DT-JF-2026-000123"}}, text
