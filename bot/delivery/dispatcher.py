"""The dispatcher: delivers what the outbox holds, each item once.

One pass: turn due surveys into outbox items; claim due items (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several dispatchers never take the same row; SQLite's write lock serialises the
claim); render items that need Rasa through `trigger_intent` in the resident's own conversation;
deliver on the resident's channel (Telegram; WeChat within its 48-hour window or by template
message; web chat through `GET /api/chat/pending`);
record the outcome. A failed delivery is retried with backoff, then marked failed for staff to
see. An item claimed by a dispatcher that died is released after CLAIM_TIMEOUT.

Delivery is at least once towards Telegram: a dispatcher killed after Telegram accepted a
message but before the row was marked sent will send it again after the claim times out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import limits, transcript
from bot.cases import attachments
from bot.channels.telegram import service as telegram_updates
from bot.channels.telegram.errors import ResidentUnreachable
from bot.channels.wechat import service as wechat_pushes
from bot.config import Settings
from bot.conversation.rasa_client import RasaClient, RasaUnavailable
from bot.conversation.relay import Relay, Reply
from bot.db import tracker_store
from bot.db.clock import db_now
from bot.db.session import session_scope
from bot.followups import service as followups
from bot.outbox import budget
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxStatus
from bot.outbox.errors import Undeliverable
from bot.outbox.models import OutboxItem
from bot.residents import reach
from bot.residents.enums import Channel

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=5)
HOUSEKEEPING_EVERY = 3600.0  # seconds
POSTPONE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
UNREACHABLE_ERROR = "unreachable: the resident blocked the bot or unfollowed the account"
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 2 min, 8 min, 32 min."""
    return timedelta(seconds=30 * 4 ** (attempts - 1))


class PushChannel(Protocol):
    """A channel that can send to a resident unprompted (Telegram)."""

    async def deliver(self, chat_id: int, replies: list[Reply], *, elder_mode: bool) -> None:
        """Sends the replies; raises ResidentUnreachable when the resident blocked the bot."""


class WindowedChannel(Protocol):
    """A channel that may write freely only for a while after the resident last wrote, and
    otherwise only some kinds of message (WeChat: 48 hours, then template messages)."""

    async def deliver_unprompted(
        self, openid: str, replies: list[Reply], *, elder_mode: bool, language: str, kind: str
    ) -> str: ...


@dataclass
class PassReport:
    claimed: int = 0
    sent: int = 0
    awaiting_pickup: int = 0
    postponed: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0  # the resident blocked the bot: failed at once, for staff to see


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel: Channel
    recipient: str
    body: dict[str, Any]
    attempts: int
    language: str
    elder_mode: bool
    kind: str


