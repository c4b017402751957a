"""Staff vocabularies."""

from __future__ import annotations

from enum import StrEnum

from bot.actors import SENIOR_ROLES, ActorRole


class StaffRole(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CASEWORKER = "caseworker"
    # 网格员: scoped to one or more villages (StaffVillage), and within them to their own cases.
    GRID_WORKER = "grid_worker"

    @property
    def actor_role(self) -> ActorRole:
        return ActorRole(self.value)

    @property
    def is_senior(self) -> bool:
        """Supervisors and admins: district-wide work, reopening, reassigning, the figures."""
        return self.actor_role in SENIOR_ROLES
