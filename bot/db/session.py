"""Engines and sessions: one engine per database URL, one transaction per `session_scope()`.

Nothing connects at import time. SQLite gets WAL (readers do not wait for the writer),
synchronous=NORMAL, a busy timeout, foreign keys, and `BEGIN IMMEDIATE`: every transaction
takes the write lock when it starts, so two transactions never both read and then fail to
upgrade to writing (which SQLite reports at once as "database is locked", whatever the busy
timeout). That also serialises case numbering on SQLite; PostgreSQL serialises it with the
counter row's lock. A `session_scope(read_only=True)` only reads: on SQLite it begins deferred,
so it neither waits for the write lock nor holds it (WAL lets it read beside the writer), and it
refuses to write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from bot.config import Settings
from bot.district import attach_profile, load_profile

# Seconds a SQLite writer waits for the lock before giving up.
SQLITE_BUSY_TIMEOUT = 30

# The execution option that marks a read-only scope's connection (its SQLite BEGIN is deferred).
READ_ONLY = "shuoshi_read_only"

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_factories: dict[tuple[str, bool], sessionmaker[Session]] = {}


class ReadOnlySession(RuntimeError):
    """A read-only scope was asked to write (a bug in the caller, never the resident's doing)."""


def get_engine(settings: Settings) -> Engine:
    """The engine for the settings' database URL, created on first use and then shared."""
    url = settings.database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url, echo=settings.database.echo)
        return engine


def dispose_engine(url: str) -> None:
    """Closes the pooled connections of the engine for `url` (tests that drop a database need it)."""
    with _lock:
        engine = _engines.pop(url, None)
        _factories.pop((url, False), None)
        _factories.pop((url, True), None)
    if engine is not None:
        engine.dispose()


def _create_engine(url: str, *, echo: bool) -> Engine:
    parsed = make_url(url)
    # hide_parameters: an error's message (and so a log line) shows the SQL, never the values
    # bound to it (a resident's name, phone, description).
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" hook below (pysqlite would
        # otherwise open deferred transactions on its own, and break SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs at checkpoints rather than on every commit: a transaction is
        # still all or nothing, and a crash of the process loses nothing; only a power cut can
        # lose the last commits. It roughly halves the store's share of a turn (docs/load.md).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _factory(settings: Settings, *, read_only: bool) -> sessionmaker[Session]:
    engine = get_engine(settings)
    key = (settings.database_url, read_only)
    with _lock:
        factory = _factories.get(key)
        if factory is None:
            bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
            # Objects stay readable after commit: a transport replies with the case it just saved.
            factory = _factories[key] = sessionmaker(bind, expire_on_commit=False)
            if read_only:
                event.listen(factory, "before_flush", _refuse_flush)
                event.listen(factory, "do_orm_execute", _refuse_statement)
        return factory


def _refuse_flush(_session: Session, _context: Any, _instances: Any) -> None:
    raise ReadOnlySession("a read-only session_scope() cannot write; use session_scope(settings)")


def _refuse_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlySession("a read-only session_scope() cannot write; use session_scope(settings)")


@contextmanager
def session_scope(settings: Settings, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: commits when the block ends, rolls back if it raises.

    `read_only`: the block only reads (see the module's docstring); a change in it raises
    ReadOnlySession when it would be written. The session carries the district profile, which
    the services read for time limits, the case-number prefix and the township list.
    """
    session = _factory(settings, read_only=read_only)()
    attach_profile(session, load_profile(settings))
    try:
        yield session
        session.commit()  # (read-only: nothing to write; objects stay readable after it)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
