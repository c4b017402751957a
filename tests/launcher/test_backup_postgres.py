"""`shuoshi backup` / `shuoshi restore` on PostgreSQL (pg_dump / pg_restore): a new installation
with empty databases, restored from the backup, finds every case, event and attachment, Rasa's
conversations and the same secrets. Runs when SHUOSHI_TEST_POSTGRES_URL names a server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot.cases import attachments
from bot.cases import service as cases
from bot.cases.models import Attachment
from bot.config import DatabaseSettings, Settings, TrackerSettings
from bot.db.migrate import current_revision, upgrade
from bot.db.session import dispose_engine, session_scope
from bot.launcher.backup import BackupError, backup, case_count, restore
from bot.residents import service as residents
from tests.conftest import POSTGRES_ENV, build_case_input

PNG = b"\x89PNG\r\n\x1a\n" + b"\x03" * 64
PDF = b"%PDF-1.7\n" + b"\x04" * 64

pytestmark = pytest.mark.skipif(
    not os.environ.get(POSTGRES_ENV) or shutil.which("pg_dump") is None,
    reason=f"needs {POSTGRES_ENV} and PostgreSQL's client tools (make test sets it)",
)


@pytest.fixture
def databases() -> Iterator[list[str]]:
    """Four empty databases: the old installation's case store and tracker store, the new one's."""
    admin_url = os.environ[POSTGRES_ENV]
    names = [f"shuoshi_backup_{uuid.uuid4().hex[:10]}_{n}" for n in range(4)]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield [make_url(admin_url).set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def installation(var_dir: Path, case_store: str, tracker_store: str) -> Settings:
    # Rasa is given a plain postgresql:// URL (its psycopg2), as in deploy/compose.yaml.
    tracker = make_url(tracker_store).set(drivername="postgresql").render_as_string(hide_password=False)
    return Settings(
        var_dir=var_dir, database=DatabaseSettings(url=case_store), tracker=TrackerSettings(url=tracker)
    )


def rasa_writes_conversations(url: str, conversations: dict[str, int]) -> None:
    """Rows as Rasa's SQLTrackerStore keeps them (its `events` table)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
        )
        for sender, count in conversations.items():
            for n in range(count):
                connection.execute(
                    text("INSERT INTO events (sender_id, type_name, timestamp) VALUES (:s, 'user', :t)"),
                    {"s": sender, "t": float(n)},
                )
    engine.dispose()


def conversations_in(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")).all()
    engine.dispose()
    return {sender: int(count) for sender, count in rows}


def test_a_new_installation_restored_from_a_postgresql_backup_finds_everything(
    tmp_path: Path, databases: list[str]
) -> None:
    old_cases, old_tracker, new_cases, new_tracker = databases
    old = installation(tmp_path / "old", old_cases, old_tracker).with_secrets()
    upgrade(old)
    with session_scope(old) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="pg-backup")
        numbers, files = [], {}
        for kind, data in (("dispute", PNG), ("petition", PDF)):
            case = cases.create(session=session, case_in=build_case_input(kind), resident=resident)
            numbers.append(case.number)
            stored = attachments.store(session=session, settings=old, resident=resident, data=data, case=case)
            files[case.number] = data
            assert stored.path is not None
        events = {
            n: [e.action for e in cases.get_by_number(session=session, number=n).events] for n in numbers
        }
    rasa_writes_conversations(old_tracker, {"web:pg-backup": 5, "telegram:42": 3})

    archive = backup(old)  # while the old installation's engine is still connected
    dispose_engine(old.database_url)

    with tarfile.open(archive) as opened:
        assert {"manifest.json", "shuoshi.pgdump", "tracker.pgdump", "secrets.json"} <= set(opened.getnames())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    new = installation(tmp_path / "new", new_cases, new_tracker)  # a fresh machine, empty databases
    manifest = restore(new, archive)

    assert case_count(manifest) == 2 and manifest["attachments"] == 2
    restored = new.with_secrets()
    assert restored.secret("payload_key") == old.secret("payload_key")
    assert current_revision(restored) == current_revision(old)
    with session_scope(restored) as session:
        for number in numbers:
            case = cases.get_by_number(session=session, number=number)
            assert [e.action for e in case.events] == events[number]
            [attachment] = session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
            assert attachments.read(settings=restored, attachment=attachment) == files[number]
    assert conversations_in(new_tracker) == {"web:pg-backup": 5, "telegram:42": 3}
    upgrade(restored)  # the restored store takes the migrations as any other
    dispose_engine(restored.database_url)


def test_restore_on_postgresql_refuses_to_replace_cases_unless_forced(
    tmp_path: Path, databases: list[str]
) -> None:
    settings = installation(tmp_path / "var", databases[0], databases[1]).with_secrets()
    upgrade(settings)
    with session_scope(settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="pg-force")
        cases.create(session=session, case_in=build_case_input("dispute"), resident=resident)
    archive = backup(settings, output=tmp_path / "b.tar.gz")
    with session_scope(settings) as session:  # a case taken after the backup
        cases.create(session=session, case_in=build_case_input("petition"), resident=resident)

    with pytest.raises(BackupError, match="--force"):
        restore(settings, archive)
    assert case_count(restore(settings, archive, force=True)) == 1
    with session_scope(settings) as session:
        assert (
            len(
                cases.for_resident(
                    session=session,
                    resident=residents.for_channel(session=session, channel="web", external_id="pg-force"),
                )
            )
            == 1
        )
    dispose_engine(settings.database_url)


def test_a_postgresql_backup_does_not_go_into_an_sqlite_installation(
    tmp_path: Path, databases: list[str]
) -> None:
    settings = installation(tmp_path / "pg", databases[0], databases[1]).with_secrets()
    upgrade(settings)
    archive = backup(settings, output=tmp_path / "pg.tar.gz")
    dispose_engine(settings.database_url)

    with pytest.raises(BackupError, match="same kind"):
        restore(Settings(var_dir=tmp_path / "sqlite"), archive)


def test_the_shuoshi_commands_back_up_and_restore_postgresql(tmp_path: Path, databases: list[str]) -> None:
    def shuoshi(var_dir: Path, case_store: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            env={**os.environ, "VAR_DIR": str(var_dir), "DATABASE__URL": case_store},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    shuoshi(tmp_path / "old", databases[0], "db", "upgrade")
    archive = shuoshi(tmp_path / "old", databases[0], "backup").strip()

    assert "0 cases, 0 attachments" in shuoshi(tmp_path / "new", databases[2], "restore", archive)
