"""Personal data rules: validating ID and phone numbers, masking them, keeping them out of logs.

Every view of a case or a resident shows these values through the masking helpers; the full ID
number leaves the store only through `bot.cases.service.reveal`, which writes an audit event.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from bot.db.errors import DomainError


class InvalidPersonalData(DomainError, ValueError):
    """A ValueError too, so that pydantic schemas report it as a validation error of the field."""

    code = "invalid_personal_data"


# GB 11643-1999: weights of the first 17 digits, and the check character for (sum mod 11).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits: provinces, autonomous regions and municipalities; 71/81/82 Taiwan, Hong Kong, Macao.
_ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82}
)
_ID_SHAPE = re.compile(r"\d{17}[\dX]")

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes 010 and 02x have three digits and 8-digit numbers; all others have four.
_LANDLINE = re.compile(r"(010|02\d)(\d{8})|(0[3-9]\d{2})(\d{7,8})")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def id_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str, *, today: date | None = None) -> str:
    """A resident identity card number (18 characters), normalised; raises if it cannot be one."""
    number = value.strip().upper()
    if not _ID_SHAPE.fullmatch(number):
        raise InvalidPersonalData("id_number: must be 17 digits followed by a digit or X")
    if int(number[:2]) not in _ID_PROVINCES:
        raise InvalidPersonalData("id_number: the region code is not a Chinese province")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidPersonalData("id_number: the birth date is not a date") from None
    if born.year < 1900 or born > (today or date.today()):
        raise InvalidPersonalData("id_number: the birth date is out of range")
    if id_check_character(number[:17]) != number[17]:
        raise InvalidPersonalData("id_number: the check digit does not match")
    return number


def normalise_phone(value: str) -> str:
    """A mainland mobile (13812345678) or landline (0554-1234567) number; raises otherwise."""
    digits = _SEPARATORS.sub("", value.strip())
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        area = landline.group(1) or landline.group(3)
        local = landline.group(2) or landline.group(4)
        return f"{area}-{local}"
    raise InvalidPersonalData("phone: not a mainland mobile or landline number")


def mask_phone(value: str | None) -> str | None:
    """138****5678; 0554-***4567."""
    if not value:
        return value
    if "-" in value:
        area, local = value.split("-", 1)
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str | None) -> str | None:
    """340***********123X: the first three and last four characters."""
    if not value:
        return value
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_name(value: str | None) -> str | None:
    """张** for 张三丰: the family name alone."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


# Phone and ID numbers as they appear inside free text (any of them, not validated).
_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")


def redact(text: str) -> str:
    """The text with every ID and phone number in it masked (for logs and erasure)."""
    text = _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group(0)) or "", text)
    text = _MOBILE_IN_TEXT.sub(lambda match: _mask_digits(match.group(0)), text)
    return _LANDLINE_IN_TEXT.sub(lambda match: _mask_digits(match.group(0)), text)


def _mask_digits(found: str) -> str:
    digits = re.sub(r"\D", "", found)
    return f"{'*' * (len(digits) - 4)}{digits[-4:]}"


class PersonalDataFilter(logging.Filter):
    """Masks ID and phone numbers in every log record that passes through (add it to each handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True
