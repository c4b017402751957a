"""Reads and writes of cases. Keyword-only, the session first; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.actors import Actor
from bot.cases import events, numbering, scope
from bot.cases.actors import ensure_may_act
from bot.cases.deadlines import acceptance_due, local_date
from bot.cases.enums import CaseKind, CaseStatus, EventAction
from bot.cases.errors import CaseNotFound, DeadlineError, InvalidCase, MissingReason, NotPermitted
from bot.cases.models import Case, CaseEvent, CaseNote, ClaimAttempt
from bot.cases.schemas import CaseCreate
from bot.db.clock import db_now
from bot.district import DistrictProfile, profile_of
from bot.residents.models import Resident
from bot.residents.privacy import redact
from bot.staff.models import StaffUser

RevealableField = Literal["id_number", "contact_phone"]


def create(
    *,
    session: Session,
    case_in: CaseCreate,
    resident: Resident,
    actor: Actor | None = None,
    received_at: datetime | None = None,
) -> Case:
    """Registers a new case for `resident`, numbers it, sets its first deadline and records the event.

    `actor` is the resident unless staff register the case on their behalf (a walk-in).
    `received_at` is now, except for a case of the backlog (`bot.cases.importing`): its number's
    year, its first deadline and the figures go by the day it was really received.
    """
    profile = profile_of(session)
    check_place(profile, township=case_in.township, village=case_in.village)
    if resident.id is None:
        session.flush()
    received_on = local_date(received_at or db_now(session=session), profile.zone)
    number = numbering.next_number(
        session=session,
        prefix=profile.case_numbering.prefix,
        kind_code=profile.case_numbering.kind_codes[case_in.kind],
        year=received_on.year,
    )
    fields = case_in.model_dump()
    # A resident in elder mode is elderly for the centre too, whatever the intake asked.
    fields["elderly"] = case_in.elderly or resident.elder_mode
    case = Case(
        **fields,
        number=number,
        status=CaseStatus.REGISTERED,
        resident=resident,
        accept_due=acceptance_due(received_on, profile.limits(case_in.kind), profile.calendar),
    )
    if received_at is not None:
        case.created_at = received_at
    session.add(case)
    events.record(
        session=session,
        case=case,
        action=EventAction.CREATED,
        actor=actor or Actor.of_resident(resident),
        new=CaseStatus.REGISTERED,
    )
    session.flush()
    return case


def check_place(profile: DistrictProfile, *, township: str, village: str | None) -> None:
    """Raises unless the township is the district's and the village can be in it."""
    known = profile.township(township)
    if known is None:
        raise InvalidCase(f"township: {township!r} is not a town or sub-district of {profile.name}")
    if village is not None and known.villages_complete and village not in known.villages:
        raise InvalidCase(f"village: {village!r} is not a village or community of {township}")


def get_by_number(*, session: Session, number: str) -> Case:
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise CaseNotFound(f"no case {number}")
    return case


def get_for_staff(*, session: Session, number: str, staff: StaffUser) -> Case:
    """The case, if it lies within the staff member's scope; outside it, as if it did not exist."""
    case = get_by_number(session=session, number=number)
    if not scope.may_see(staff, case):
        raise CaseNotFound(f"no case {number}")
    return case


def list_for_staff(
    *,
    session: Session,
    staff: StaffUser,
    status: CaseStatus | None = None,
    kind: CaseKind | None = None,
    township: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Case]:
    """Cases within the staff member's scope, newest first."""
    statement = select(Case).where(scope.visible(staff))
    if township is not None:
        statement = statement.where(Case.township == township)
    if status is not None:
        statement = statement.where(Case.status == status)
    if kind is not None:
        statement = statement.where(Case.kind == kind)
    statement = statement.order_by(Case.id.desc()).limit(limit).offset(offset)
    return session.scalars(statement).all()


def for_resident(*, session: Session, resident: Resident, open_only: bool = False) -> Sequence[Case]:
    """The resident's own cases, newest first."""
    statement = select(Case).where(Case.resident_id == resident.id)
    if open_only:
        statement = statement.where(
            Case.status.in_([CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS])
        )
    return session.scalars(statement.order_by(Case.id.desc())).all()


