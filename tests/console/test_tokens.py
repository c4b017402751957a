"""Bearer tokens for /api/staff expire, end with a password reset, and are audited as issued by
whoever issued them, for whom (issue #20, item 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.config import Settings
from bot.db.session import session_scope
from bot.staff import accounts, auth
from bot.staff import service as staff_service
from bot.staff.audit import AuditAction
from bot.staff.models import AuditEntry, StaffApiToken


def issued(settings: Settings, username: str, *, by: str | None = None, days: float = 90) -> dict[str, str]:
    with session_scope(settings) as session:
        token = auth.issue_token(
            session=session,
            staff=staff_service.get(session=session, username=username),
            by=staff_service.get(session=session, username=by) if by else None,
            days=days,
        )
    return {"Authorization": f"Bearer {token}"}


def test_a_token_stops_working_when_it_expires(
    client: TestClient, add_staff: Callable[..., str], console_settings: Settings
) -> None:
    headers = issued(console_settings, add_staff("li.na", "supervisor"), days=90)
    assert client.get("/api/staff/cases", headers=headers).status_code == 200

    with session_scope(console_settings) as session:  # ninety days later
        for token in session.scalars(select(StaffApiToken)):
            token.expires_at -= timedelta(days=90)

    assert client.get("/api/staff/cases", headers=headers).status_code == 401


def test_a_password_reset_revokes_the_accounts_tokens(
    client: TestClient, add_staff: Callable[..., str], console_settings: Settings
) -> None:
    headers = issued(console_settings, add_staff("li.na", "supervisor"))
    add_staff("root", "admin")

    with session_scope(console_settings) as session:
        accounts.reset_password(
            session=session,
            target=staff_service.get(session=session, username="li.na"),
            password="a new long password",
            by=staff_service.get(session=session, username="root"),
        )

    assert client.get("/api/staff/cases", headers=headers).status_code == 401


def test_issuing_a_token_is_audited_as_the_issuer_acting_on_the_target(
    add_staff: Callable[..., str], console_settings: Settings
) -> None:
    add_staff("li.na", "supervisor")
    add_staff("root", "admin")

    issued(console_settings, "li.na", by="root")
    issued(console_settings, "li.na")  # from the command line

    with session_scope(console_settings) as session:
        rows = session.execute(
            select(AuditEntry.username, AuditEntry.target)
            .where(AuditEntry.action == AuditAction.TOKEN_ISSUED)
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(row) for row in rows] == [("root", "li.na"), ("cli", "li.na")]
