"""Satisfaction surveys and the residents who asked not to be surveyed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUM = sa.String(length=32)
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("resolved_at", TIMESTAMP, nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("answered_at", TIMESTAMP, nullable=True),
        sa.Column("rating", ENUM, nullable=True),
        sa.Column("solved", ENUM, nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("old_status", ENUM, nullable=True),
        sa.Column("new_status", ENUM, nullable=True),
        sa.Column("cancel_reason", sa.String(length=100), nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_surveys_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_surveys_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("case_id", "resolved_at", name=op.f("uq_surveys_case_id_resolved_at")),
    )
    op.create_index(op.f("ix_surveys_case_id"), "surveys", ["case_id"])
    op.create_index(op.f("ix_surveys_resident_id"), "surveys", ["resident_id"])
    op.create_index(op.f("ix_surveys_status"), "surveys", ["status"])
    op.create_index(op.f("ix_surveys_due_at"), "surveys", ["due_at"])
    op.create_table(
        "survey_opt_outs",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_survey_opt_outs_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_survey_opt_outs")),
    )


def downgrade() -> None:
    op.drop_table("survey_opt_outs")
    op.drop_table("surveys")
