"""Scam alerts and their subscriptions, guardian invitations and what guardians hear.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scam_alert_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("township", sa.String(length=50), nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_scam_alert_subscriptions_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scam_alert_subscriptions")),
        sa.UniqueConstraint(
            "resident_id", "township", name=op.f("uq_scam_alert_subscriptions_resident_id_township")
        ),
    )
    op.create_index(
        op.f("ix_scam_alert_subscriptions_resident_id"), "scam_alert_subscriptions", ["resident_id"]
    )
    op.create_index(op.f("ix_scam_alert_subscriptions_township"), "scam_alert_subscriptions", ["township"])
    op.create_table(
        "scam_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("fraud_type", sa.String(length=32), nullable=True),
        sa.Column("townships", sa.JSON(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["staff_users.id"],
            name=op.f("fk_scam_alerts_published_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scam_alerts")),
    )
    op.create_table(
        "guardian_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("notify_high_risk", sa.Boolean(), nullable=False),
        sa.Column("notify_paid", sa.Boolean(), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_guardian_invites_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_invites")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_guardian_invites_code_hash")),
    )
    op.create_index(op.f("ix_guardian_invites_resident_id"), "guardian_invites", ["resident_id"])
    op.create_table(
        "guardian_notice_settings",
        sa.Column("guardianship_id", sa.Integer(), nullable=False),
        sa.Column("notify_high_risk", sa.Boolean(), nullable=False),
        sa.Column("notify_paid", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardianship_id"],
            ["guardianships.id"],
            name=op.f("fk_guardian_notice_settings_guardianship_id_guardianships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guardianship_id", name=op.f("pk_guardian_notice_settings")),
    )


def downgrade() -> None:
    op.drop_table("guardian_notice_settings")
    op.drop_table("guardian_invites")
    op.drop_table("scam_alerts")
    op.drop_table("scam_alert_subscriptions")
