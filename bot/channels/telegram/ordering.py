"""Many residents at once, each chat in its own order.

python-telegram-bot handles one update at a time unless told otherwise: while one resident waited
on Rasa or on elder mode's pauses, every other resident waited too. This update processor lets
updates run concurrently and keeps one lock per chat, so a chat's updates are still handled one
after the other, in the order Telegram sent them (asyncio's locks wake waiters first in, first
out, and the Application starts one task per update in arrival order).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates handled at once by one gateway. Most of them wait on Rasa or on a pause, not on the CPU;
# a chat's waiting updates hold a place too, so the number is generous.
MAX_CONCURRENT_UPDATES = 512


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (its user when it has no chat), or None: no order to keep."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, one at a time within a chat."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # updates holding or awaiting each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            # Forget the lock once no update of the chat holds or awaits it: memory stays
            # proportional to the chats being served now, not to every chat ever seen.
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    @property
    def busy_chats(self) -> int:
        return len(self._locks)
