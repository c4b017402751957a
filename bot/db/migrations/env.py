"""Alembic environment: runs on the connection `bot.db.migrate` hands over (online mode only)."""

from __future__ import annotations

from alembic import context

from bot.db.registry import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through bot.db.migrate (`shuoshi db upgrade`), not the alembic command"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
