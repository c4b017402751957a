"""Creates a case of the backlog: the normal numbering and validation, the old dates and status.

The case is registered with `service.create` (its number's year is the year it was received) and
walked to its status through `transitions.transition`, the rules every case follows (a rejection
needs its reason, a resolved dispute its result); then the times of those steps are set to the
sheet's dates, so the figures count the case in its own months. No notice, no survey: the
resident heard about the case long ago.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actors import Actor, ActorRole
from bot.cases import service, transitions
from bot.cases.deadlines import handling_due, local_date
from bot.cases.enums import CaseStatus
from bot.cases.importing.rows import BacklogRow
from bot.cases.models import Case, CaseEvent
from bot.district import profile_of
from bot.residents.models import Resident

# The command line runs with the whole district's authority; the events say it was the import.
IMPORT_ACTOR = Actor(role=ActorRole.ADMIN, label="backlog import")

# The steps from registered to each status, and which date each step took place on.
PATHS: dict[CaseStatus, tuple[tuple[CaseStatus, str], ...]] = {
    CaseStatus.REGISTERED: (),
    CaseStatus.ACCEPTED: ((CaseStatus.ACCEPTED, "accepted"),),
    CaseStatus.REJECTED: ((CaseStatus.REJECTED, "closed"),),
    CaseStatus.WITHDRAWN: ((CaseStatus.WITHDRAWN, "closed"),),
    CaseStatus.IN_PROGRESS: ((CaseStatus.ACCEPTED, "accepted"), (CaseStatus.IN_PROGRESS, "accepted")),
    CaseStatus.RESOLVED: (
        (CaseStatus.ACCEPTED, "accepted"),
        (CaseStatus.IN_PROGRESS, "accepted"),
        (CaseStatus.RESOLVED, "resolved"),
    ),
    CaseStatus.CLOSED: (
        (CaseStatus.ACCEPTED, "accepted"),
        (CaseStatus.IN_PROGRESS, "accepted"),
        (CaseStatus.RESOLVED, "resolved"),
        (CaseStatus.CLOSED, "closed"),
    ),
}


def already_imported(*, session: Session, reference: str) -> str | None:
    """The number of the case imported earlier with this original number, if any."""
    return session.scalar(select(Case.number).where(Case.reference == reference))


def create_imported(*, session: Session, row: BacklogRow, actor: Actor = IMPORT_ACTOR) -> Case:
    """Registers the row's case as it stands in the sheet; raises a DomainError if a rule refuses it."""
    received = row.dates["received"]
    resident = Resident(name=row.name, phone=row.case_in.contact_phone)
    case = service.create(
        session=session, case_in=row.case_in, resident=resident, actor=actor, received_at=received
    )
    case.events[-1].note = f"imported from the backlog: original number {row.reference}"
    case.events[-1].created_at = received
    path = PATHS[row.status]
    if row.status is CaseStatus.WITHDRAWN and "accepted" in row.dates:
        path = ((CaseStatus.ACCEPTED, "accepted"), (CaseStatus.WITHDRAWN, "closed"))
    for to, when in path:
        event = _step(session, case, to, actor, row)
        event.created_at = row.dates[when]
    _backdate(case, row.dates, session)
    session.flush()
    return case


def _step(session: Session, case: Case, to: CaseStatus, actor: Actor, row: BacklogRow) -> CaseEvent:
    if to is CaseStatus.WITHDRAWN:
        # Only a resident withdraws a case; in the sheet it was the resident, long ago.
        actor = Actor.of_resident(case.resident)
        return transitions.transition(
            session=session, case=case, to=to, actor=actor, note=row.resolution or "withdrawn by the resident"
        )
    if to is CaseStatus.REJECTED:
        return transitions.transition(session=session, case=case, to=to, actor=actor, note=row.resolution)
    if to is CaseStatus.RESOLVED:
        return transitions.transition(
            session=session, case=case, to=to, actor=actor, resolution=row.resolution, outcome=row.outcome
        )
    return transitions.transition(session=session, case=case, to=to, actor=actor)


def _backdate(case: Case, dates: dict[str, datetime], session: Session) -> None:
    """The steps' times as the sheet gives them (the transitions stamped them with now)."""
    profile = profile_of(session)
    if case.accepted_at is not None:
        case.accepted_at = dates["accepted"]
        case.handle_due = handling_due(
            local_date(dates["accepted"], profile.zone), profile.limits(case.kind), profile.calendar
        )
    if case.resolved_at is not None:
        case.resolved_at = dates["resolved"]
    if case.closed_at is not None:
        case.closed_at = dates["closed"]
