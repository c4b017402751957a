"""The WeChat Official Account front end over the relay.

WeChat pushes each message to the server URL and wants an answer within 5 seconds, or it tries
again (three times in all) and then tells the resident the account is not responding. Rasa may
take longer, so the push is acknowledged at once with "success" and handled in the background;
the replies go out through the customer-service message API (客服消息). That API works only
within 48 hours of the resident's last message (or menu click, or subscribing); what the
assistant sends on its own after that goes as a template message, if one is set for its kind.
Each resident's pushes are handled one at a time, in the order they came.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

import httpx

from bot import notices
from bot.cases import attachments
from bot.cases.attachments import AttachmentLimits, AttachmentRejected
from bot.channels.wechat import crypto, rendering, service
from bot.channels.wechat.api import NotFollowing, WeChatApi, WindowClosed
from bot.channels.wechat.menu import CLICKS
from bot.channels.wechat.messages import InvalidPush, Pushed, parse, read_xml
from bot.config import Settings
from bot.conversation.relay import Inbound, InvalidMessage, Outcome, Relay, Reply
from bot.db.clock import db_now
from bot.db.session import session_scope
from bot.language import Language
from bot.outbox.errors import Undeliverable
from bot.residents import reach
from bot.residents import service as residents
from bot.residents.enums import Channel, UnreachableReason

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
# WeChat's customer-service window, less a margin for the time a delivery takes.
WINDOW = timedelta(hours=48)
WINDOW_MARGIN = timedelta(minutes=5)
# A signed push older than this is refused: in plain mode the signature does not cover the body.
MAX_AGE = timedelta(minutes=5)
ELDER_PAUSE = 1.5  # seconds between two messages of one reply in elder mode
# Events that are the resident acting (they open the 48-hour window) besides messages.
ACTIVE_EVENTS = frozenset({"subscribe", "SCAN", "CLICK", "VIEW"})
TEMPLATE_CONTENT_CHARS = 180


class WeChatChannel:
    def __init__(self, *, settings: Settings, relay: Relay, http: httpx.AsyncClient) -> None:
        wechat = settings.wechat
        if not wechat.enabled:
            raise ValueError("WECHAT__APP_ID, WECHAT__APP_SECRET and WECHAT__TOKEN must be set")
        assert wechat.token is not None and wechat.app_id is not None
        self._settings = settings
        self._relay = relay
        self._token = wechat.token.get_secret_value()
        self._crypto = (
            crypto.MessageCrypto(aes_key=wechat.aes_key.get_secret_value(), app_id=wechat.app_id)
            if wechat.aes_key is not None
            else None
        )
        self.api = WeChatApi(settings=settings, http=http)
        # One lock per resident with pushes in hand (and how many), so theirs go in arrival order.
        self._locks: dict[str, asyncio.Lock] = {}
        self._queued: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- the server URL -----------------------------------------------------------------------

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The GET with which WeChat checks the server URL: its echostr back, if signed by us."""
        self._check(query)
        return query.get("echostr", "")

    def open_push(self, query: Mapping[str, str], body: str) -> Pushed:
        """The push in a POST, after its signatures (and, in safe mode, its decryption)."""
        self._check(query)
        if self._crypto is None:
            return parse(body)
        if query.get("encrypt_type") != "aes":
            raise crypto.InvalidSignature("safe mode is on: plain-text pushes are refused")
        encrypted = read_xml(body).get("Encrypt", "")
        crypto.check_signature(
            token=self._token,
            timestamp=query.get("timestamp", ""),
            nonce=query.get("nonce", ""),
            given=query.get("msg_signature", ""),
            encrypted=encrypted,
        )
        try:
            return parse(self._crypto.decrypt(encrypted))
        except crypto.InvalidCiphertext as error:
            raise InvalidPush(str(error)) from error

    def _check(self, query: Mapping[str, str]) -> None:
        timestamp = query.get("timestamp", "")
        crypto.check_signature(
            token=self._token,
            timestamp=timestamp,
            nonce=query.get("nonce", ""),
            given=query.get("signature", ""),
        )
        if (
            not timestamp.isdigit()
            or abs(datetime.now().timestamp() - int(timestamp)) > MAX_AGE.total_seconds()
        ):
            raise crypto.InvalidSignature("the timestamp is missing or more than 5 minutes off")

    def accept(self, pushed: Pushed) -> None:
        """Takes a checked push to handle in the background; the caller answers WeChat at once
        (nothing here waits, not even for the store: "success" must beat WeChat's 5 seconds
        however busy the store and Rasa are)."""
        self._queued[pushed.from_user] = self._queued.get(pushed.from_user, 0) + 1
        task = asyncio.create_task(self._in_order(pushed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _first_delivery(self, pushed: Pushed) -> bool:
        with session_scope(self._settings) as session:
            if not service.first_delivery(session=session, key=pushed.dedupe_key):
                return False
            if pushed.msg_type != "event" or pushed.event in ACTIVE_EVENTS:
                residents.note_inbound(session=session, channel=CHANNEL, external_id=pushed.from_user)
                # Following again, or writing: reachable again if an unfollow had marked it not.
                reach.mark_reachable(session=session, channel=Channel.WECHAT, external_id=pushed.from_user)
            return True

    async def drain(self, timeout: float = 10.0) -> None:
        """Lets the pushes being handled finish (at shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- handling a push ----------------------------------------------------------------------

    async def _in_order(self, pushed: Pushed) -> None:
        openid = pushed.from_user
        lock = self._locks.setdefault(openid, asyncio.Lock())
        try:
            async with lock:
                # Recorded once whatever WeChat retries, and whichever gateway it reaches.
                if await asyncio.to_thread(self._first_delivery, pushed):
                    await self._handle(pushed)
                else:
                    logger.info("wechat: push delivered again; ignored")
        except Exception:  # a background task: nobody else would see it
            logger.exception("wechat: error while handling a push")
        finally:
            self._queued[openid] -= 1
            if not self._queued[openid]:
                del self._queued[openid], self._locks[openid]

    async def _handle(self, pushed: Pushed) -> None:
        openid = pushed.from_user
        if pushed.msg_type == "text" and pushed.content is not None:
            await self._relay_and_reply(Inbound(channel=CHANNEL, sender=openid, text=pushed.content))
        elif pushed.msg_type == "voice" and pushed.recognition:
            await self._relay_and_reply(Inbound(channel=CHANNEL, sender=openid, text=pushed.recognition))
        elif pushed.msg_type == "image":
            await self._evidence(openid, pushed.media_id)
        elif pushed.msg_type == "event":
            await self._event(pushed)
        else:
            notice = notices.notice_for_attachment(
                voice=pushed.msg_type == "voice",
                photo=pushed.msg_type in ("video", "shortvideo"),
                sticker=False,
                location=pushed.msg_type == "location",
                contact=False,
            )
            language = await self._relay.language_of(channel=CHANNEL, sender=openid)
            await self._send(openid, [notices.text(notice, language)])

    async def _event(self, pushed: Pushed) -> None:
        openid = pushed.from_user
        if pushed.event == "subscribe":
            await self._relay_and_reply(Inbound(channel=CHANNEL, sender=openid, command="/greet"))
        elif pushed.event == "unsubscribe":
            await asyncio.to_thread(self._unsubscribed, openid)
        elif pushed.event == "CLICK":
            click = CLICKS.get(pushed.event_key or "")
            if click is None:
                logger.info("wechat: menu key %r is not ours; ignored", pushed.event_key)
                return
            await self._relay_and_reply(
                Inbound(channel=CHANNEL, sender=openid, text=click.text, command=click.command)
            )
        # VIEW (a link in the menu), LOCATION reports, template receipts: nothing to answer.

    def _unsubscribed(self, openid: str) -> None:
        """The resident unfollowed: nothing can reach them any more until they follow again."""
        with session_scope(self._settings) as session:
            reach.mark_unreachable(
                session=session,
                channel=Channel.WECHAT,
                external_id=openid,
                reason=UnreachableReason.UNSUBSCRIBED,
            )
        logger.info("wechat: a resident unfollowed; marked unreachable")

    async def _evidence(self, openid: str, media_id: str | None) -> None:
        """A photo: kept as evidence on the resident's open case, if there is one."""
        language = await self._relay.language_of(channel=CHANNEL, sender=openid)
        limit = AttachmentLimits().max_bytes
        if media_id is None or await asyncio.to_thread(self._open_case_number, openid) is None:
            reply = notices.text(notices.Notice.PHOTO, language)
        else:
            try:
                data = await self.api.download_media(media_id, limit)
                number = await asyncio.to_thread(self._attach, openid, data)
            except (AttachmentRejected, ValueError) as error:
                reply = notices.text(
                    notices.Notice.FILE_REJECTED, language, reason=str(error).split(": ", 1)[-1]
                )
            else:
                reply = notices.text(notices.Notice.FILE_ATTACHED, language, number=number or "")
        await self._send(openid, [reply])

    def _open_case_number(self, openid: str) -> str | None:
        with session_scope(self._settings) as session:
            resident = residents.for_channel(session=session, channel=CHANNEL, external_id=openid)
            case = attachments.open_case_for(session=session, resident=resident)
            return case.number if case is not None else None

    def _attach(self, openid: str, data: bytes) -> str | None:
        with session_scope(self._settings) as session:
            resident = residents.for_channel(session=session, channel=CHANNEL, external_id=openid)
            attachment = attachments.attach_to_open_case(
                session=session, settings=self._settings, resident=resident, data=data
            )
            return attachment.case.number if attachment is not None and attachment.case is not None else None

    async def _relay_and_reply(self, inbound: Inbound) -> Outcome:
        try:
            outcome = await self._relay.handle(inbound)
        except InvalidMessage as error:
            logger.info("wechat: refused a message: %s", error)
            language = await self._relay.language_of(channel=CHANNEL, sender=inbound.sender)
            outcome = Outcome([Reply(notices.text(notices.Notice.TOO_LONG, language))], language)
        await self.deliver(
            inbound.sender, outcome.replies, elder_mode=outcome.elder_mode, language=outcome.language
        )
        return outcome

    # -- sending ------------------------------------------------------------------------------

    async def deliver(
        self, openid: str, replies: list[Reply], *, elder_mode: bool, language: str = Language.SIMPLIFIED
    ) -> None:
        """Replies as customer-service messages, in order; raises if WeChat keeps refusing."""
        await self._send(openid, rendering.messages(replies, language=language), elder_mode=elder_mode)

    async def _send(self, openid: str, texts: list[str], *, elder_mode: bool = False) -> None:
        for index, text in enumerate(texts):
            if elder_mode and index:
                await asyncio.sleep(ELDER_PAUSE)  # one message at a time, time to read each
            await self.api.send_text(openid, text)

    async def deliver_unprompted(
        self, openid: str, replies: list[Reply], *, elder_mode: bool, language: str, kind: str
    ) -> str:
        """What the assistant sends on its own (a notice, a survey, a warning): customer-service
        messages within the 48-hour window, else the template message set for `kind`; how it
        went ("customer_service" or "template"). Undeliverable when neither is possible."""
        try:
            return await self._unprompted(
                openid, replies, elder_mode=elder_mode, language=language, kind=kind
            )
        except NotFollowing as error:
            # The unfollow event never came (or came to a gateway that was down): note it now.
            await asyncio.to_thread(self._unsubscribed, openid)
            raise Undeliverable("WeChat: the resident no longer follows the account") from error

    async def _unprompted(
        self, openid: str, replies: list[Reply], *, elder_mode: bool, language: str, kind: str
    ) -> str:
        last = await asyncio.to_thread(self._last_inbound, openid)
        if last is not None and last[0] - last[1] < WINDOW - WINDOW_MARGIN:
            try:
                await self.deliver(openid, replies, elder_mode=elder_mode, language=language)
                return "customer_service"
            except WindowClosed:
                logger.info("wechat: the 48-hour window closed meanwhile; trying a template message")
        template_id = self._settings.wechat.templates.get(kind)
        if template_id is None:
            since = "never" if last is None else f"{(last[0] - last[1]).total_seconds() / 3600:.0f} hours ago"
            raise Undeliverable(
                f"WeChat: the resident last wrote {since}, outside the 48-hour window for customer-service "
                f"messages, and no template message is set for {kind} (WECHAT__TEMPLATES)"
            )
        await self.api.send_template(openid, template_id, template_data(replies, language=language))
        return "template"

    def _last_inbound(self, openid: str) -> tuple[datetime, datetime] | None:
        with session_scope(self._settings) as session:
            last = residents.last_inbound(session=session, channel=CHANNEL, external_id=openid)
            return None if last is None else (db_now(session=session), last)


def template_data(replies: list[Reply], *, language: str) -> dict[str, dict[str, str]]:
    """A template with two fields: what it is about (the first line) and the message, options
    numbered so that the resident can answer by replying (which opens the window again)."""
    text = "\n".join(rendering.messages(replies, language=language))
    first, _, rest = text.partition("\n")
    content = (rest.strip() or first)[:TEMPLATE_CONTENT_CHARS]
    return {"keyword1": {"value": first[:20]}, "keyword2": {"value": content}}
