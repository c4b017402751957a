"""How the assistant reaches a resident on its own (a notice, a survey, a staff reply, a scam
warning): the one rule for the channel an outbox item goes to."""

from __future__ import annotations

from bot.residents.enums import Channel
from bot.residents.models import Resident

# Channels that can receive a message the resident did not ask for: Telegram and WeChat push
# (WeChat within its 48-hour window, or by template message), web chat picks messages up when the
# page polls. The terminal is only a test console and cannot be reached.
PUSH_CHANNELS = (Channel.TELEGRAM, Channel.WECHAT, Channel.WEB)


def reachable_identity(resident: Resident, *, prefer: Channel | None = None) -> tuple[Channel, str] | None:
    """The channel and recipient id to write to, or None when the resident cannot be reached.

    `prefer` (a case's own channel) comes first when it can be reached; then Telegram, then WeChat,
    then web chat. An erased resident cannot be reached.
    """
    if resident.erased_at is not None:
        return None
    order = [prefer, *PUSH_CHANNELS] if prefer in PUSH_CHANNELS else list(PUSH_CHANNELS)
    for channel in order:
        for identity in resident.identities:
            if identity.channel is channel:
                return channel, identity.external_id
    return None


def is_english(resident: Resident) -> bool:
    return resident.language == "en"
