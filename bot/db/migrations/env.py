"""Alembic environment: runs on the connection `bot.db.migrate` hands over (online mode only)."""

from __future__ import annotations

from alembic import context

config = context.config
# The whole store's metadata, for autogenerate only (`bot.db.migrate.revision` hands it over from
# bot.registry, which imports every domain's models); upgrades and downgrades run the scripts
# and need none. So the kernel imports no domain.
metadata = config.attributes.get("target_metadata")
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
