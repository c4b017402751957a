"""What the intake does with the store: consent, registering the case, the summary and receipt,
the resident's own cases and withdrawing one. Keyword-only, the session first; the caller (an
action) owns the transaction."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import transcript
from bot.cases import deadlines, labels
from bot.cases import service as cases
from bot.cases.enums import CaseCategory, CaseKind, CaseStatus, EventAction
from bot.cases.errors import CaseNotFound
from bot.cases.models import Case
from bot.cases.schemas import CaseCreate
from bot.cases.titles import title_of
from bot.district import DistrictProfile, Place, TimeLimits, profile_of
from bot.intake import choices
from bot.intake.dialogue import DISPUTE_FORM, NOTICE_VERSION, required_slots
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.residents.privacy import mask_id_number
from bot.residents.schemas import ContactUpdate

# Residents may withdraw a case only while the centre has not started working on it.
_CASE_NUMBER = re.compile(r"([A-Za-z]{2,4})\s*-?\s*([A-Za-z]{2,4})\s*-?\s*(\d{4})\s*-?\s*(\d{1,6})")


def agree(*, session: Session, resident: Resident) -> None:
    """The resident agreed to the intake's privacy notice."""
    residents.record_consent(session=session, resident=resident, notice_version=NOTICE_VERSION)


def _language(value: Any) -> str:
    return value if value in ("zh-Hans", "zh-Hant", "en") else "zh-Hans"


def case_from_slots(form: str, slots: Mapping[str, Any], *, channel: str) -> CaseCreate:
    """The case the resident described, as the store takes it."""
    language = _language(slots.get("language"))
    if form == DISPUTE_FORM:
        category_key = str(slots.get("dispute_category") or "other")
        category = choices.CATEGORY_OF.get(category_key, CaseCategory.OTHER)
        preference = choices.CONTACT_PREFERENCE_OF.get(str(slots.get("mediation_preference")))
        return CaseCreate(
            kind=CaseKind.DISPUTE,
            category=category,
            township=str(slots["township"]),
            village=slots.get("village"),
            title=title_of(str(slots["dispute_description"]), f"{category.label}："),
            description=str(slots["dispute_description"]),
            other_party=slots.get("other_party"),
            request=slots.get("dispute_request"),
            contact_phone=slots.get("contact_phone"),
            contact_preference=preference,
            language=language,  # type: ignore[arg-type]
            channel=channel,  # type: ignore[arg-type]
        )
    other_body = choices.by_key(choices.OTHER_BODY, slots.get("other_body"))
    facts = str(slots["petition_facts"])
    if other_body is not None and other_body.key == "agency":
        facts = f"{facts}\n（信访人称：{other_body.zh}）"
    return CaseCreate(
        kind=CaseKind.PETITION,
        category=CaseCategory.OTHER,
        township=str(slots["township"]),
        title=title_of(str(slots["petition_subject"])),
        description=facts,
        request=None,
        contact_phone=slots.get("contact_phone"),
        id_number=slots.get("id_number"),
        language=language,  # type: ignore[arg-type]
        channel=channel,  # type: ignore[arg-type]
    )


def register(
    *,
    session: Session,
    resident: Resident,
    form: str,
    slots: Mapping[str, Any],
    channel: str,
    started_at: datetime | None,
) -> Case:
    """Registers the case the intake collected, keeps the resident's contact details, and links the
    intake conversation (messages from `started_at` on) to the new case."""
    case_in = case_from_slots(form, slots, channel=channel)
    contact = ContactUpdate(
        name=slots.get("resident_name"), phone=slots.get("contact_phone"), township=case_in.township
    )
    if resident.has_consented:
        residents.update_contact(session=session, resident=resident, contact=contact)
    case = cases.create(session=session, case_in=case_in, resident=resident)
    transcript.link_to_case(session=session, case=case, since=started_at)
    return case


def time_limits(limits: TimeLimits, language: str | None) -> dict[str, Any]:
    """The limits as a resident reads them: "3 个工作日", "60 天", "3 working days"."""
    return {
        "accept_days": limits.accept_within_days,
        "accept_period": deadlines.period_text(
            limits.accept_within_days, working_days=limits.accept_in_working_days, language=language
        ),
        "handle_days": limits.handle_within_days,
        "handle_period": deadlines.period_text(
            limits.handle_within_days, working_days=limits.handle_in_working_days, language=language
        ),
        "extend_days": limits.extend_max_days,
    }


def receipt(*, case: Case, profile: DistrictProfile) -> dict[str, Any]:
    """What the resident is told after registering: number, next step and by when (the last day
    written out and included), where to go."""
    limits = profile.limits(case.kind)
    township = profile.township(case.township)
    room = township.mediation_room if township is not None and case.kind is CaseKind.DISPUTE else None
    place = room or profile.centre
    return {
        "case_number": case.number,
        **time_limits(limits, case.language),
        "accept_due": deadlines.due_text(case.accept_due, case.language),
        "room": place.name,
        "room_details": _place_details(place),
    }


