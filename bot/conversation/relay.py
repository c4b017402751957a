"""The relay: every channel (web chat, Telegram, terminal) passes each resident message through it.

It decides the language, passes on only payloads the assistant issued, sends the message to Rasa
with metadata, turns Rasa's replies into the resident's script with signed buttons, answers
politely when Rasa or the action server is down, and keeps the transcript.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from bot import language as lang
from bot import logs, notices, transcript
from bot.cases import claims
from bot.config import Settings
from bot.conversation import answers, payloads
from bot.conversation.rasa_client import RasaClient, RasaUnavailable
from bot.db import tracker_store
from bot.db.session import session_scope
from bot.language import Language
from bot.outbox import service as outbox
from bot.residents import service as residents
from bot.scams import service as scams

logger = logging.getLogger(__name__)

CHANNELS = frozenset({"web", "telegram", "wechat", "terminal"})
# Seconds between attempts to record a turn Rasa has already answered while the store is away.
RECORD_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)
# What a case store that went away raises (refused, dropped, timed out, locked).
STORE_DOWN = (OperationalError, InterfaceError)
# A forwarded or pasted message goes to the scam check (domain/scams.yml) with its text.
SCAM_CHECK_COMMAND = "/check_scam"
# A sender id within its channel: it becomes part of Rasa's conversation id (`web:<id>`) and of
# URL paths to Rasa's API, so only characters that need no escaping anywhere.
SENDER_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
_SENDER = re.compile(SENDER_PATTERN)


class InvalidMessage(ValueError):
    """An inbound message the relay refuses; the text says what is wrong."""


def _encodable(text: str | None) -> bool:
    try:
        (text or "").encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    custom: dict[str, Any] | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a resident: typed text, a button press or a channel command, one of them."""

    channel: str
    sender: str
    text: str | None = None
    payload: str | None = None  # a signed button payload, as the client got it
    # A payload the channel itself issues from a fixed table (Telegram's /start → "/greet"),
    # never one the resident typed or sent.
    command: str | None = None
    language_hint: str | None = None  # a client's language code, used until we know better
    chosen_language: Language | None = None  # the resident picked one (a language switch)
    forwarded: bool = False  # the channel says the resident forwarded someone else's message


@dataclass
class Outcome:
    replies: list[Reply]
    language: Language
    delivered: bool = True  # False when Rasa or the action server could not answer
    elder_mode: bool = False


@dataclass(frozen=True)
class _Resident:
    id: int
    language: Language | None
    elder_mode: bool
    # The buttons of the assistant's last message on this channel, still unanswered.
    offered: tuple[dict[str, str], ...] = ()


