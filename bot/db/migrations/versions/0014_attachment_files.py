"""Attachments' bytes in the case store (table attachment_files), so every gateway reads them.

Files of earlier installations stay under var/attachments/ until `shuoshi attachments migrate`
moves them in (docs/operations.md, "Upgrading").

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment_files",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_attachment_files")),
    )


def downgrade() -> None:
    op.drop_table("attachment_files")
