"""The migrations build the schema the models describe, and take it down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.config import Settings
from bot.db.migrate import alembic_config, current_revision, downgrade, upgrade
from bot.db.session import get_engine
from bot.registry import metadata


def _tables(settings: Settings) -> set[str]:
    return set(inspect(get_engine(settings)).get_table_names())


def test_upgrade_builds_every_table_of_the_models(empty_settings: Settings) -> None:
    upgrade(empty_settings)

    assert _tables(empty_settings) == set(metadata.tables) | {"alembic_version"}


def test_upgrade_leaves_the_database_at_the_newest_revision(empty_settings: Settings) -> None:
    upgrade(empty_settings)

    assert (
        current_revision(empty_settings) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    )


def test_downgrade_to_base_removes_every_table(empty_settings: Settings) -> None:
    upgrade(empty_settings)

    downgrade(empty_settings, "base")

    assert _tables(empty_settings) <= {"alembic_version"}
    assert current_revision(empty_settings) is None


def test_upgrade_after_downgrade_builds_the_schema_again(empty_settings: Settings) -> None:
    upgrade(empty_settings)
    downgrade(empty_settings, "base")

    upgrade(empty_settings)

    assert _tables(empty_settings) == set(metadata.tables) | {"alembic_version"}


def test_migrated_schema_matches_the_models(settings: Settings) -> None:
    with get_engine(settings).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)

    assert differences == []
