"""`shuoshi backup` / `shuoshi restore` on one machine: a fresh installation restored from the
backup finds every case, event and attachment, and the same secrets."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases import attachments
from bot.cases import service as cases
from bot.cases.models import Attachment
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.session import dispose_engine, session_scope
from bot.launcher.backup import BackupError, backup, restore
from bot.residents import service as residents
from tests.conftest import build_case_input

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def installation(var_dir: Path) -> Settings:
    return Settings(var_dir=var_dir).with_secrets()


def test_a_restored_installation_finds_every_case_event_and_attachment(tmp_path: Path) -> None:
    old = installation(tmp_path / "old")
    upgrade(old)
    with session_scope(old) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="backup-1")
        numbers = []
        for kind in ("dispute", "petition"):
            case = cases.create(session=session, case_in=build_case_input(kind), resident=resident)
            numbers.append(case.number)
        attachments.store(session=session, settings=old, resident=resident, data=PNG, case=case)
        events = {n: len(cases.get_by_number(session=session, number=n).events) for n in numbers}
    # The running installation keeps its connection open: the online backup does not mind.
    writer = sqlite3.connect(old.var_dir / "shuoshi.db")
    writer.execute("BEGIN IMMEDIATE")  # a write transaction under way
    archive = backup(old)
    writer.rollback()
    writer.close()
    dispose_engine(old.database_url)

    new = Settings(var_dir=tmp_path / "new")  # a fresh machine: nothing there yet
    manifest = restore(new, archive)

    assert manifest["tables"]["shuoshi.db"]["cases"] == 2 and manifest["attachments"] == 1
    restored = new.with_secrets()
    assert restored.secret("payload_key") == old.secret("payload_key")  # buttons already sent still work
    with session_scope(restored) as session:
        for number in numbers:
            case = cases.get_by_number(session=session, number=number)
            assert len(case.events) == events[number]
        [attachment] = session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
        assert attachments.read(settings=restored, attachment=attachment) == PNG
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as opened:
        assert {"manifest.json", "shuoshi.db", "secrets.json"} <= set(opened.getnames())
    dispose_engine(restored.database_url)


def test_restore_does_not_overwrite_cases_unless_forced(tmp_path: Path) -> None:
    settings = installation(tmp_path / "var")
    upgrade(settings)
    with session_scope(settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="backup-2")
        cases.create(session=session, case_in=build_case_input("dispute"), resident=resident)
    archive = backup(settings, output=tmp_path / "b.tar.gz")

    with pytest.raises(BackupError, match="--force"):
        restore(settings, archive)
    assert restore(settings, archive, force=True)["tables"]["shuoshi.db"]["cases"] == 1
    dispose_engine(settings.database_url)


def test_a_postgresql_case_store_that_does_not_answer_is_named_without_its_password(tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path, database={"url": "postgresql+psycopg://u:s3cret@127.0.0.1:1/shuoshi"}
    )

    unreachable = r"cannot reach the case store at .*u:\*\*\*@127.0.0.1:1/shuoshi"
    with pytest.raises(BackupError, match=unreachable) as raised:
        backup(settings)
    assert "s3cret" not in str(raised.value)


def test_the_shuoshi_commands_back_up_and_restore(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    def shuoshi(var_dir: Path, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            env={**os.environ, "VAR_DIR": str(var_dir)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    shuoshi(tmp_path / "old", "db", "upgrade")
    archive = shuoshi(tmp_path / "old", "backup").strip()
    assert archive.startswith(str(tmp_path / "old" / "backups"))

    assert "0 cases, 0 attachments" in shuoshi(tmp_path / "new", "restore", archive)
    assert (tmp_path / "new" / "shuoshi.db").exists()
