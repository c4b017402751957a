"""Reads and writes of residents. Keyword-only, the session first; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.db.errors import DomainError, NotFound
from bot.district import profile_of
from bot.residents.enums import LANGUAGES, Channel
from bot.residents.models import ChannelIdentity, Guardianship, Resident
from bot.residents.schemas import ContactUpdate


class InvalidResident(DomainError):
    code = "invalid_resident"


def get(*, session: Session, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise NotFound(f"no resident #{resident_id}")
    return resident


def find_by_channel(*, session: Session, channel: Channel | str, external_id: str) -> Resident | None:
    return session.scalar(
        select(Resident)
        .join(ChannelIdentity)
        .where(ChannelIdentity.channel == _channel(channel), ChannelIdentity.external_id == external_id)
    )


def for_channel(*, session: Session, channel: Channel | str, external_id: str) -> Resident:
    """The resident who writes from this chat identity, created on their first message."""
    kind = _channel(channel)
    external_id = external_id.strip()
    if not external_id:
        raise InvalidResident("external_id: empty")
    found = find_by_channel(session=session, channel=kind, external_id=external_id)
    if found is not None:
        return found
    # Two first messages may race; the unique (channel, external_id) lets one win, the other reads it.
    try:
        with session.begin_nested():
            resident = Resident(identities=[ChannelIdentity(channel=kind, external_id=external_id)])
            session.add(resident)
    except IntegrityError:
        found = find_by_channel(session=session, channel=kind, external_id=external_id)
        if found is None:
            raise
        return found
    return resident


def note_inbound(*, session: Session, channel: Channel | str, external_id: str) -> Resident:
    """The resident wrote from this identity now (created on their first message)."""
    resident = for_channel(session=session, channel=channel, external_id=external_id)
    for identity in resident.identities:
        if identity.channel is _channel(channel) and identity.external_id == external_id.strip():
            identity.last_inbound_at = db_now(session=session)
    session.flush()
    return resident


def last_inbound(*, session: Session, channel: Channel | str, external_id: str) -> datetime | None:
    """When the resident last wrote from this identity (None: never, or not recorded)."""
    moment = session.scalar(
        select(ChannelIdentity.last_inbound_at).where(
            ChannelIdentity.channel == _channel(channel), ChannelIdentity.external_id == external_id
        )
    )
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def record_consent(*, session: Session, resident: Resident, notice_version: str) -> None:
    """The resident agreed to the privacy notice of this version (before any personal data is asked)."""
    if not notice_version.strip():
        raise InvalidResident("notice_version: empty")
    resident.consent_at = db_now(session=session)
    resident.consent_notice_version = notice_version.strip()
    session.flush()


def withdraw_consent(*, session: Session, resident: Resident) -> None:
    resident.consent_at = None
    resident.consent_notice_version = None
    session.flush()


def update_contact(*, session: Session, resident: Resident, contact: ContactUpdate) -> Resident:
    """Stores the details the resident gave; they must have agreed to the privacy notice."""
    if not resident.has_consented:
        raise InvalidResident(f"resident #{resident.id}: no consent to the privacy notice yet")
    if contact.township is not None and profile_of(session).township(contact.township) is None:
        raise InvalidResident(f"township: {contact.township!r} is not in the district profile")
    for field in contact.model_fields_set:
        value = getattr(contact, field)
        if value is not None:
            setattr(resident, field, value)
    session.flush()
    return resident


def set_language(*, session: Session, resident: Resident, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidResident(f"language: one of {', '.join(LANGUAGES)}")
    resident.language = language
    session.flush()


def set_elder_mode(*, session: Session, resident: Resident, on: bool) -> None:
    resident.elder_mode = on
    session.flush()


def add_guardian(
    *, session: Session, resident: Resident, guardian: Resident, relationship_label: str | None = None
) -> Guardianship:
    """Proposes `guardian` for `resident`; it counts once the resident confirms it."""
    if guardian.id == resident.id:
        raise InvalidResident("guardian: a resident cannot be their own guardian")
    link = Guardianship(resident=resident, guardian=guardian, relationship_label=relationship_label)
    session.add(link)
    session.flush()
    return link


def confirm_guardian(*, session: Session, guardianship: Guardianship) -> None:
    guardianship.confirmed_at = db_now(session=session)
    session.flush()


def guardianship(*, session: Session, resident: Resident, guardian: Resident) -> Guardianship | None:
    """The link between `resident` and `guardian`, confirmed or not."""
    return session.scalar(
        select(Guardianship).where(
            Guardianship.resident_id == resident.id, Guardianship.guardian_id == guardian.id
        )
    )


def confirmed_guardians(*, session: Session, resident: Resident) -> Sequence[Guardianship]:
    """The resident's confirmed guardians."""
    return session.scalars(
        select(Guardianship)
        .where(Guardianship.resident_id == resident.id, Guardianship.confirmed_at.is_not(None))
        .order_by(Guardianship.id)
    ).all()


def remove_guardians(*, session: Session, resident: Resident) -> int:
    """Unlinks every guardian of the resident; returns how many there were."""
    links = [
        link.id
        for link in session.scalars(select(Guardianship).where(Guardianship.resident_id == resident.id))
    ]
    if links:
        session.execute(delete(Guardianship).where(Guardianship.id.in_(links)))
        session.expire(resident, ["guardianships"])
    session.flush()
    return len(links)


def _channel(value: Channel | str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise InvalidResident(f"channel: one of {', '.join(item.value for item in Channel)}") from None


def forget_resident(*, session: Session, resident: Resident) -> None:
    """Erasure, this domain's part: name, phone, consent, chat identities (the next message
    starts a new, empty resident) and guardianships both ways; the row stays for the figures."""
    resident.name = None
    resident.phone = None
    resident.consent_at = None
    resident.consent_notice_version = None
    resident.identities.clear()
    resident.guardianships.clear()
    # Also the links where they are someone else's guardian.
    session.execute(delete(Guardianship).where(Guardianship.guardian_id == resident.id))


def mark_erased(*, session: Session, resident: Resident) -> None:
    resident.erased_at = db_now(session=session)
