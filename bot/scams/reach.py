"""How the assistant reaches a resident on its own: the channel an outbox item goes to."""

from __future__ import annotations

from bot.residents.enums import Channel
from bot.residents.models import Resident

# Telegram first (it pushes); web chat picks messages up when the page polls. The terminal is
# only a test console and cannot be reached.
_PREFERENCE = (Channel.TELEGRAM, Channel.WEB)


def reachable_identity(resident: Resident) -> tuple[Channel, str] | None:
    """The channel and recipient id to write to, or None when the resident cannot be reached."""
    if resident.erased_at is not None:
        return None
    for channel in _PREFERENCE:
        for identity in resident.identities:
            if identity.channel is channel:
                return channel, identity.external_id
    return None


def is_english(resident: Resident) -> bool:
    return resident.language == "en"
