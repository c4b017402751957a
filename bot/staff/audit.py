"""The console's audit log: the one place that writes AuditEntry rows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.staff.models import AuditEntry, StaffUser


class AuditAction:
    """What an audit entry records (stored as text; new ones need no migration)."""

    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_LOCKED = "sign_in_locked"
    SIGNED_OUT = "signed_out"
    STAFF_ADDED = "staff_added"
    STAFF_DEACTIVATED = "staff_deactivated"
    STAFF_ACTIVATED = "staff_activated"
    PASSWORD_RESET = "password_reset"  # noqa: S105
    TOKEN_ISSUED = "token_issued"  # noqa: S105
    TOKENS_REVOKED = "tokens_revoked"
    CASES_EXPORTED = "cases_exported"
    ATTACHMENT_OPENED = "attachment_opened"


def record(
    *,
    session: Session,
    action: str,
    staff: StaffUser | None = None,
    username: str | None = None,
    target: str | None = None,
    detail: str | None = None,
    address: str | None = None,
) -> AuditEntry:
    """Appends one entry; `username` defaults to the staff member's."""
    entry = AuditEntry(
        staff_id=staff.id if staff is not None else None,
        username=(username or (staff.username if staff is not None else "?"))[:64],
        action=action,
        target=target[:200] if target else None,
        detail=detail,
        address=address[:64] if address else None,
    )
    session.add(entry)
    session.flush()
    return entry
