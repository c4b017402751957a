"""What the Telegram channel tells its callers (the outbox dispatcher) when it cannot send."""

from __future__ import annotations

from bot.outbox.errors import Undeliverable


class ResidentUnreachable(Undeliverable):
    """Telegram refused with 403 Forbidden: the resident blocked the bot (or left Telegram).

    The identity is already marked unreachable (bot.residents.reach) when this is raised; retrying
    cannot help until the resident writes again.
    """

    def __init__(self, chat_id: int, reason: str) -> None:
        super().__init__(f"chat {chat_id}: {reason}")
        self.chat_id = chat_id
