"""Managing staff accounts (admins, and `shuoshi staff add`): every change written to the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.errors import NotFound, NotPermitted
from bot.staff import audit
from bot.staff.audit import AuditAction
from bot.staff.auth import end_all_sessions, revoke_tokens
from bot.staff.enums import StaffRole
from bot.staff.models import StaffUser
from bot.staff.service import InvalidStaff, create, set_password


def list_staff(*, session: Session) -> Sequence[StaffUser]:
    return session.scalars(select(StaffUser).order_by(StaffUser.username)).all()


def get_staff(*, session: Session, staff_id: int) -> StaffUser:
    found = session.get(StaffUser, staff_id)
    if found is None:
        raise NotFound(f"no staff member #{staff_id}")
    return found


def add_staff(
    *,
    session: Session,
    username: str,
    password: str,
    role: StaffRole | str,
    township: str | None,
    display_name: str | None = None,
    by: StaffUser | None = None,
    villages: Sequence[str] = (),
) -> StaffUser:
    """Adds a staff account; a caseworker must belong to a township, a grid worker to villages."""
    if str(role) == StaffRole.CASEWORKER.value and not township:
        raise InvalidStaff("township: a caseworker works in one township; name it")
    added = create(
        session=session,
        username=username,
        password=password,
        role=role,
        township=township or None,
        display_name=display_name or None,
        villages=villages,
    )
    places = "、".join(row.village for row in added.villages)
    audit.record(
        session=session,
        action=AuditAction.STAFF_ADDED,
        staff=by,
        username=None if by is not None else "cli",
        target=added.username,
        detail=f"{added.role.value} {added.township or 'district'}" + (f" {places}" if places else ""),
    )
    return added


def set_active(*, session: Session, target: StaffUser, active: bool, by: StaffUser) -> None:
    """Deactivating ends the account's sessions; its tokens stop working while it is inactive."""
    if target.id == by.id and not active:
        raise NotPermitted("an admin cannot deactivate their own account")
    target.active = active
    if not active:
        end_all_sessions(session=session, staff=target)
    audit.record(
        session=session,
        action=AuditAction.STAFF_ACTIVATED if active else AuditAction.STAFF_DEACTIVATED,
        staff=by,
        target=target.username,
    )
    session.flush()


def reset_password(*, session: Session, target: StaffUser, password: str, by: StaffUser) -> None:
    """A new password ends every session and revokes every bearer token of the account: whoever
    had them (the reason for a reset, often) keeps nothing."""
    set_password(session=session, staff=target, password=password)
    end_all_sessions(session=session, staff=target)
    revoked = revoke_tokens(session=session, staff=target)
    audit.record(
        session=session,
        action=AuditAction.PASSWORD_RESET,
        staff=by,
        target=target.username,
        detail=f"{revoked} token(s) revoked" if revoked else None,
    )


def revoke_staff_tokens(*, session: Session, target: StaffUser, by: StaffUser) -> int:
    count = revoke_tokens(session=session, staff=target)
    audit.record(
        session=session,
        action=AuditAction.TOKENS_REVOKED,
        staff=by,
        target=target.username,
        detail=str(count),
    )
    return count
