"""Files residents send: kept in the case store (every gateway reads them), checked by type and size."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.cases import attachment_store, attachments
from bot.cases.attachments import AttachmentLimits, AttachmentRejected
from bot.cases.models import AttachmentFile
from bot.config import AttachmentSettings, Settings
from bot.residents.models import Resident

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 100
OGG = b"OggS\x00\x02" + b"\x00" * 100


def test_a_photo_is_stored_in_the_case_store_with_its_type_size_and_hash(
    session: Session, settings: Settings, resident: Resident
) -> None:
    stored = attachments.store(session=session, settings=settings, resident=resident, data=JPEG)

    assert (stored.content_type, stored.size, stored.sha256) == (
        "image/jpeg",
        len(JPEG),
        hashlib.sha256(JPEG).hexdigest(),
    )
    assert stored.path is not None and stored.path.endswith(".jpg")
    assert attachments.read(settings=settings, attachment=stored) == JPEG
    # In the case store (SQLite and PostgreSQL), not on this machine's disk.
    assert session.get(AttachmentFile, stored.path).data == JPEG  # type: ignore[union-attr]
    assert not (settings.var_dir / "attachments").exists()


def test_another_gateway_with_its_own_disk_reads_the_file(
    session: Session, settings: Settings, resident: Resident, tmp_path: Path
) -> None:
    stored = attachments.store(session=session, settings=settings, resident=resident, data=JPEG)
    other_gateway = settings.model_copy(update={"var_dir": tmp_path / "another-container"})

    assert attachments.read(settings=other_gateway, attachment=stored, session=session) == JPEG


def test_deleting_an_attachment_removes_its_bytes(
    session: Session, settings: Settings, resident: Resident
) -> None:
    stored = attachments.store(session=session, settings=settings, resident=resident, data=JPEG)
    key = stored.path
    assert key is not None

    attachments.delete(session=session, settings=settings, attachment=stored)

    assert stored.path is None and session.get(AttachmentFile, key) is None
    with pytest.raises(AttachmentRejected, match="deleted"):
        attachments.read(settings=settings, attachment=stored)


def test_the_directory_store_keeps_files_under_its_directory(
    session: Session, settings: Settings, resident: Resident, tmp_path: Path
) -> None:
    on_disk = settings.model_copy(
        update={"attachments": AttachmentSettings(store="directory", directory=tmp_path / "files")}
    )
    stored = attachments.store(session=session, settings=on_disk, resident=resident, data=OGG)
    assert stored.path is not None

    assert (tmp_path / "files" / stored.path).read_bytes() == OGG
    assert session.get(AttachmentFile, stored.path) is None
    attachments.delete(session=session, settings=on_disk, attachment=stored)
    assert list((tmp_path / "files").rglob("*.ogg")) == []


@pytest.mark.parametrize("key", ["../secrets.json", "/etc/passwd", "2026/../../x", ""])
def test_a_key_that_leaves_the_directory_is_refused(key: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not an attachment key"):
        attachment_store.DirectoryStore(tmp_path).put(None, key, b"x")  # type: ignore[arg-type]


def test_a_voice_message_is_accepted(session: Session, settings: Settings, resident: Resident) -> None:
    stored = attachments.store(session=session, settings=settings, resident=resident, data=OGG)

    assert stored.content_type == "audio/ogg"


def test_a_file_over_the_size_limit_is_refused(
    session: Session, settings: Settings, resident: Resident
) -> None:
    with pytest.raises(AttachmentRejected, match="larger than 1 MB"):
        attachments.store(
            session=session,
            settings=settings,
            resident=resident,
            data=JPEG + b"\x00" * (1024 * 1024),
            limits=AttachmentLimits(max_bytes=1024 * 1024),
        )


def test_a_program_is_refused_whatever_it_claims_to_be(
    session: Session, settings: Settings, resident: Resident
) -> None:
    with pytest.raises(AttachmentRejected, match="only photos, PDF documents and voice messages"):
        attachments.store(
            session=session, settings=settings, resident=resident, data=b"MZ\x90\x00" + b"\x00" * 64
        )


def test_a_type_the_deployment_does_not_accept_is_refused(
    session: Session, settings: Settings, resident: Resident
) -> None:
    with pytest.raises(AttachmentRejected):
        attachments.store(
            session=session,
            settings=settings,
            resident=resident,
            data=OGG,
            limits=AttachmentLimits(content_types=frozenset({"image/jpeg"})),
        )


def test_an_empty_file_is_refused(session: Session, settings: Settings, resident: Resident) -> None:
    with pytest.raises(AttachmentRejected, match="empty"):
        attachments.store(session=session, settings=settings, resident=resident, data=b"")