def assign(*, session: Session, case: Case, staff: StaffUser, actor: Actor) -> CaseEvent:
    """Gives the case to a staff member. Supervisors and admins assign anyone; a caseworker only themself."""
    ensure_may_act(actor, case)
    if not actor.is_staff:
        raise NotPermitted(f"case {case.number}: only staff assign cases")
    if not actor.is_senior and actor.staff_id != staff.id:
        raise NotPermitted(f"case {case.number}: a caseworker may take a case, not assign it to others")
    if staff.township is not None and staff.township != case.township:
        raise NotPermitted(f"case {case.number}: staff #{staff.id} works only on {staff.township}'s cases")
    if not staff.active:
        raise NotPermitted(f"case {case.number}: staff #{staff.id} is not active")
    scope.ensure_may_be_assigned(staff, case)
    case.assigned_to = staff
    event = events.record(
        session=session, case=case, action=EventAction.ASSIGNED, actor=actor, note=f"staff #{staff.id}"
    )
    session.flush()
    return event


def add_note(*, session: Session, case: Case, author: StaffUser, text: str) -> CaseNote:
    """A staff-only note on the case."""
    ensure_may_act(author.actor, case)
    text = text.strip()
    if not text:
        raise MissingReason(f"case {case.number}: a note needs text")
    note = CaseNote(author=author, text=text)
    case.notes.append(note)
    session.add(note)
    events.record(session=session, case=case, action=EventAction.NOTE_ADDED, actor=author.actor)
    session.flush()
    return note


def extend_deadline(*, session: Session, case: Case, days: int, actor: Actor, reason: str) -> CaseEvent:
    """Extends the handling deadline once, by at most the profile's limit; supervisors and admins only."""
    ensure_may_act(actor, case)
    if not actor.is_senior:
        raise NotPermitted(f"case {case.number}: only a supervisor or admin extends a deadline")
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS) or case.handle_due is None:
        raise DeadlineError(f"case {case.number}: only an accepted case's handling deadline can be extended")
    if case.extended_days is not None:
        raise DeadlineError(f"case {case.number}: the deadline was already extended once")
    limit = profile_of(session).limits(case.kind).extend_max_days
    if not 1 <= days <= limit:
        raise DeadlineError(f"case {case.number}: an extension is 1 to {limit} days, not {days}")
    reason = reason.strip()
    if not reason:
        raise MissingReason(f"case {case.number}: an extension needs a reason")
    case.handle_due = case.handle_due + timedelta(days=days)
    case.extended_days = days
    event = events.record(
        session=session,
        case=case,
        action=EventAction.DEADLINE_EXTENDED,
        actor=actor,
        note=f"+{days} days to {case.handle_due.isoformat()}: {reason}",
    )
    session.flush()
    return event


def reveal(*, session: Session, case: Case, field: RevealableField, actor: Actor) -> str | None:
    """The full ID or phone number, for staff who need it; every reveal is an audit event."""
    if not actor.is_staff:
        raise NotPermitted(f"case {case.number}: only staff may see personal data in full")
    ensure_may_act(actor, case)
    if field not in ("id_number", "contact_phone"):
        raise NotPermitted(f"case {case.number}: {field} cannot be revealed")
    events.record(
        session=session, case=case, action=EventAction.PERSONAL_DATA_REVEALED, actor=actor, note=field
    )
    session.flush()
    value: str | None = getattr(case, field)
    return value


STAFF_WROTE_TO_RESIDENT = frozenset({EventAction.REPLIED, EventAction.INFORMATION_REQUESTED})


def forget_resident(*, session: Session, resident: Resident, actor: Actor) -> int:
    """Erasure, this domain's part on the cases: contact phone, ID number and other party go,
    phone and ID numbers are masked in the free text, and each case records that it happened.
    The facts (kind, category, township, dates, statuses, outcome) stay for the figures; the
    resident's tries at claiming a case go. Returns how many cases."""
    session.execute(delete(ClaimAttempt).where(ClaimAttempt.resident_id == resident.id))
    cases = session.scalars(select(Case).where(Case.resident_id == resident.id).order_by(Case.id)).all()
    for case in cases:
        case.contact_phone = None
        case.id_number = None
        case.other_party = None
        case.description = redact(case.description)
        if case.request is not None:
            case.request = redact(case.request)
        if case.resolution is not None:
            case.resolution = redact(case.resolution)
        for note in case.notes:
            note.text = redact(note.text)
        for event in case.events:
            # What staff wrote to the resident is in the (blanked) transcript; its copy goes too.
            if event.action in STAFF_WROTE_TO_RESIDENT:
                event.note = None
            elif event.note is not None:
                event.note = redact(event.note)
        events.record(session=session, case=case, action=EventAction.PERSONAL_DATA_ERASED, actor=actor)
    return len(cases)
