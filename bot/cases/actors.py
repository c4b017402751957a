"""Whether an actor may touch a case at all (the roles themselves are `bot.actors`)."""

from __future__ import annotations

from bot.actors import Actor, ActorRole
from bot.cases.errors import NotPermitted
from bot.cases.models import Case


def ensure_may_act(actor: Actor, case: Case) -> None:
    """Raises unless the actor may touch this case at all.

    Residents act only on their own cases; staff with a township scope only on that township's;
    grid workers only on the cases they registered or were assigned (bot.cases.scope).
    """
    if actor.role is ActorRole.RESIDENT and actor.resident_id != case.resident_id:
        raise NotPermitted(f"case {case.number}: {actor.describe()} is not the resident who registered it")
    if actor.is_staff and actor.township is not None and actor.township != case.township:
        raise NotPermitted(f"case {case.number}: {actor.describe()} works only on {actor.township}'s cases")
    if actor.role is ActorRole.GRID_WORKER and actor.staff_id not in (
        case.registered_by_id,
        case.assigned_to_id,
    ):
        raise NotPermitted(
            f"case {case.number}: {actor.describe()} did not register it and was not assigned it"
        )
