"""Engines and session_scope(): one transaction per block, timestamps from the database clock."""

from __future__ import annotations

import time
from datetime import UTC

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.db.clock import db_now
from bot.db.session import ReadOnlySession, get_engine, session_scope
from bot.residents.models import Resident


def _residents(settings: Settings) -> int:
    with session_scope(settings) as session:
        return session.scalar(select(func.count(Resident.id))) or 0


def test_session_scope_commits_when_the_block_ends(committed: Settings) -> None:
    with session_scope(committed) as session:
        session.add(Resident())

    assert _residents(committed) == 1


def test_session_scope_rolls_back_when_the_block_raises(committed: Settings) -> None:
    with pytest.raises(RuntimeError), session_scope(committed) as session:
        session.add(Resident())
        session.flush()
        raise RuntimeError("the transport failed")

    assert _residents(committed) == 0


def test_objects_stay_readable_after_the_scope_commits(committed: Settings) -> None:
    with session_scope(committed) as session:
        resident = Resident(township="洛河镇")
        session.add(resident)

    assert resident.township == "洛河镇"
    assert resident.id is not None


def test_a_read_only_scope_reads_what_was_committed(committed: Settings) -> None:
    with session_scope(committed) as session:
        session.add(Resident(township="洛河镇"))

    with session_scope(committed, read_only=True) as session:
        resident = session.scalar(select(Resident))

    assert resident is not None and resident.township == "洛河镇"  # readable after the scope


def test_a_read_only_scope_refuses_to_write_and_stores_nothing(committed: Settings) -> None:
    with session_scope(committed) as session:
        session.add(Resident(township="洛河镇"))

    with pytest.raises(ReadOnlySession), session_scope(committed, read_only=True) as session:
        session.add(Resident())
        session.flush()
    with pytest.raises(ReadOnlySession), session_scope(committed, read_only=True) as session:
        session.execute(update(Resident).values(township="孔店乡"))
    with pytest.raises(ReadOnlySession), session_scope(committed, read_only=True) as session:
        session.scalar(select(Resident)).township = "孔店乡"  # type: ignore[union-attr]

    with session_scope(committed) as session:
        assert session.scalars(select(Resident.township)).all() == ["洛河镇"]


def test_a_read_only_scope_does_not_wait_for_a_writer(committed: Settings) -> None:
    """On SQLite a write scope holds the write lock from its start; a reader beside it reads
    the last committed state at once instead of waiting out the busy timeout (30 s)."""
    with session_scope(committed) as writer:
        writer.add(Resident())
        writer.flush()  # the writer's transaction is open and holds the lock
        started = time.monotonic()
        with session_scope(committed, read_only=True) as reader:
            seen = reader.scalar(select(func.count(Resident.id)))
        waited = time.monotonic() - started

    assert seen == 0
    assert waited < 5
    assert _residents(committed) == 1


def test_one_engine_per_database_url(settings: Settings) -> None:
    assert get_engine(settings) is get_engine(settings.model_copy())


def test_sqlite_runs_with_wal_normal_sync_busy_timeout_and_foreign_keys(settings: Settings) -> None:
    if get_engine(settings).dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with get_engine(settings).connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }

    # synchronous 1 is NORMAL
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 30000}


def test_created_at_is_set_by_the_database_and_timezone_aware(session: Session) -> None:
    resident = Resident()
    session.add(resident)
    session.flush()
    session.refresh(resident)

    assert resident.created_at.tzinfo is UTC
    assert abs((db_now(session=session) - resident.created_at).total_seconds()) < 60


def test_a_database_error_names_the_statement_but_not_the_values_bound_to_it(settings: Settings) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    words = "楼上邻居天天半夜装修"
    with pytest.raises(DBAPIError) as failed, session_scope(settings) as session:
        session.execute(text("INSERT INTO no_such_table (words) VALUES (:words)"), {"words": words})

    assert "no_such_table" in str(failed.value)
    assert words not in str(failed.value)
