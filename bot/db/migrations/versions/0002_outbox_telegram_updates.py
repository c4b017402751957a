"""The outbox (messages the assistant sends on its own) and the Telegram updates already handled.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUM = sa.String(length=32)
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("channel", ENUM, nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.Column("claimed_at", TIMESTAMP, nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_outbox_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_outbox_case_id_cases"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index(op.f("ix_outbox_resident_id"), "outbox", ["resident_id"])
    op.create_index(op.f("ix_outbox_case_id"), "outbox", ["case_id"])
    op.create_index(op.f("ix_outbox_recipient"), "outbox", ["recipient"])
    op.create_index(op.f("ix_outbox_status"), "outbox", ["status"])
    op.create_index(op.f("ix_outbox_due_at"), "outbox", ["due_at"])
    op.create_table(
        "telegram_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("received_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_telegram_updates")),
    )
    op.create_index(op.f("ix_telegram_updates_received_at"), "telegram_updates", ["received_at"])


def downgrade() -> None:
    op.drop_table("telegram_updates")
    op.drop_table("outbox")
