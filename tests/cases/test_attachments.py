"""Files residents send: stored under var/, checked by type and size."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.orm import Session

from bot.cases import attachments
from bot.cases.attachments import AttachmentLimits, AttachmentRejected
from bot.config import Settings
from bot.residents.models import Resident

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 100
OGG = b"OggS\x00\x02" + b"\x00" * 100


def test_a_photo_is_stored_under_var_with_its_type_size_and_hash(
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
    assert (settings.var_dir / "attachments" / stored.path).is_file()


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
