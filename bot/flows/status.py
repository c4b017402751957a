"""A status change and everything it causes: the event, the resident's notice, the survey.

The rule (`bot.cases.transitions`) knows nothing of notices; this flow calls both, so the
console, the staff API, the resident's "withdraw" and the dispatcher notify the same way.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.actors import Actor
from bot.cases import transitions
from bot.cases.enums import CaseStatus, ResolutionOutcome
from bot.cases.models import Case, CaseEvent
from bot.followups import service as followups
from bot.residents.models import Resident


def change_status(
    *,
    session: Session,
    case: Case,
    to: CaseStatus | str,
    actor: Actor,
    note: str | None = None,
    resolution: str | None = None,
    outcome: ResolutionOutcome | str | None = None,
) -> CaseEvent:
    """Moves a case to `to` if the rules allow `actor` to, then queues what follows from it."""
    old = case.status
    event = transitions.transition(
        session=session, case=case, to=to, actor=actor, note=note, resolution=resolution, outcome=outcome
    )
    followups.on_status_change(
        session=session, case=case, old=old, new=case.status, actor=actor, note=event.note
    )
    return event


def withdraw(*, session: Session, resident: Resident, case: Case) -> CaseEvent:
    """Withdraws the resident's own registered or accepted case (the transition rules decide)."""
    return change_status(
        session=session,
        case=case,
        to=CaseStatus.WITHDRAWN,
        actor=Actor.of_resident(resident),
        note="withdrawn by the resident in the chat",
    )
