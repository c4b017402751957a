"""Who makes a change: a resident, a member of staff, or the system itself.

In the kernel because every domain records who acted (case events, audit entries, surveys) and
checks roles; it names no table. Which roles count as senior staff is said here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ActorRole(StrEnum):
    """Who makes a change."""

    RESIDENT = "resident"
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # 网格员: registers what they find in their own villages, works only the cases they registered
    # or were assigned (bot.cases.scope).
    GRID_WORKER = "grid_worker"
    SYSTEM = "system"  # the assistant itself, the follow-up dispatcher


STAFF_ROLES = frozenset({ActorRole.CASEWORKER, ActorRole.SUPERVISOR, ActorRole.ADMIN, ActorRole.GRID_WORKER})
# Supervisors and admins: district-wide work, reopening a resolved case, reassigning, the figures.
SENIOR_ROLES = frozenset({ActorRole.SUPERVISOR, ActorRole.ADMIN})


class _Resident(Protocol):
    @property
    def id(self) -> int: ...


class _Staff(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def township(self) -> str | None: ...

    @property
    def role(self) -> _HasActorRole: ...


class _HasActorRole(Protocol):
    @property
    def actor_role(self) -> ActorRole: ...


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
    def of_resident(cls, resident: _Resident) -> Actor:
        return cls(role=ActorRole.RESIDENT, resident_id=resident.id)

    @classmethod
    def of_staff(cls, staff: _Staff) -> Actor:
        return cls(role=staff.role.actor_role, staff_id=staff.id, township=staff.township)

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(role=ActorRole.SYSTEM, label=label)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_senior(self) -> bool:
        return self.role in SENIOR_ROLES

    def describe(self) -> str:
        """For error messages: the role and an id, nothing personal."""
        if self.staff_id is not None:
            return f"{self.role.value} #{self.staff_id}"
        if self.resident_id is not None:
            return f"resident #{self.resident_id}"
        return f"{self.role.value} ({self.label})" if self.label else self.role.value
