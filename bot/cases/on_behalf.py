"""Registering a case on a resident's behalf: a walk-in, a phone call, a grid worker's patrol, a
letter. Staff record the resident's consent (in person or by phone); the case gets the same
numbering, deadlines, transitions and figures as a chat case (`service.create`), and a one-time
claim code for the receipt, so that the resident can follow it in a chat later (`claims`).

The resident has no chat identity: a Resident row made for this case, holding the name and phone
staff wrote down, until a chat identity claims the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from bot.cases import claims, scope
from bot.cases import service as cases
from bot.cases.enums import CaseCategory, CaseKind, CaseSource, ConsentMethod, ContactPreference
from bot.cases.errors import CaseNotFound, InvalidCase
from bot.cases.models import Case
from bot.cases.schemas import CaseCreate, IdNumber, OptionalText, Phone
from bot.cases.titles import title_of
from bot.db.clock import db_now
from bot.district import profile_of
from bot.residents.enums import DEFAULT_LANGUAGE, Language
from bot.residents.models import Resident
from bot.staff.models import StaffUser

# How staff-registered cases come in (a chat case registers itself).
STAFF_SOURCES = tuple(source for source in CaseSource if source.is_staff_registered)


class StaffCaseIn(BaseModel):
    """A case as staff register it for a resident (the console's form, `POST /api/staff/cases`)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: CaseKind
    category: CaseCategory = CaseCategory.OTHER
    township: str = Field(min_length=1, max_length=50)
    village: OptionalText = Field(default=None, max_length=50)
    # Derived from the description when not given.
    title: OptionalText = Field(default=None, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    other_party: OptionalText = Field(default=None, max_length=200, repr=False)
    request: OptionalText = Field(default=None, max_length=2000)
    contact_phone: Phone = Field(default=None, repr=False)
    resident_name: OptionalText = Field(default=None, max_length=100, repr=False)
    id_number: IdNumber = Field(default=None, repr=False)
    source: CaseSource
    # How the resident agreed to the centre recording the case: in person or by phone.
    consent: ConsentMethod
    contact_preference: ContactPreference | None = None
    language: Language = DEFAULT_LANGUAGE
    elderly: bool = False
    urgent: bool = False

    @field_validator("source")
    @classmethod
    def _not_chat(cls, source: CaseSource) -> CaseSource:
        if not source.is_staff_registered:
            raise ValueError(
                f"one of {', '.join(item.value for item in STAFF_SOURCES)} (a chat case registers itself)"
            )
        return source


@dataclass(frozen=True)
class Registered:
    case: Case
    # Shown once, on the receipt; the store keeps only its hash.
    claim_code: str


def check_required(session: Session, case_in: StaffCaseIn) -> None:
    """What the chat intake also asks for: a phone to reach the resident; for a petition, the
    petitioner's name and (where the district profile says so) ID number."""
    if case_in.contact_phone is None:
        raise InvalidCase("contact_phone: a phone number to reach the resident is needed")
    if case_in.kind is CaseKind.PETITION:
        if case_in.resident_name is None:
            raise InvalidCase("resident_name: a petition needs the petitioner's name")
        if case_in.id_number is None and profile_of(session).petition_requires_id_number:
            raise InvalidCase("id_number: a petition needs the petitioner's ID number")


def register(*, session: Session, staff: StaffUser, case_in: StaffCaseIn) -> Registered:
    """Registers the case for a resident who has no chat identity, records their consent and who
    registered it, and issues the claim code."""
    scope.ensure_may_register(staff, township=case_in.township, village=case_in.village)
    cases.check_place(profile_of(session), township=case_in.township, village=case_in.village)
    check_required(session, case_in)
    now = db_now(session=session)
    resident = Resident(
        name=case_in.resident_name,
        phone=case_in.contact_phone,
        township=case_in.township,
        language=case_in.language,
        consent_at=now,
        consent_notice_version=f"staff:{case_in.consent.value}",
    )
    session.add(resident)
    prefix = f"{case_in.category.label}：" if case_in.kind is CaseKind.DISPUTE else ""
    fields = case_in.model_dump(exclude={"resident_name", "consent", "title"})
    case = cases.create(
        session=session,
        case_in=CaseCreate(
            **fields, title=case_in.title or title_of(case_in.description, prefix), channel=None
        ),
        resident=resident,
        actor=staff.actor,
    )
    case.registered_by = staff
    case.consent_method = case_in.consent
    case.consent_recorded_by = staff
    case.consent_recorded_at = now
    code = claims.issue(session=session, case=case)
    return Registered(case=case, claim_code=code)


def claim_message(number: str, code: str) -> str:
    """What the resident types in a chat to claim the case (the words rasa_ext/numbers.py reads)."""
    return f"查询 {number} {code}"


def sms_text(*, case: Case, code: str, centre: str, language: str) -> str:
    """The receipt as a short text message that staff send by hand."""
    due = case.accept_due.isoformat()
    if language == "en":
        return (
            f"[{centre}] Your case is registered: {case.number}. Claim code {code} (works once). "
            f"To follow it in a chat with the Shuoshi assistant, send: {case.number} {code}. "
            f"Decision on acceptance by {due}."
        )
    return (
        f"【{centre}】您的事项已登记，编号 {case.number}，认领码 {code}（仅可使用一次）。"
        f"在网页或 Telegram 上向「说事」助手发送「{claim_message(case.number, code)}」，"
        "即可查看进度、接收通知和回访。"
        f"受理决定期限：{due}。"
    )


def new_claim_code(*, session: Session, staff: StaffUser, case: Case) -> str:
    """A fresh claim code for a staff-registered case not yet claimed (the receipt was lost)."""
    if not scope.may_see(staff, case):
        raise CaseNotFound(f"no case {case.number}")
    if not case.source.is_staff_registered or case.claimed_at is not None:
        raise InvalidCase(f"case {case.number}: only an unclaimed case staff registered has a claim code")
    return claims.issue(session=session, case=case)
