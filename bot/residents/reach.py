"""How the assistant reaches a resident on its own (a notice, a survey, a staff reply, a scam
warning): the one rule for the channel an outbox item goes to, and which identities the platform
has refused (the resident blocked the bot on Telegram, unfollowed on WeChat)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.residents.enums import Channel, UnreachableReason
from bot.residents.models import ChannelIdentity, Resident

# Channels that can receive a message the resident did not ask for: Telegram and WeChat push
# (WeChat within its 48-hour window, or by template message), web chat picks messages up when the
# page polls. The terminal is only a test console and cannot be reached.
PUSH_CHANNELS = (Channel.TELEGRAM, Channel.WECHAT, Channel.WEB)


def reachable_identity(resident: Resident, *, prefer: Channel | None = None) -> tuple[Channel, str] | None:
    """The channel and recipient id to write to, or None when the resident cannot be reached.

    `prefer` (a case's own channel) comes first when it can be reached; then Telegram, then WeChat,
    then web chat. An erased resident cannot be reached, nor an identity the platform refused.
    """
    if resident.erased_at is not None:
        return None
    order = [prefer, *PUSH_CHANNELS] if prefer in PUSH_CHANNELS else list(PUSH_CHANNELS)
    for channel in order:
        for identity in resident.identities:
            if identity.channel is channel and identity.reachable:
                return channel, identity.external_id
    return None


def mark_unreachable(
    *, session: Session, channel: Channel, external_id: str, reason: UnreachableReason
) -> ChannelIdentity | None:
    """The platform refused this identity: nothing more is sent to it on the assistant's own.

    Returns the identity (None if no resident writes from it). The first refusal's time is kept.
    """
    identity = _identity(session=session, channel=channel, external_id=external_id)
    if identity is None:
        return None
    if identity.unreachable_at is None:
        identity.unreachable_at = db_now(session=session)
    identity.unreachable_reason = reason
    session.flush()
    return identity


def mark_reachable(*, session: Session, channel: Channel, external_id: str) -> bool:
    """The resident wrote again from this identity (or followed again): it can be reached.

    Returns True if it had been unreachable.
    """
    identity = _identity(session=session, channel=channel, external_id=external_id)
    if identity is None or identity.unreachable_at is None:
        return False
    identity.unreachable_at = None
    identity.unreachable_reason = None
    session.flush()
    return True


def is_unreachable(*, session: Session, channel: Channel, external_id: str) -> bool:
    identity = _identity(session=session, channel=channel, external_id=external_id)
    return identity is not None and identity.unreachable_at is not None


def unreachable_identities(resident: Resident) -> list[ChannelIdentity]:
    """The resident's identities the platform refused, for staff (the case page, the API)."""
    return [identity for identity in resident.identities if identity.unreachable_at is not None]


def _identity(*, session: Session, channel: Channel, external_id: str) -> ChannelIdentity | None:
    return session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    )


def is_english(resident: Resident) -> bool:
    return resident.language == "en"
