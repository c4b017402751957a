"""What residents' data looks like going in and coming out (masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot.language import Language
from bot.residents.privacy import mask_name, mask_phone, normalise_phone


def _phone(value: str | None) -> str | None:
    return None if value is None or not value.strip() else normalise_phone(value)


class ContactUpdate(BaseModel):
    """Details a resident gives about themself (after agreeing to the privacy notice)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str | None = Field(default=None, max_length=100, repr=False)
    phone: Annotated[str | None, AfterValidator(_phone)] = Field(default=None, repr=False)
    township: str | None = Field(default=None, max_length=50)


class ResidentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: Annotated[str | None, AfterValidator(mask_name)]
    phone: Annotated[str | None, AfterValidator(mask_phone)]
    language: Language
    elder_mode: bool
    township: str | None
    consent_at: datetime | None
    consent_notice_version: str | None
    erased_at: datetime | None
    created_at: datetime
