"""WeChat Official Account: pushes handled, the shared access token, and when a resident last
wrote from each identity (WeChat's 48-hour customer-service window).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import utcnow

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("channel_identities") as batch:
        batch.add_column(sa.Column("last_inbound_at", TIMESTAMP, nullable=True))
    op.create_table(
        "wechat_pushes",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("received_at", TIMESTAMP, server_default=utcnow(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_wechat_pushes")),
    )
    op.create_index(op.f("ix_wechat_pushes_received_at"), "wechat_pushes", ["received_at"])
    op.create_table(
        "wechat_access_tokens",
        sa.Column("app_id", sa.String(length=64), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
        sa.Column("lease_holder", sa.String(length=100), nullable=True),
        sa.Column("lease_until", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_wechat_access_tokens")),
    )


def downgrade() -> None:
    op.drop_table("wechat_access_tokens")
    op.drop_index(op.f("ix_wechat_pushes_received_at"), table_name="wechat_pushes")
    op.drop_table("wechat_pushes")
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("last_inbound_at")
