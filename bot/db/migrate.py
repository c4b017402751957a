"""Alembic, configured in code so that migrations run from an installed package (`shuoshi db upgrade`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text

from bot.config import Settings
from bot.db.session import get_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Brings the database up to `revision` (the newest by default); creates the SQLite file if needed."""
    _run(settings, lambda config: command.upgrade(config, revision))


def downgrade(settings: Settings, revision: str) -> None:
    """Takes the database back to `revision` (`base` removes every table)."""
    _run(settings, lambda config: command.downgrade(config, revision))


def current_revision(settings: Settings) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with get_engine(settings).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revision(settings: Settings, message: str, *, metadata: MetaData) -> None:
    """Writes a new migration from the difference between the models and the database (for developers).

    `metadata` is the whole store's (`bot.registry.metadata`): the kernel does not import the domains.
    """
    _run(settings, lambda config: command.revision(config, message=message, autogenerate=True), metadata)


# Held (PostgreSQL) while migrations run, so that two `shuoshi db upgrade` at once (a migrate job
# started twice, two deployments) take turns: the second finds the store at head and does nothing.
MIGRATION_LOCK = 0x5348_554F_5348_4921 & 0x7FFF_FFFF_FFFF_FFFF


def _run(settings: Settings, action: Callable[[Config], object], metadata: MetaData | None = None) -> None:
    config = alembic_config()
    with get_engine(settings).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        config.attributes["target_metadata"] = metadata
        action(config)
