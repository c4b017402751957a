"""Cases that did not begin in a chat: how a case came in, its original number, who registered it
on the resident's behalf and the resident's consent, the claim code and its attempts; grid
workers' villages.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=32), nullable=True)
        # Every case so far came in through a chat.
        batch.add_column(sa.Column("source", sa.String(length=32), server_default="chat", nullable=False))
        batch.add_column(sa.Column("reference", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("registered_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("consent_method", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("consent_recorded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("consent_recorded_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("claim_code_hash", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("claimed_at", TIMESTAMP, nullable=True))
        batch.create_foreign_key(
            op.f("fk_cases_registered_by_id_staff_users"), "staff_users", ["registered_by_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_cases_consent_recorded_by_id_staff_users"),
            "staff_users",
            ["consent_recorded_by_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_cases_source"), ["source"])
        batch.create_index(op.f("ix_cases_reference"), ["reference"])
        batch.create_index(op.f("ix_cases_registered_by_id"), ["registered_by_id"])

    op.create_table(
        "claim_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_claim_attempts_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_attempts")),
    )
    op.create_index(op.f("ix_claim_attempts_created_at"), "claim_attempts", ["created_at"])
    op.create_index("ix_claim_attempts_resident_created_at", "claim_attempts", ["resident_id", "created_at"])

    op.create_table(
        "staff_villages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("township", sa.String(length=50), nullable=False),
        sa.Column("village", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_villages_staff_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_villages")),
        sa.UniqueConstraint(
            "staff_id", "township", "village", name=op.f("uq_staff_villages_staff_id_township_village")
        ),
    )
    op.create_index(op.f("ix_staff_villages_staff_id"), "staff_villages", ["staff_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_villages_staff_id"), table_name="staff_villages")
    op.drop_table("staff_villages")
    op.drop_index("ix_claim_attempts_resident_created_at", table_name="claim_attempts")
    op.drop_index(op.f("ix_claim_attempts_created_at"), table_name="claim_attempts")
    op.drop_table("claim_attempts")
    # A case without a chat channel cannot go back to a schema that needs one.
    op.execute("UPDATE cases SET channel = 'web' WHERE channel IS NULL")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index(op.f("ix_cases_registered_by_id"))
        batch.drop_index(op.f("ix_cases_reference"))
        batch.drop_index(op.f("ix_cases_source"))
        batch.drop_constraint(op.f("fk_cases_consent_recorded_by_id_staff_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_cases_registered_by_id_staff_users"), type_="foreignkey")
        for column in (
            "claimed_at",
            "claim_code_hash",
            "consent_recorded_at",
            "consent_recorded_by_id",
            "consent_method",
            "registered_by_id",
            "reference",
            "source",
        ):
            batch.drop_column(column)
        batch.alter_column("channel", existing_type=sa.String(length=32), nullable=False)
