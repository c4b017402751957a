"""One installation for the hostile-input tests, its case store on PostgreSQL when there is one
(PostgreSQL is the stricter store: it refuses NUL characters that SQLite would keep)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import settings
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.db.session import dispose_engine
from tests.e2e.stack import Stack

# CI draws the same examples on every run, so a submission lands or not on its merits; a local run
# draws new ones and may find what CI's set does not.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def hostile_stack(
    postgres_admin_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    overrides = {}
    name = f"shuoshi_hostile_{uuid.uuid4().hex[:10]}"
    if postgres_admin_url is not None:
        admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
        overrides["database"] = {"url": url}
    running = Stack(tmp_path_factory.mktemp("hostile"), **overrides).start()
    try:
        yield running
    finally:
        running.stop()
        if postgres_admin_url is not None:
            dispose_engine(overrides["database"]["url"])
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
