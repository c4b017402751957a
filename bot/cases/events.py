"""CaseEvent rows: the one place that writes them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.actors import Actor
from bot.cases.enums import CaseStatus, EventAction
from bot.cases.models import Case, CaseEvent


def record(
    *,
    session: Session,
    case: Case,
    action: EventAction,
    actor: Actor,
    old: CaseStatus | None = None,
    new: CaseStatus | None = None,
    note: str | None = None,
) -> CaseEvent:
    """Appends an event to the case's history."""
    event = CaseEvent(
        action=action,
        old_status=old,
        new_status=new,
        actor_role=actor.role,
        actor_staff_id=actor.staff_id,
        actor_resident_id=actor.resident_id,
        actor_label=actor.label,
        note=note,
    )
    case.events.append(event)
    session.add(event)
    return event