def _place_details(place: Place) -> str:
    """Address, hours and phone where the profile knows them; its fallback text for the rest."""
    known = [value for value in (place.address, place.hours, place.phone) if value]
    if place.address and place.hours:
        return "，".join(known)
    return "，".join([*known, place.fallback]) if known else place.fallback


def summary(form: str, slots: Mapping[str, Any], profile: DistrictProfile) -> dict[str, Any]:
    """The answers as the summary shows them, in the resident's language."""
    language = str(slots.get("language") or "zh-Hans")
    en = language == "en"
    missing = "(none)" if en else "（无）"

    def label(options: tuple[choices.Option, ...], key: Any) -> str:
        option = choices.by_key(options, key)
        return option.label(language) if option else missing

    place = " ".join(str(part) for part in (slots.get("township"), slots.get("village")) if part)
    if form == DISPUTE_FORM:
        return {
            "category": label(choices.CATEGORIES, slots.get("dispute_category")),
            "place": place or missing,
            "description": slots.get("dispute_description") or missing,
            "other_party": slots.get("other_party") or missing,
            "request": slots.get("dispute_request") or missing,
            "phone": slots.get("contact_phone") or missing,
            "mediation": label(choices.MEDIATION, slots.get("mediation_preference")),
        }
    show_id = "id_number" in required_slots(form, slots, profile)
    return {
        "subject": slots.get("petition_subject") or missing,
        "place": place or missing,
        "facts": slots.get("petition_facts") or missing,
        "other_body": label(choices.OTHER_BODY, slots.get("other_body")),
        "name": slots.get("resident_name") or missing,
        "phone": slots.get("contact_phone") or missing,
        "id_number": (mask_id_number(slots.get("id_number")) or missing) if show_id else missing,
    }


# ---- The resident's own cases ------------------------------------------------------------------

EVENT_LABELS: dict[EventAction, tuple[str, str]] = {
    EventAction.CREATED: ("登记", "registered"),
    EventAction.STATUS_CHANGED: ("状态变更", "status changed"),
    EventAction.ASSIGNED: ("已分派工作人员", "assigned to a caseworker"),
    EventAction.DEADLINE_EXTENDED: ("办理期限延长", "deadline extended"),
}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def parse_case_number(text: str) -> str | None:
    """A case number in typed text ('dt-jf-2026-12' → 'DT-JF-2026-000012')."""
    found = _CASE_NUMBER.search(text or "")
    if found is None:
        return None
    prefix, code, year, sequence = found.groups()
    return f"{prefix.upper()}-{code.upper()}-{year}-{int(sequence):06d}"


def own_case(*, session: Session, resident: Resident, number: str) -> Case | None:
    """The resident's case with this number; None if there is none *or it is someone else's*."""
    try:
        case = cases.get_by_number(session=session, number=number)
    except CaseNotFound:
        return None
    return case if case.resident_id == resident.id else None


def latest_event(case: Case, language: str) -> str:
    """The last thing that happened to the case the resident may see (no staff notes)."""
    visible = [
        event
        for event in case.events
        if event.action in EVENT_LABELS or event.action.value in ("replied", "information_requested")
    ]
    if not visible:
        return ""
    event = visible[-1]
    when = event.created_at.strftime("%Y-%m-%d")
    if event.action is EventAction.STATUS_CHANGED and event.new_status is not None:
        what = labels.status_for_resident(event.new_status, language)
    else:
        what = _pick(EVENT_LABELS.get(event.action, ("工作人员回复", "a reply from staff")), language)
    return f"{when} {what}"


def describe(case: Case, language: str, *, elder: bool = False) -> str:
    """One line about a case for its resident: number, kind, title, status, latest event; in elder
    mode only the number, the title and the status."""
    status = labels.status_for_resident(case.status, language)
    if elder:
        colon = ": " if language == "en" else "："
        return f"{case.number} {case.title}{colon}{status}"
    kind = labels.kind_for_resident(case.kind, language)
    if language == "en":
        line = (
            f"{case.number} ({kind}) {case.title}\n  Status: {status}; latest: {latest_event(case, language)}"
        )
    else:
        line = f"{case.number}（{kind}）{case.title}\n  状态：{status}；最新：{latest_event(case, language)}"
    if case.status is CaseStatus.REGISTERED:
        due = deadlines.due_text(case.accept_due, language)
        line += f"; decision due by {due}" if language == "en" else f"；受理期限 {due}"
    elif case.handle_due is not None and case.status.is_open:
        due = deadlines.due_text(case.handle_due, language)
        line += f"; to be handled by {due}" if language == "en" else f"；办理期限 {due}"
    return line


def cases_of(*, session: Session, resident: Resident) -> Sequence[Case]:
    return cases.for_resident(session=session, resident=resident)


def profile(session: Session) -> DistrictProfile:
    return profile_of(session)
