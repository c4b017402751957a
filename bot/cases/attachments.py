"""Files residents send: checked by their first bytes, size-limited, kept in the attachment
store (bot.cases.attachment_store: the case store by default, so every gateway reads them).

The stored name is random; the name the sender gave is not kept (it may hold personal data and
must never become part of a path).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.cases import attachment_store
from bot.cases.models import Attachment, Case
from bot.config import Settings
from bot.db.clock import db_now
from bot.db.errors import DomainError, NotFound
from bot.residents.models import Resident


class AttachmentRejected(DomainError):
    code = "attachment_rejected"


@dataclass(frozen=True)
class AttachmentLimits:
    # Largest file a resident may send, in bytes.
    max_bytes: int = 10 * 1024 * 1024
    # Kinds accepted: photos, PDF documents, voice messages (Telegram sends Ogg Opus).
    content_types: frozenset[str] = frozenset(
        {"image/jpeg", "image/png", "image/webp", "application/pdf", "audio/ogg", "audio/mpeg", "audio/mp4"}
    )


_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
}


def sniff(data: bytes) -> str | None:
    """The content type the file's first bytes show, among the kinds we know."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data[4:8] == b"ftyp" and data[8:11] in (b"M4A", b"mp4", b"iso"):
        return "audio/mp4"
    return None


def store(
    *,
    session: Session,
    settings: Settings,
    resident: Resident,
    data: bytes,
    case: Case | None = None,
    message_id: int | None = None,
    limits: AttachmentLimits | None = None,
) -> Attachment:
    """Checks and stores a file the resident sent; raises AttachmentRejected with the reason."""
    limits = limits or AttachmentLimits()
    if not data:
        raise AttachmentRejected("attachment: the file is empty")
    if len(data) > limits.max_bytes:
        raise AttachmentRejected(f"attachment: larger than {limits.max_bytes // (1024 * 1024)} MB")
    content_type = sniff(data)
    if content_type is None or content_type not in limits.content_types:
        raise AttachmentRejected("attachment: only photos, PDF documents and voice messages are accepted")
    now = db_now(session=session)
    relative = Path(f"{now:%Y/%m}") / f"{secrets.token_hex(16)}{_EXTENSIONS[content_type]}"
    attachment_store.for_settings(settings).put(session, relative.as_posix(), data)
    attachment = Attachment(
        resident=resident,
        case=case,
        message_id=message_id,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=relative.as_posix(),
    )
    session.add(attachment)
    session.flush()
    return attachment


def read(*, settings: Settings, attachment: Attachment, session: Session | None = None) -> bytes:
    if attachment.path is None:
        raise AttachmentRejected(f"attachment #{attachment.id} was deleted")
    session = session or object_session(attachment)
    if session is None:
        raise RuntimeError(f"attachment #{attachment.id} is not in a session")
    try:
        return attachment_store.for_settings(settings).get(session, attachment.path)
    except attachment_store.FileMissing:
        raise NotFound(f"attachment #{attachment.id}: its file is missing from the store") from None


def delete(*, session: Session, settings: Settings, attachment: Attachment) -> None:
    """Removes the file; the row stays (size and type) with its path cleared."""
    if attachment.path is not None:
        attachment_store.for_settings(settings).delete(session, attachment.path)
    attachment.path = None
    attachment.deleted_at = db_now(session=session)
    session.flush()


def open_case_for(*, session: Session, resident: Resident) -> Case | None:
    """The resident's most recent open case: where a file they send now belongs."""
    from bot.cases.service import for_resident

    open_cases = for_resident(session=session, resident=resident, open_only=True)
    return open_cases[0] if open_cases else None


def attach_to_open_case(
    *,
    session: Session,
    settings: Settings,
    resident: Resident,
    data: bytes,
    limits: AttachmentLimits | None = None,
) -> Attachment | None:
    """Stores a file as evidence on the resident's most recent open case; None if none is open.

    Raises AttachmentRejected (with the reason) for a file that is too large or of a kind we do
    not keep.
    """
    case = open_case_for(session=session, resident=resident)
    if case is None:
        return None
    return store(session=session, settings=settings, resident=resident, data=data, case=case, limits=limits)


def forget_resident(*, session: Session, settings: Settings, resident: Resident) -> int:
    """Erasure, the attachments' part: the files the resident sent are deleted (the rows stay,
    without a path). Returns how many."""
    files = session.scalars(
        select(Attachment).where(Attachment.resident_id == resident.id, Attachment.path.is_not(None))
    ).all()
    for attachment in files:
        delete(session=session, settings=settings, attachment=attachment)
    return len(files)


def purge(*, session: Session, settings: Settings, older_than: datetime) -> int:
    """Retention: deletes the files of attachments on no case (never attached, or their case
    deleted) received before `older_than`, as the transcript's retention does with messages;
    a case keeps its files as long as the case is kept. Returns how many."""
    files = session.scalars(
        select(Attachment).where(
            Attachment.case_id.is_(None), Attachment.path.is_not(None), Attachment.created_at < older_than
        )
    ).all()
    for attachment in files:
        delete(session=session, settings=settings, attachment=attachment)
    return len(files)


def of_case(*, session: Session, case: Case) -> Sequence[Attachment]:
    return session.scalars(
        select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    ).all()


def get_of_case(*, session: Session, case: Case, attachment_id: int) -> Attachment:
    """One of the case's attachments whose file is still kept."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id or attachment.path is None:
        raise NotFound(f"case {case.number}: no attachment #{attachment_id}")
    return attachment
