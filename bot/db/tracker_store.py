"""Rasa's SQL tracker store, reached directly: erasure deletes a resident's conversations there.

Rasa keeps every event of a conversation (each message, each slot: phone, ID number, name,
description) in its tracker store's `events` table, keyed by the conversation id
(`<channel>:<sender>`). Rasa's own API cannot delete a conversation, so erasure deletes its rows
here, with our SQLAlchemy on the URL Rasa is given (`Settings.tracker_url`).

Retention (`expire_events`, from the housekeeping pass) deletes events older than the
transcript's retention period, as it deletes the transcript's messages.

Rasa writes a conversation's tracker at the end of each turn: rows deleted while Rasa is in the
middle of a turn of that conversation (an erasure the resident asked for in the chat) come back
when the turn ends, so the relay deletes them once more after such a turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, MetaData, Table, create_engine, delete, inspect
from sqlalchemy.engine import make_url

from bot.config import Settings

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore.SQLEvent


def _url(settings: Settings) -> str:
    url = make_url(settings.tracker_url)
    # Rasa's venv connects with psycopg2 (a plain postgresql:// URL); ours has psycopg 3.
    if url.drivername in ("postgresql", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _engine(settings: Settings) -> Engine:
    # Bound parameters (what residents said) stay out of error messages and logs.
    return create_engine(_url(settings), hide_parameters=True)


def forget_conversations(*, settings: Settings, conversation_ids: Iterable[str]) -> int:
    """Deletes every tracker event of these conversations; how many rows went."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return 0
    engine = _engine(settings)
    try:
        if not inspect(engine).has_table(EVENTS_TABLE):
            return 0  # Rasa has not written a conversation yet
        events = Table(EVENTS_TABLE, MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            return int(connection.execute(delete(events).where(events.c.sender_id.in_(ids))).rowcount)
    finally:
        engine.dispose()


def expire_events(*, settings: Settings, older_than: datetime) -> int:
    """Retention: deletes every tracker event older than `older_than` (the transcript's retention
    period), whoever's conversation it is; how many rows went. Rasa rebuilds a conversation from
    the events that remain, so a conversation still going on keeps its recent turns."""
    engine = _engine(settings)
    try:
        if not inspect(engine).has_table(EVENTS_TABLE):
            return 0
        events = Table(EVENTS_TABLE, MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            result = connection.execute(delete(events).where(events.c.timestamp < older_than.timestamp()))
            return int(result.rowcount)
    finally:
        engine.dispose()
