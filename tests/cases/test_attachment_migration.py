"""Installations before 0014 kept attachments under var/attachments/: `shuoshi attachments
migrate` moves them into the case store, where every gateway (and every backup) finds them."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.cases import attachment_store, attachments
from bot.cases.models import Attachment, AttachmentFile
from bot.config import AttachmentSettings, Settings
from bot.db.migrate import upgrade
from bot.db.session import dispose_engine, session_scope
from bot.residents import service as residents

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
PDF = b"%PDF-1.4\n" + b"\x02" * 64


def _old_installation(var_dir: Path) -> tuple[Settings, list[str]]:
    """Attachments as an installation before 0014 stored them: files on its disk."""
    settings = Settings(var_dir=var_dir).with_secrets()
    upgrade(settings)
    on_disk = settings.model_copy(update={"attachments": AttachmentSettings(store="directory")})
    with session_scope(on_disk) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="old-files")
        keys = [
            str(attachments.store(session=session, settings=on_disk, resident=resident, data=data).path)
            for data in (PNG, PDF)
        ]
    return settings, keys


def test_the_files_on_disk_move_into_the_case_store_and_leave_the_disk(tmp_path: Path) -> None:
    settings, keys = _old_installation(tmp_path / "var")
    assert all((tmp_path / "var" / "attachments" / key).is_file() for key in keys)

    shuoshi = subprocess.run(
        [sys.executable, "-m", "bot.cli", "attachments", "migrate"],
        env={**os.environ, "VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert shuoshi.returncode == 0, shuoshi.stderr
    assert "2 files moved into the case store, 2 removed" in shuoshi.stdout
    assert list((tmp_path / "var" / "attachments").rglob("*.*")) == []
    with session_scope(settings) as session:
        rows = session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [attachments.read(settings=settings, attachment=row) for row in rows] == [PNG, PDF]
        assert sorted(attachment_store.DatabaseStore().keys(session)) == sorted(keys)
    dispose_engine(settings.database_url)


def test_migrating_twice_moves_nothing_twice_and_a_damaged_file_stays(tmp_path: Path) -> None:
    settings, keys = _old_installation(tmp_path / "var")
    damaged = tmp_path / "var" / "attachments" / keys[1]
    damaged.write_bytes(b"%PDF-not the same")

    for expected in (1, 0):
        with session_scope(settings) as session:
            moved = attachment_store.migrate_directory(session=session, settings=settings)
        with session_scope(settings) as session:
            attachment_store.remove_moved(session=session, settings=settings)
        assert (moved.moved, moved.damaged) == (expected, [keys[1]])

    assert damaged.exists()  # left for the operator, named in the command's output
    with session_scope(settings) as session:
        assert session.get(AttachmentFile, keys[0]) is not None
        assert (
            hashlib.sha256(session.get(AttachmentFile, keys[0]).data).hexdigest()
            == hashlib.sha256(  # type: ignore[union-attr]
                PNG
            ).hexdigest()
        )
    dispose_engine(settings.database_url)


def test_before_migrating_the_old_files_are_still_served_and_erased(tmp_path: Path) -> None:
    settings, keys = _old_installation(tmp_path / "var")

    with session_scope(settings) as session:
        first, second = session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert attachments.read(settings=settings, attachment=first) == PNG
        attachments.delete(session=session, settings=settings, attachment=second)

    assert not (tmp_path / "var" / "attachments" / keys[1]).exists()
    assert (tmp_path / "var" / "attachments" / keys[0]).exists()
    dispose_engine(settings.database_url)
