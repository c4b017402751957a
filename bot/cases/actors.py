"""Who makes a change to a case: a resident, a member of staff, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cases.enums import ActorRole

if TYPE_CHECKING:
    from bot.cases.models import Case, StaffUser
    from bot.residents.models import Resident

STAFF_ROLES = frozenset({ActorRole.CASEWORKER, ActorRole.SUPERVISOR, ActorRole.ADMIN})


@dataclass(frozen=True)
class Actor:
    role: ActorRole
    staff_id: int | None = None
    resident_id: int | None = None
    # A staff member's township scope (None: the whole district).
    township: str | None = None
    # For SYSTEM actors: which part acted ("follow-up dispatcher").
    label: str | None = None

    @classmethod
    def of_resident(cls, resident: Resident) -> Actor:
        return cls(role=ActorRole.RESIDENT, resident_id=resident.id)

    @classmethod
    def of_staff(cls, staff: StaffUser) -> Actor:
        return cls(role=staff.role.actor_role, staff_id=staff.id, township=staff.township)

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(role=ActorRole.SYSTEM, label=label)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def describe(self) -> str:
        """For error messages: the role and an id, nothing personal."""
        if self.staff_id is not None:
            return f"{self.role.value} #{self.staff_id}"
        if self.resident_id is not None:
            return f"resident #{self.resident_id}"
        return f"{self.role.value} ({self.label})" if self.label else self.role.value


def ensure_may_act(actor: Actor, case: Case) -> None:
    """Raises unless the actor may touch this case at all.

    Residents act only on their own cases; staff with a township scope only on that township's.
    """
    from bot.cases.errors import NotPermitted

    if actor.role is ActorRole.RESIDENT and actor.resident_id != case.resident_id:
        raise NotPermitted(f"case {case.number}: {actor.describe()} is not the resident who registered it")
    if actor.is_staff and actor.township is not None and actor.township != case.township:
        raise NotPermitted(f"case {case.number}: {actor.describe()} works only on {actor.township}'s cases")
