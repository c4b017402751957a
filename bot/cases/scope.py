"""Which cases a staff member may see and work, and where they may register one: said once.

- supervisors and admins: the whole district (or their township, if they have one);
- caseworkers: their township;
- grid workers (网格员): within their township, only the cases they registered or were assigned;
  they register cases only in their own villages (set by an admin).

Outside the scope a case is treated as if it did not exist (a 404, not a 403).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, true

from bot.cases.errors import NotPermitted
from bot.cases.models import Case
from bot.staff.enums import StaffRole
from bot.staff.models import StaffUser


def visible(staff: StaffUser) -> ColumnElement[bool]:
    """The SQL condition for the cases `staff` may see."""
    conditions: list[ColumnElement[bool]] = []
    if staff.township is not None:
        conditions.append(Case.township == staff.township)
    if staff.role is StaffRole.GRID_WORKER:
        conditions.append(or_(Case.registered_by_id == staff.id, Case.assigned_to_id == staff.id))
    return and_(*conditions) if conditions else true()


def may_see(staff: StaffUser, case: Case) -> bool:
    if staff.township is not None and case.township != staff.township:
        return False
    if staff.role is StaffRole.GRID_WORKER:
        return staff.id in (case.registered_by_id, case.assigned_to_id)
    return True


def villages_of(staff: StaffUser) -> set[tuple[str, str]]:
    """A grid worker's (township, village) pairs."""
    return {(row.township, row.village) for row in staff.villages}


def ensure_may_register(staff: StaffUser, *, township: str, village: str | None) -> None:
    """Raises unless `staff` may register a case in this place."""
    if staff.township is not None and township != staff.township:
        raise NotPermitted(f"staff #{staff.id} registers cases only in {staff.township}")
    if staff.role is StaffRole.GRID_WORKER and (
        village is None or (township, village) not in villages_of(staff)
    ):
        raise NotPermitted(f"grid worker #{staff.id} registers cases only in their own villages")


def ensure_may_be_assigned(staff: StaffUser, case: Case) -> None:
    """A grid worker is given only cases of their own villages."""
    if staff.role is StaffRole.GRID_WORKER and (case.township, case.village) not in villages_of(staff):
        raise NotPermitted(f"case {case.number}: grid worker #{staff.id} works only in their own villages")
