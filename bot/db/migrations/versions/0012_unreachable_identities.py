"""A chat identity the platform refused (the resident blocked the bot, or unfollowed): when and why;
and an index on the outbox's claim time, which the bot-wide Telegram send budget counts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_identities") as batch:
        batch.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("unreachable_reason", sa.String(length=32), nullable=True))
    op.create_index(op.f("ix_outbox_claimed_at"), "outbox", ["claimed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_claimed_at"), table_name="outbox")
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("unreachable_reason")
        batch.drop_column("unreachable_at")