class Dispatcher:
    def __init__(
        self,
        *,
        settings: Settings,
        rasa: RasaClient,
        relay: Relay,
        telegram: PushChannel | None = None,
        wechat: WindowedChannel | None = None,
        worker: str | None = None,
    ) -> None:
        self._settings = settings
        self._rasa = rasa
        self._relay = relay
        self._telegram = telegram
        self._wechat = wechat
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        # What this dispatcher can deliver: web chat always (the page picks it up), Telegram only
        # from a gateway that runs Telegram.
        self.channels = (
            [Channel.WEB]
            + ([Channel.TELEGRAM] if telegram is not None else [])
            + ([Channel.WECHAT] if wechat is not None else [])
        )

    async def run_once(self, *, limit: int = BATCH) -> PassReport:
        """One pass over what is due."""
        await asyncio.to_thread(self._queue_due_surveys)
        claimed = await asyncio.to_thread(self._claim, limit)
        report = PassReport(claimed=len(claimed))
        for item in claimed:
            outcome = await self._deliver(item)
            await asyncio.to_thread(self._finish, item, outcome)
            setattr(report, outcome.field, getattr(report, outcome.field) + 1)
        return report

    async def run_forever(self, *, interval: float) -> None:
        last_housekeeping = float("-inf")
        while True:
            pause = interval
            try:
                report = await self.run_once()
                if report.claimed:
                    logger.info("dispatcher: %s", report)
                    # More may be waiting (a broadcast): come back when the send budget's second
                    # is over rather than after the whole interval.
                    pause = min(interval, budget.WINDOW.total_seconds())
                if time.monotonic() - last_housekeeping > HOUSEKEEPING_EVERY:
                    await asyncio.to_thread(self.housekeeping)
                    last_housekeeping = time.monotonic()
            except Exception:  # the loop must outlive a bad pass; the next one tries again
                logger.exception("dispatcher: pass failed")
            await asyncio.sleep(pause)

    def housekeeping(self) -> None:
        """Forgets what the retention settings say to forget: old messages (here and in Rasa's
        tracker store), old Telegram update ids, spent rate-limit counters."""
        with session_scope(self._settings) as session:
            cutoff = db_now(session=session) - timedelta(days=self._settings.transcript.retention_days)
            purged = transcript.purge(session=session, older_than=cutoff)
            files = attachments.purge(session=session, settings=self._settings, older_than=cutoff)
            forgotten = telegram_updates.forget_old(session=session)
            forgotten += wechat_pushes.forget_old(session=session)
            limits.purge(session=session)
        expired = tracker_store.expire_events(settings=self._settings, older_than=cutoff)
        if purged or files or forgotten or expired:
            logger.info(
                "housekeeping: deleted %d old messages, %d old tracker events, %d files on no case;"
                " forgot %d update ids",
                purged,
                expired,
                files,
                forgotten,
            )

    # -- steps --------------------------------------------------------------------------------

    def _queue_due_surveys(self) -> None:
        with session_scope(self._settings) as session:
            followups.send_due(session=session)

    def _claim(self, limit: int) -> list[_Claimed]:
        with session_scope(self._settings) as session:
            now = db_now(session=session)
            # Items whose dispatcher died while sending go back to the queue.
            session.execute(
                update(OutboxItem)
                .where(OutboxItem.status == OutboxStatus.SENDING, OutboxItem.claimed_at < now - CLAIM_TIMEOUT)
                .values(status=OutboxStatus.PENDING, claimed_by=None)
            )
            rows = session.scalars(
                select(OutboxItem)
                .where(
                    OutboxItem.status == OutboxStatus.PENDING,
                    OutboxItem.due_at <= now,
                    OutboxItem.channel.in_(self.channels),  # a gateway without Telegram leaves those
                )
                .order_by(OutboxItem.due_at, OutboxItem.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            rows = self._within_budget(session, rows, now)
            claimed = []
            for item in rows:
                item.status, item.claimed_by, item.claimed_at = OutboxStatus.SENDING, self.worker, now
                item.attempts += 1
                claimed.append(
                    _Claimed(
                        item.id,
                        item.channel,
                        item.recipient,
                        dict(item.body),
                        item.attempts,
                        item.resident.language,
                        bool(item.resident.elder_mode),
                        item.kind.value,
                    )
                )
            return claimed

    def _within_budget(self, session: Session, rows: Sequence[OutboxItem], now: datetime) -> list[OutboxItem]:
        """The rows this claim may take: Telegram's share is what is left of the bot-wide budget
        (bot.outbox.budget); the rest stay pending for a later pass."""
        if not any(row.channel is Channel.TELEGRAM for row in rows):
            return list(rows)
        left = budget.remaining(
            session=session,
            channel=Channel.TELEGRAM,
            per_second=self._settings.telegram.sends_per_second,
            now=now,
        )
        kept = []
        for row in rows:
            if row.channel is Channel.TELEGRAM:
                if not left:
                    continue
                left -= 1
            kept.append(row)
        return kept

    async def _deliver(self, item: _Claimed) -> _Outcome:
        if await asyncio.to_thread(self._unreachable, item):
            return _Outcome.unreachable()  # blocked or unfollowed: nothing more is sent there
        try:
            if "intent" in item.body and await self._rasa.active_form(
                conversation_id=Relay.conversation_id(item.channel.value, item.recipient)
            ):
                return _Outcome("postponed")  # the resident is filling in a form: ask later
            raw = await self._render(item)
        except RasaUnavailable as error:
            return _Outcome.retry(str(error))
        if item.channel is Channel.WEB:
            return _Outcome("awaiting_pickup", replies=raw)
        send = self._sender(item)
        if send is None:
            return _Outcome.retry(f"no way to deliver on {item.channel.value} from this gateway")
        replies = self._relay.render(
            raw, channel=item.channel.value, sender=item.recipient, language=item.language
        )
        try:
            await send(replies)
        except ResidentUnreachable:  # blocked: marked unreachable at once, never retried
            return _Outcome.unreachable()
        except Undeliverable as error:  # e.g. WeChat outside 48 hours with no template
            return _Outcome("failed", replies=raw, error=str(error)[:1000])
        except Exception as error:  # any other refusal: retried with backoff, then failed
            return _Outcome.retry(f"{type(error).__name__}: {error}")
        return _Outcome("sent", replies=raw)

    def _sender(self, item: _Claimed) -> Callable[[list[Reply]], Awaitable[object]] | None:
        """How this gateway sends the item unprompted, if it can."""
        if item.channel is Channel.TELEGRAM and self._telegram is not None:
            telegram = self._telegram
            return lambda replies: telegram.deliver(int(item.recipient), replies, elder_mode=item.elder_mode)
        if item.channel is Channel.WECHAT and self._wechat is not None:
            wechat = self._wechat
            return lambda replies: wechat.deliver_unprompted(
                item.recipient, replies, elder_mode=item.elder_mode, language=item.language, kind=item.kind
            )
        return None

    async def _render(self, item: _Claimed) -> list[dict[str, Any]]:
        if "replies" in item.body:
            return list(item.body["replies"])
        conversation_id = Relay.conversation_id(item.channel.value, item.recipient)
        return await self._rasa.trigger_intent(
            conversation_id=conversation_id,
            intent=str(item.body["intent"]),
            entities=item.body.get("entities") or {},
        )

    def _unreachable(self, item: _Claimed) -> bool:
        with session_scope(self._settings) as session:
            return reach.is_unreachable(session=session, channel=item.channel, external_id=item.recipient)

    def _finish(self, item: _Claimed, outcome: _Outcome) -> None:
        with session_scope(self._settings) as session:
            row = session.get(OutboxItem, item.id)
            if row is None or row.claimed_by != self.worker or row.status is not OutboxStatus.SENDING:
                logger.warning(
                    "dispatcher: item %s was taken over; outcome %s dropped", item.id, outcome.field
                )
                return
            now = db_now(session=session)
            if outcome.replies is not None:
                row.body = {**row.body, "replies": outcome.replies}
            if outcome.field == "sent":
                outbox.mark_sent(session=session, item=row)
            elif outcome.field == "postponed":
                row.status, row.due_at, row.attempts = OutboxStatus.PENDING, now + POSTPONE, row.attempts - 1
            elif outcome.field == "awaiting_pickup":
                row.status = OutboxStatus.AWAITING_PICKUP
            elif outcome.field in ("unreachable", "failed"):  # retrying cannot help
                row.status, row.last_error = OutboxStatus.FAILED, outcome.error
            elif item.attempts >= MAX_ATTEMPTS:
                row.status, row.last_error = OutboxStatus.FAILED, outcome.error
                outcome.field = "failed"
            else:
                row.status, row.last_error = OutboxStatus.PENDING, outcome.error
                row.due_at = now + backoff(item.attempts)


@dataclass
class _Outcome:
    field: str  # a PassReport field
    replies: list[dict[str, Any]] | None = None
    error: str | None = None

    @classmethod
    def unreachable(cls) -> _Outcome:
        return cls("unreachable", error=UNREACHABLE_ERROR)

    @classmethod
    def retry(cls, error: str) -> _Outcome:
        logger.warning("dispatcher: delivery failed: %s", error)
        return cls("retried", error=error[:1000])
