"""Surveys asked by phone (a task in the console, the 12345 way) or imported with the backlog.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("surveys") as batch:
        # Every survey so far was asked in a chat.
        batch.add_column(sa.Column("method", sa.String(length=32), server_default="chat", nullable=False))
        batch.add_column(sa.Column("call_attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("last_call_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("last_call_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_surveys_recorded_by_id_staff_users"), "staff_users", ["recorded_by_id"], ["id"]
        )
        batch.create_index(op.f("ix_surveys_method"), ["method"])


def downgrade() -> None:
    with op.batch_alter_table("surveys") as batch:
        batch.drop_index(op.f("ix_surveys_method"))
        batch.drop_constraint(op.f("fk_surveys_recorded_by_id_staff_users"), type_="foreignkey")
        for column in ("recorded_by_id", "last_call_note", "last_call_at", "call_attempts", "method"):
            batch.drop_column(column)
