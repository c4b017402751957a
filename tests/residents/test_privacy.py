"""ID and phone numbers: validation (GB 11643 check digit, mainland numbers), masking, redaction."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.residents.privacy import (
    InvalidPersonalData,
    PersonalDataFilter,
    id_check_character,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_phone,
    redact,
    validate_id_number,
)

# The standard's own example (GB 11643-1999, appendix): check character X.
VALID_ID = "11010519491231002X"


def test_check_character_follows_gb_11643() -> None:
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("34040219800101001") == "6"


def test_a_valid_id_number_is_accepted_and_upper_cased() -> None:
    assert validate_id_number(" 11010519491231002x ") == VALID_ID


def test_an_id_number_with_a_wrong_check_digit_is_rejected() -> None:
    with pytest.raises(InvalidPersonalData, match="check digit"):
        validate_id_number("110105194912310021")


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1101051949123100", "17 digits"),
        ("99010519491231002X", "region code"),
        ("110105194913310029", "not a date"),
        ("110105203001010011", "out of range"),
    ],
)
def test_malformed_id_numbers_are_rejected_with_the_reason(number: str, reason: str) -> None:
    with pytest.raises(InvalidPersonalData, match=reason):
        validate_id_number(number, today=date(2026, 6, 1))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0554-6661234", "0554-6661234"),
        ("(0554) 66612345", "0554-66612345"),
        ("010-12345678", "010-12345678"),
        ("02112345678", "021-12345678"),
    ],
)
def test_mainland_mobile_and_landline_numbers_are_normalised(given: str, stored: str) -> None:
    assert normalise_phone(given) == stored


@pytest.mark.parametrize(
    "given", ["12812345678", "1381234567", "12345", "0554-123", "+1 415 555 0100", "电话"]
)
def test_other_numbers_are_rejected(given: str) -> None:
    with pytest.raises(InvalidPersonalData, match="not a mainland mobile or landline"):
        normalise_phone(given)


def test_masks_keep_only_what_identifies_nothing() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0554-6661234") == "0554-***1234"
    assert mask_id_number(VALID_ID) == "110***********002X"
    assert mask_name("张三丰") == "张**"
    assert mask_phone(None) is None


def test_redact_masks_numbers_inside_free_text() -> None:
    text = f"我的电话 13812345678，座机 0554-6661234，身份证 {VALID_ID}。"

    assert redact(text) == "我的电话 *******5678，座机 *******1234，身份证 110***********002X。"


def test_log_filter_keeps_personal_numbers_out_of_log_records() -> None:
    record = logging.LogRecord(
        "shuoshi", logging.INFO, __file__, 1, "caller %s said %s", ("13812345678", "hi"), None
    )

    PersonalDataFilter().filter(record)

    assert record.getMessage() == "caller *******5678 said hi"
