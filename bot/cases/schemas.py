"""What goes into the case store and what comes out of it.

Every read schema masks phone and ID numbers (and names where a list shows them); the full ID
number is only available through `service.reveal`, which leaves an audit event.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from bot.actors import ActorRole
from bot.cases.enums import (
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    ConsentMethod,
    ContactPreference,
    EventAction,
    ResolutionOutcome,
)
from bot.residents.enums import DEFAULT_LANGUAGE, Channel, Language
from bot.residents.privacy import (
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_phone,
    redact,
    validate_id_number,
)
from bot.transcript.enums import Direction


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _phone(value: str | None) -> str | None:
    return None if value is None else normalise_phone(value)


def _id_number(value: str | None) -> str | None:
    return None if value is None else validate_id_number(value)


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Phone = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_phone)]
IdNumber = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_id_number)]
MaskedPhone = Annotated[str | None, AfterValidator(mask_phone)]
MaskedIdNumber = Annotated[str | None, AfterValidator(mask_id_number)]
MaskedName = Annotated[str | None, AfterValidator(mask_name)]


def _redact(value: str | None) -> str | None:
    return None if value is None else redact(value)


# Free text with every ID and phone number in it masked.
MaskedText = Annotated[str | None, AfterValidator(_redact)]


class TranscriptLine(BaseModel):
    """A message of a case's conversation as staff see it: ID and phone numbers masked, the full
    numbers only through the audited reveal (`service.reveal`)."""

    model_config = ConfigDict(from_attributes=True)

    direction: Direction
    channel: Channel
    text: MaskedText
    created_at: datetime


class CaseCreate(BaseModel):
    """A case as the intake dialogue collected it, or as staff registered it for a resident."""

    model_config = ConfigDict(str_strip_whitespace=True)

    kind: CaseKind
    category: CaseCategory = CaseCategory.OTHER
    township: str = Field(min_length=1, max_length=50)
    village: OptionalText = Field(default=None, max_length=50)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    # Personal data: kept out of repr() so that logging a CaseCreate leaks nothing.
    other_party: OptionalText = Field(default=None, max_length=200, repr=False)
    request: OptionalText = Field(default=None, max_length=2000)
    contact_phone: Phone = Field(default=None, repr=False)
    id_number: IdNumber = Field(default=None, repr=False)
    contact_preference: ContactPreference | None = None
    language: Language = DEFAULT_LANGUAGE
    # The chat channel; None for a case staff registered (a walk-in, a call, a patrol, a letter).
    channel: Channel | None
    source: CaseSource = CaseSource.CHAT
    # The original number of an imported case.
    reference: OptionalText = Field(default=None, max_length=64)
    elderly: bool = False
    urgent: bool = False


class CaseEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: EventAction
    old_status: CaseStatus | None
    new_status: CaseStatus | None
    actor_role: ActorRole
    actor_staff_id: int | None
    actor_label: str | None
    note: str | None
    created_at: datetime


class CaseNoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    author_id: int
    text: str
    created_at: datetime


class CaseRead(BaseModel):
    """A case in a list: what staff scan, with contact details masked."""

    model_config = ConfigDict(from_attributes=True)

    number: str
    kind: CaseKind
    status: CaseStatus
    category: CaseCategory
    township: str
    village: str | None
    title: str
    channel: Channel | None
    source: CaseSource
    reference: str | None
    language: str
    elderly: bool
    urgent: bool
    contact_phone: MaskedPhone
    assigned_to_id: int | None
    registered_by_id: int | None
    created_at: datetime
    accept_due: date
    handle_due: date | None


class CaseDetail(CaseRead):
    """One case for staff: its facts, masked personal data, history and staff notes."""

    description: str
    other_party: str | None
    request: str | None
    id_number: MaskedIdNumber
    contact_preference: ContactPreference | None
    resolution: str | None
    outcome: ResolutionOutcome | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    extended_days: int | None
    consent_method: ConsentMethod | None
    consent_recorded_by_id: int | None
    consent_recorded_at: datetime | None
    claimed_at: datetime | None
    resident_name: MaskedName
    events: list[CaseEventRead]
    notes: list[CaseNoteRead]


class ResidentCaseView(BaseModel):
    """A case as its resident sees it: status and dates, no staff notes, no other people's data."""

    model_config = ConfigDict(from_attributes=True)

    number: str
    kind: CaseKind
    status: CaseStatus
    category: CaseCategory
    title: str
    created_at: datetime
    accept_due: date
    handle_due: date | None
    resolution: str | None