class RateLimiter:
    """At most `limit` messages per conversation in any 60 seconds (in this gateway process)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self._limit = limit
        self._window = window
        self._seen: dict[str, deque[float]] = {}

    def allow(self, conversation_id: str) -> bool:
        now = time.monotonic()
        seen = self._seen.setdefault(conversation_id, deque())
        while seen and now - seen[0] > self._window:
            seen.popleft()
        if len(seen) >= self._limit:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:  # forget quiet conversations
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] <= self._window}
        return True


class Relay:
    def __init__(self, *, settings: Settings, rasa: RasaClient) -> None:
        self._settings = settings
        self._rasa = rasa
        self._rate = RateLimiter(settings.gateway.rate_limit_per_minute)

    @staticmethod
    def conversation_id(channel: str, sender: str) -> str:
        """Rasa's sender id: channels keep separate id spaces, so they never collide."""
        return f"{channel}:{sender}"

    async def handle(self, inbound: Inbound) -> Outcome:
        # One id per inbound turn, on this turn's log lines here and in the action server.
        request_id = logs.new_request_id()
        logs.REQUEST_ID.set(request_id)
        message = self._validate(inbound)
        conversation_id = self.conversation_id(inbound.channel, inbound.sender)
        # Before anything is stored: a refused message creates no resident and no message.
        if not self._rate.allow(conversation_id):
            language = inbound.chosen_language or lang.from_hint(inbound.language_hint) or lang.DEFAULT
            return Outcome(
                [Reply(notices.text(notices.Notice.RATE_LIMITED, language))], language, delivered=False
            )
        try:
            resident = await asyncio.to_thread(self._resident, inbound)
        except STORE_DOWN as error:
            # Without the store the turn could not be recorded nor a case filed: hold it back
            # (Rasa never sees it) and ask the resident to send it again.
            logger.warning("relay: case store unreachable (%s); message held back", type(error).__name__)
            language = inbound.chosen_language or (
                lang.detect(message, current=None, hint=inbound.language_hint)
                if inbound.text is not None
                else lang.from_hint(inbound.language_hint) or lang.DEFAULT
            )
            return Outcome([Reply(notices.text(notices.Notice.BUSY, language))], language, delivered=False)
        current = inbound.chosen_language or resident.language
        if inbound.payload is not None or inbound.command is not None:
            message = inbound.command or payloads.verify(
                key=self._settings.secret("payload_key"), conversation_id=conversation_id, token=message
            )
            language = current or lang.from_hint(inbound.language_hint) or lang.DEFAULT
        metadata: dict[str, Any] = {
            "channel": inbound.channel,
            "sender": inbound.sender,
            "elder_mode": resident.elder_mode,
            "request_id": request_id,
        }
        pressed: str | None = None
        if inbound.text is None:
            pressed = message
        else:
            language = lang.detect(message, current=current, hint=inbound.language_hint)
            # An answer that names an offered button by number or title is that button.
            pressed = answers.pressed_by_typing(message, resident.offered)
            if pressed is not None:
                message = pressed
            else:
                written = message
                message = await self._typed(inbound, conversation_id, lang.for_understanding(message))
                metadata[answers.METADATA_KEY] = answers.expected_intents(resident.offered)
                # Rasa reads Traditional Chinese as Simplified; what the resident wrote goes along,
                # so that a description is stored as written (issue 24).
                if message != written and lang.for_understanding(written) == message:
                    metadata["text_as_written"] = written
        metadata["language"] = language.value

        raw_replies, delivered = await self._ask_rasa(
            conversation_id=conversation_id, message=message, channel=inbound.channel, metadata=metadata
        )
        if delivered:
            replies = [self._reply(raw, conversation_id, language) for raw in raw_replies]
            offered = [list(raw.get("buttons") or []) for raw in raw_replies]
        else:
            replies = [Reply(text=notices.text(notices.Notice.BUSY, language))]
            offered = [list(resident.offered)]  # still unanswered: Rasa never saw this message
        elder_mode, erased = await self._record_retrying(
            resident, inbound, pressed, language, replies, offered
        )
        if erased:
            # The resident had their data erased in this turn. Erasure deleted the conversation
            # from Rasa's tracker store, but Rasa wrote the tracker again when the turn ended.
            await asyncio.to_thread(
                tracker_store.forget_conversations,
                settings=self._settings,
                conversation_ids=[conversation_id],
            )
        return Outcome(replies=replies, language=language, delivered=delivered, elder_mode=elder_mode)

    async def _record_retrying(
        self,
        resident: _Resident,
        inbound: Inbound,
        pressed: str | None,
        language: Language,
        replies: list[Reply],
        offered: list[list[dict[str, Any]]],
    ) -> tuple[bool, bool]:
        """Records the turn; Rasa has already handled it, so a store that went away meanwhile is
        waited for a few seconds rather than the answer thrown away. (Elder mode, erased in this
        turn) after it."""
        turn = (resident, inbound, pressed, language, replies, offered)
        for delay in RECORD_RETRY_DELAYS:
            try:
                return await asyncio.to_thread(self._record, *turn)
            except STORE_DOWN as error:
                logger.warning("relay: recording the turn failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(delay)
        try:
            return await asyncio.to_thread(self._record, *turn)
        except STORE_DOWN as error:
            logger.error("relay: the turn could not be recorded (%s); replying anyway", type(error).__name__)
            return resident.elder_mode, False

    async def _typed(self, inbound: Inbound, conversation_id: str, text: str) -> str:
        """What typed text becomes for Rasa: a scam check for a forwarded or pasted message, else
        plain text that can never be read as an intent."""
        pasted = inbound.forwarded or (
            # The receipt of a case staff registered ("… DT-JF-2026-000123 code 123456") is the
            # resident's own words, whatever its code looks like.
            not claims.looks_like_claim(text)
            and scams.looks_like_pasted_message(text)
            # A long answer inside a form (what happened, with amounts and numbers) is an answer.
            and not await self._in_form(conversation_id)
        )
        if pasted:
            return SCAM_CHECK_COMMAND + json.dumps({"scam_text": text}, ensure_ascii=False)
        return payloads.neutralise_typed_text(text)

    async def _in_form(self, conversation_id: str) -> bool:
        try:
            return await self._rasa.active_form(conversation_id=conversation_id) is not None
        except RasaUnavailable:
            return False  # the message will get the busy reply anyway

    def _validate(self, inbound: Inbound) -> str:
        if inbound.channel not in CHANNELS:
            raise InvalidMessage(f"unknown channel {inbound.channel!r}")
        if not _SENDER.match(inbound.sender):
            raise InvalidMessage("sender must be 1 to 128 letters, digits, '_' or '-'")
        # No database text type takes NUL (PostgreSQL refuses it), and no person types it.
        if any("\x00" in (part or "") for part in (inbound.text, inbound.payload)):
            raise InvalidMessage("the message contains a NUL character")
        # A lone surrogate (JSON's "\ud800") is not a character: no store or encoder takes it.
        if not all(_encodable(part) for part in (inbound.text, inbound.payload, inbound.language_hint)):
            raise InvalidMessage("the message is not valid Unicode (a lone surrogate)")
        if sum(part is not None for part in (inbound.text, inbound.payload, inbound.command)) != 1:
            raise InvalidMessage("send either text or payload")
        if inbound.command is not None:
            return inbound.command
        if inbound.payload is not None:
            if len(inbound.payload) > 512:
                raise InvalidMessage("payload is too long")
            return inbound.payload
        text = (inbound.text or "").strip()
        if not text:
            raise InvalidMessage("text is empty")
        limit = self._settings.gateway.max_text_length
        if len(text) > limit:
            raise InvalidMessage(f"text is longer than {limit} characters")
        return text

    async def _ask_rasa(
        self, *, conversation_id: str, message: str, channel: str, metadata: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], bool]:
        # With the action server down, Rasa would go on without the actions' effects (a form
        # would lose its answers), so the message is not passed on at all. The check is one
        # localhost request, shared by the turns of `actions.alive_for` seconds (bench/load).
        if not await self._rasa.actions_alive():
            logger.warning("relay: action server unreachable; message held back")
            return [], False
        try:
            replies = await self._rasa.send(
                conversation_id=conversation_id, message=message, channel=channel, metadata=metadata
            )
        except RasaUnavailable as error:
            logger.warning("relay: %s", error)
            return [], False
        if not replies and not await self._rasa.actions_alive(fresh=True):
            return [], False
        if not replies:
            return [{"text": notices.text(notices.Notice.NO_REPLY, Language(metadata["language"]))}], True
        return replies, True

    def _reply(self, raw: dict[str, Any], conversation_id: str, language: Language) -> Reply:
        key = self._settings.secret("payload_key")
        buttons = tuple(
            Button(
                title=lang.for_reply(str(button.get("title", "")), language),
                payload=payloads.sign(
                    key=key, conversation_id=conversation_id, payload=str(button["payload"])
                ),
            )
            for button in raw.get("buttons") or []
            if button.get("payload")
        )
        custom = raw.get("custom")
        return Reply(
            text=lang.for_reply(str(raw.get("text") or ""), language),
            buttons=buttons,
            custom=custom if isinstance(custom, dict) else None,
        )

    async def language_of(self, *, channel: str, sender: str, hint: str | None = None) -> Language:
        """The language this resident is answered in (for what a channel says on its own)."""
        resident = await asyncio.to_thread(self._resident, Inbound(channel=channel, sender=sender, text=""))
        return resident.language or lang.from_hint(hint) or lang.DEFAULT

    def render(self, raw: list[dict[str, Any]], *, channel: str, sender: str, language: str) -> list[Reply]:
        """Replies Rasa (or the outbox) produced, as this resident will see them."""
        known = lang.parse(language) or lang.DEFAULT
        return [self._reply(item, self.conversation_id(channel, sender), known) for item in raw]

    async def pending(self, *, channel: str, sender: str) -> list[Reply]:
        """Messages the assistant sent on its own and the resident's page has not shown yet."""
        if channel not in CHANNELS or not _SENDER.match(sender):
            raise InvalidMessage("unknown channel, or an empty or invalid sender")
        try:
            raw, language = await asyncio.to_thread(self._take_pending, sender)
        except STORE_DOWN as error:
            # The items stay in the outbox; the page asks again in a few seconds.
            logger.warning("relay: case store unreachable (%s); nothing pending now", type(error).__name__)
            return []
        return self.render(raw, channel=channel, sender=sender, language=language)

    def _take_pending(self, sender: str) -> tuple[list[dict[str, Any]], Language]:
        # A read first (the page polls every few seconds and nearly always finds nothing); the
        # write lock only to hand something over.
        with session_scope(self._settings, read_only=True) as session:
            resident = residents.find_by_channel(session=session, channel="web", external_id=sender)
            if resident is None:
                return [], lang.DEFAULT
            language = lang.parse(resident.language) or lang.DEFAULT
            if not outbox.any_for_web(session=session, recipient=sender):
                return [], language
        with session_scope(self._settings) as session:
            return outbox.take_for_web(session=session, recipient=sender), language

    def _resident(self, inbound: Inbound) -> _Resident:
        """The resident behind the message; a first-timer has no language yet (the hint decides).
        A known resident is only read (no write lock); a first-timer is created."""
        with session_scope(self._settings, read_only=True) as session:
            found = residents.find_by_channel(
                session=session, channel=inbound.channel, external_id=inbound.sender
            )
            if found is not None:
                offered = (
                    transcript.last_offered(session=session, resident=found, channel=inbound.channel)
                    if inbound.text
                    else []
                )
                return _Resident(
                    id=found.id,
                    language=lang.parse(found.language),
                    elder_mode=bool(found.elder_mode),
                    offered=tuple(offered),
                )
        with session_scope(self._settings) as session:
            # (for_channel reads again: another first message of theirs may have created them.)
            resident = residents.for_channel(
                session=session, channel=inbound.channel, external_id=inbound.sender
            )
            return _Resident(id=resident.id, language=None, elder_mode=bool(resident.elder_mode), offered=())

    def _record(
        self,
        known: _Resident,
        inbound: Inbound,
        pressed: str | None,
        language: Language,
        replies: list[Reply],
        offered: list[list[dict[str, Any]]],
    ) -> tuple[bool, bool]:
        """Writes the turn to the transcript; the resident's elder mode after the turn, and whether
        the turn erased their data (their chat identity is gone)."""
        with session_scope(self._settings) as session:
            resident = residents.get(session=session, resident_id=known.id)
            # Only a detection or a choice changes the language; an action may have set it meanwhile.
            if language is not known.language and (inbound.text is not None or inbound.chosen_language):
                residents.set_language(session=session, resident=resident, language=language.value)
            transcript.record(
                session=session,
                resident=resident,
                direction="in",
                channel=inbound.channel,
                text=inbound.text or "",
                payload=pressed,
                flush=False,
            )
            for reply, buttons in zip(replies, offered, strict=True):
                transcript.record(
                    session=session,
                    resident=resident,
                    direction="out",
                    channel=inbound.channel,
                    text=reply.text,
                    buttons=buttons,
                    flush=False,
                )
            erased = resident.erased_at is not None and not any(
                identity.channel == inbound.channel and identity.external_id == inbound.sender
                for identity in resident.identities
            )
            return bool(resident.elder_mode), erased
