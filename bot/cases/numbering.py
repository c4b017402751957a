"""Case numbers: district prefix, kind, year and a sequence without gaps, e.g. DT-JF-2026-000123.

One counter row per (prefix, kind, year) is bumped with a single upsert inside the transaction
that creates the case. On PostgreSQL the row lock makes concurrent creators wait their turn; on
SQLite the write lock does. A rollback undoes the bump with the case, so no number is lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.cases.models import CaseNumberCounter

_counters = CaseNumberCounter.__table__
# Upsert needs each dialect's own INSERT construct.
_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def format_number(*, prefix: str, kind_code: str, year: int, sequence: int) -> str:
    return f"{prefix}-{kind_code}-{year}-{sequence:06d}"


def next_number(*, session: Session, prefix: str, kind_code: str, year: int) -> str:
    """The next number of the year for this kind; the caller's transaction holds the counter."""
    insert = _INSERTS.get(session.get_bind().dialect.name)
    if insert is None:
        raise RuntimeError("case numbering supports PostgreSQL and SQLite only")
    statement = (
        insert(_counters)
        .values(prefix=prefix, kind_code=kind_code, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[_counters.c.prefix, _counters.c.kind_code, _counters.c.year],
            set_={"last_value": _counters.c.last_value + 1},
        )
        .returning(_counters.c.last_value)
    )
    sequence = session.execute(statement).scalar_one()
    return format_number(prefix=prefix, kind_code=kind_code, year=year, sequence=sequence)
