"""The case store: residents, staff, cases with their events and notes, transcript, attachments.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Enums are stored as their values in VARCHAR(32) (no database enum types to migrate).
ENUM = sa.String(length=32)
TIMESTAMP = sa.DateTime(timezone=True)


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", TIMESTAMP, server_default=utcnow(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "case_number_counters",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("kind_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "kind_code", "year", name=op.f("pk_case_number_counters")),
    )
    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("elder_mode", sa.Boolean(), nullable=False),
        sa.Column("township", sa.String(length=50), nullable=True),
        sa.Column("consent_at", TIMESTAMP, nullable=True),
        sa.Column("consent_notice_version", sa.String(length=32), nullable=True),
        sa.Column("erased_at", TIMESTAMP, nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("township", sa.String(length=50), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("category", ENUM, nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("township", sa.String(length=50), nullable=False),
        sa.Column("village", sa.String(length=50), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("other_party", sa.String(length=200), nullable=True),
        sa.Column("request", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("contact_preference", ENUM, nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", ENUM, nullable=False),
        sa.Column("elderly", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("outcome", ENUM, nullable=True),
        _created_at(),
        sa.Column("accepted_at", TIMESTAMP, nullable=True),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.Column("accept_due", sa.Date(), nullable=False),
        sa.Column("handle_due", sa.Date(), nullable=True),
        sa.Column("extended_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"], ["staff_users.id"], name=op.f("fk_cases_assigned_to_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_cases_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    op.create_index(op.f("ix_cases_assigned_to_id"), "cases", ["assigned_to_id"])
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_index(op.f("ix_cases_resident_id"), "cases", ["resident_id"])
    op.create_index("ix_cases_status_township", "cases", ["status", "township"])
    op.create_table(
        "channel_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("channel", ENUM, nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_channel_identities_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_identities")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_channel_identities_channel_external_id")),
    )
    op.create_index(op.f("ix_channel_identities_resident_id"), "channel_identities", ["resident_id"])
    op.create_table(
        "guardianships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("relationship_label", sa.String(length=32), nullable=True),
        sa.Column("confirmed_at", TIMESTAMP, nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["residents.id"],
            name=op.f("fk_guardianships_guardian_id_residents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_guardianships_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardianships")),
        sa.UniqueConstraint(
            "resident_id", "guardian_id", name=op.f("uq_guardianships_resident_id_guardian_id")
        ),
    )
    op.create_index(op.f("ix_guardianships_guardian_id"), "guardianships", ["guardian_id"])
    op.create_index(op.f("ix_guardianships_resident_id"), "guardianships", ["resident_id"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", ENUM, nullable=False),
        sa.Column("old_status", ENUM, nullable=True),
        sa.Column("new_status", ENUM, nullable=True),
        sa.Column("actor_role", ENUM, nullable=False),
        sa.Column("actor_staff_id", sa.Integer(), nullable=True),
        sa.Column("actor_resident_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["actor_resident_id"], ["residents.id"], name=op.f("fk_case_events_actor_resident_id_residents")
        ),
        sa.ForeignKeyConstraint(
            ["actor_staff_id"], ["staff_users.id"], name=op.f("fk_case_events_actor_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_id"), "case_events", ["case_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_users.id"], name=op.f("fk_case_notes_author_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_case_id"), "case_notes", ["case_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("channel", ENUM, nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("payload", sa.String(length=512), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_messages_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_messages_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index(op.f("ix_messages_case_id"), "messages", ["case_id"])
    op.create_index("ix_messages_resident_id_id", "messages", ["resident_id", "id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=True),
        _created_at(),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_attachments_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_attachments_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_attachments_resident_id_residents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_case_id"), "attachments", ["case_id"])
    op.create_index(op.f("ix_attachments_resident_id"), "attachments", ["resident_id"])


def downgrade() -> None:
    for table in (
        "attachments",
        "messages",
        "case_notes",
        "case_events",
        "guardianships",
        "channel_identities",
        "cases",
        "staff_users",
        "residents",
        "case_number_counters",
    ):
        # Dropping a table drops its indexes and constraints with it.
        op.drop_table(table)
