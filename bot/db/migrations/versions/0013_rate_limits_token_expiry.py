"""Shared rate-limit counters; staff bearer tokens expire.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
# Tokens issued before tokens expired run this long from the upgrade (the default token_days).
EXISTING_TOKENS_RUN = timedelta(days=90)


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("name", "subject", "window", name=op.f("pk_rate_counters")),
    )
    op.create_index(op.f("ix_rate_counters_expires_at"), "rate_counters", ["expires_at"])

    with op.batch_alter_table("staff_api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", TIMESTAMP, nullable=True))
    tokens = sa.table("staff_api_tokens", sa.column("expires_at", UTCDateTime()))
    op.get_bind().execute(sa.update(tokens).values(expires_at=datetime.now(UTC) + EXISTING_TOKENS_RUN))
    with op.batch_alter_table("staff_api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=TIMESTAMP, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_api_tokens") as batch:
        batch.drop_column("expires_at")
    op.drop_index(op.f("ix_rate_counters_expires_at"), table_name="rate_counters")
    op.drop_table("rate_counters")
