"""The Telegram front end (python-telegram-bot 22) over the relay.

Long polling by default; in webhook mode the gateway's ASGI app receives the updates (checking
Telegram's secret token) and puts them on the application's update queue. Every text, button
press and command goes through the relay like any other channel; this module only translates.

Updates are handled concurrently, each chat in its own order (ordering.py). Only private chats
are served: in a group the assistant says once that it works in a private chat, and nothing else.
An edited message is not a new turn. A resident who blocked the bot is marked unreachable at the
first 403 (bot.residents.reach), and reachable again when they write.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import notices
from bot.cases import attachments
from bot.cases.attachments import AttachmentLimits, AttachmentRejected
from bot.channels.telegram import rendering, service
from bot.channels.telegram.errors import ResidentUnreachable
from bot.channels.telegram.ordering import ChatOrderedProcessor
from bot.config import Settings
from bot.conversation.payloads import ForgedPayload
from bot.conversation.relay import Inbound, InvalidMessage, Outcome, Relay, Reply
from bot.db.session import session_scope
from bot.language import Language, from_hint
from bot.residents import reach
from bot.residents import service as residents
from bot.residents.enums import Channel, UnreachableReason

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
LANGUAGE_CALLBACK = "lang:"
# Commands and the Rasa payload each stands for: a fixed table, never what a resident typed.
COMMANDS: dict[str, str] = {
    "start": "/greet",
    "help": "/help",
    "menu": "/help",
    "elder": "/elder_mode_toggle",
    "privacy": "/privacy",
    "delete_my_data": "/delete_my_data",
    "mycases": "/my_cases",
    "subscribe": "/subscribe_alerts",
    "unsubscribe": "/unsubscribe_alerts",
    "guardian": "/guardian_setup",
}
COMMAND_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "start": {"zh": "开始", "en": "Start"},
    "menu": {"zh": "我能做什么", "en": "What I can do"},
    "help": {"zh": "帮助", "en": "Help"},
    "language": {"zh": "选择语言", "en": "Choose the language"},
    "elder": {"zh": "长辈模式（字少、按钮大）开关", "en": "Elder mode (simpler replies) on or off"},
    "mycases": {"zh": "查询我的事项进度", "en": "My cases and how they stand"},
    "subscribe": {"zh": "订阅防骗预警", "en": "Get scam warnings"},
    "unsubscribe": {"zh": "取消防骗预警", "en": "Stop scam warnings"},
    "guardian": {"zh": "绑定家人（出现诈骗风险时提醒TA）", "en": "Link a family member to be warned"},
    "privacy": {"zh": "隐私说明", "en": "Privacy notice"},
    "delete_my_data": {"zh": "删除我的个人信息", "en": "Delete my personal data"},
}
# The update types the bot handles; Telegram sends no others (polling and webhook alike).
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
# Groups told once that the assistant works in private chats (per gateway; at most that many kept).
GROUPS_TOLD_MAX = 10_000
SEND_ATTEMPTS = 4
ELDER_PAUSE = 1.5  # seconds between two messages of one reply in elder mode


class TelegramChannel:
    """Owns the python-telegram-bot Application and its handlers."""

    def __init__(self, *, settings: Settings, relay: Relay) -> None:
        if settings.telegram.token is None:
            raise ValueError("TELEGRAM__TOKEN is not set")
        self._settings = settings
        self._relay = relay
        self._groups_told: set[int] = set()
        self.application = self._build()

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        telegram = self._settings.telegram
        assert telegram.token is not None
        builder = (
            Application.builder()
            .token(telegram.token.get_secret_value())
            .rate_limiter(AIORateLimiter())
            .concurrent_updates(ChatOrderedProcessor())
        )
        if telegram.base_url:
            builder = builder.base_url(f"{telegram.base_url.rstrip('/')}/bot")
            builder = builder.base_file_url(f"{telegram.base_url.rstrip('/')}/file/bot")
        if telegram.mode == "webhook":
            builder = builder.updater(None)
        application = builder.build()
        application.add_handler(TypeHandler(Update, self.once_only), group=-2)
        application.add_handler(TypeHandler(Update, self.private_only), group=-1)
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edit))
        for command in COMMANDS:
            application.add_handler(CommandHandler(command, self.on_command))
        application.add_handler(CommandHandler("language", self.on_language_command))
        application.add_handler(
            CallbackQueryHandler(self.on_language_choice, pattern=f"^{LANGUAGE_CALLBACK}")
        )
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(MessageHandler(~filters.TEXT | filters.COMMAND, self.on_other))
        application.add_error_handler(self.on_error)
        return application

    # -- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.application.initialize()
        await self._register_commands()
        await self.application.start()
        telegram = self._settings.telegram
        if telegram.mode == "webhook":
            assert telegram.webhook_url is not None, "TELEGRAM__WEBHOOK_URL is required in webhook mode"
            secret = telegram.secret_token.get_secret_value() if telegram.secret_token else None
            await self.application.bot.set_webhook(
                telegram.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        else:
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                poll_interval=0.0, timeout=10, allowed_updates=ALLOWED_UPDATES
            )

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def receive_webhook(self, data: dict[str, Any]) -> None:
        """An update Telegram posted to the gateway (its secret token already checked)."""
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    async def _register_commands(self) -> None:
        for code, key in (("zh", "zh"), ("en", "en"), (None, "zh")):
            commands = [BotCommand(name, texts[key]) for name, texts in COMMAND_DESCRIPTIONS.items()]
            await self.application.bot.set_my_commands(commands, language_code=code)

    # -- handlers -----------------------------------------------------------------------------

    async def once_only(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stops a redelivered update before any handler sees it; a resident who writes in private
        can be reached again (they may have unblocked the bot)."""
        chat, user = update.effective_chat, update.effective_user
        writer = str(user.id) if user is not None and chat is not None and chat.type == chat.PRIVATE else None
        if not await asyncio.to_thread(self._first_delivery, update.update_id, writer):
            logger.info("telegram: update %s delivered again; ignored", update.update_id)
            raise ApplicationHandlerStop

    def _first_delivery(self, update_id: int, writer: str | None) -> bool:
        with session_scope(self._settings) as session:
            first = service.first_delivery(session=session, update_id=update_id)
            if first and writer is not None:
                reach.mark_reachable(session=session, channel=Channel.TELEGRAM, external_id=writer)
            return first

    async def private_only(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Outside a private chat nothing is answered (a case list must never reach a group); the
        group is told once, in the writer's language, to write in private."""
        chat = update.effective_chat
        if chat is None or chat.type == chat.PRIVATE:
            return
        if update.callback_query is not None:
            await update.callback_query.answer()
        elif update.effective_message is not None and chat.id not in self._groups_told:
            if len(self._groups_told) >= GROUPS_TOLD_MAX:
                self._groups_told.clear()
            self._groups_told.add(chat.id)
            user = update.effective_user
            language = from_hint(user.language_code if user else None) or Language.SIMPLIFIED
            text = notices.text(notices.Notice.PRIVATE_CHAT_ONLY, language)
            await self._send(chat.id, rendering.TelegramMessage(text))
        raise ApplicationHandlerStop

    async def on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message: not a new turn (Rasa would read it twice); ask for it again."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        language = await self._relay.language_of(
            channel=CHANNEL, sender=str(user.id), hint=user.language_code
        )
        await self._send(
            message.chat_id, rendering.TelegramMessage(notices.text(notices.Notice.EDITED_MESSAGE, language))
        )

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        inbound = Inbound(
            channel=CHANNEL,
            sender=str(user.id),
            text=message.text,
            language_hint=user.language_code,
            forwarded=message.forward_origin is not None,
        )
        await self._relay_and_reply(update, inbound)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, /help, /menu, /elder, /privacy, /delete_my_data."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        name = message.text.split()[0].lstrip("/").split("@")[0].lower()
        inbound = Inbound(
            channel=CHANNEL, sender=str(user.id), command=COMMANDS[name], language_hint=user.language_code
        )
        outcome = await self._relay_and_reply(update, inbound)
        if name == "start" and outcome is not None:
            # The big menu: what most residents come for, one tap away, typed as a resident would.
            keyboard = rendering.main_menu(outcome.language, elder_mode=outcome.elder_mode)
            text = notices.text(notices.Notice.MAIN_MENU, outcome.language)
            await self._send(message.chat_id, rendering.TelegramMessage(text, keyboard))
            if outcome.elder_mode:  # elderly residents are offered the scam warnings at the start
                offer = Inbound(channel=CHANNEL, sender=str(user.id), command="/offer_scam_alerts")
                await self._relay_and_reply(update, offer)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press of an inline button the assistant sent."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        await query.answer()  # always, so the button stops spinning
        data = query.data or ""
        typed = rendering.typed_answer(data)
        if typed is not None:  # a button whose payload was too long for Telegram: its title, typed
            inbound = Inbound(
                channel=CHANNEL, sender=str(user.id), text=typed, language_hint=user.language_code
            )
        else:
            inbound = Inbound(
                channel=CHANNEL, sender=str(user.id), payload=data, language_hint=user.language_code
            )
        await self._relay_and_reply(update, inbound)

    async def on_language_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: three buttons, one per language."""
        chat = update.effective_chat
        if chat is None:
            return
        buttons = [
            [InlineKeyboardButton(title, callback_data=f"{LANGUAGE_CALLBACK}{language.value}")]
            for language, title in LANGUAGE_TITLES.items()
        ]
        await self._send(chat.id, rendering.TelegramMessage(LANGUAGE_PROMPT, InlineKeyboardMarkup(buttons)))

    async def on_language_choice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        await query.answer()
        try:
            chosen = Language((query.data or "").removeprefix(LANGUAGE_CALLBACK))
        except ValueError:
            return
        inbound = Inbound(channel=CHANNEL, sender=str(user.id), command="/greet", chosen_language=chosen)
        await self._relay_and_reply(update, inbound)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Voice, photos, stickers, documents, locations, contacts and unknown commands."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if message.contact is not None and message.contact.user_id == user.id:
            # The resident's own number, shared with the one-tap button: a trusted phone answer.
            phone = json.dumps({"phone": message.contact.phone_number}, ensure_ascii=True)
            inbound = Inbound(
                channel=CHANNEL,
                sender=str(user.id),
                command=f"/share_phone{phone}",
                language_hint=user.language_code,
            )
            await self._relay_and_reply(update, inbound)
            return
        if message.photo or message.document is not None:
            await self._evidence(update, message, user)
            return
        notice = (
            notices.Notice.UNKNOWN_COMMAND
            if message.text
            else notices.notice_for_attachment(
                voice=message.voice is not None
                or message.audio is not None
                or message.video_note is not None,
                photo=bool(message.photo) or message.document is not None or message.video is not None,
                sticker=message.sticker is not None,
                location=message.location is not None or message.venue is not None,
                contact=message.contact is not None,
            )
        )
        language = from_hint(user.language_code) or Language.SIMPLIFIED
        await self._send(message.chat_id, rendering.TelegramMessage(notices.text(notice, language)))

    async def _evidence(self, update: Update, message: Message, user: User) -> None:
        """A photo or document: kept as evidence on the resident's open case, if there is one."""
        sender = str(user.id)
        language = await self._relay.language_of(channel=CHANNEL, sender=sender, hint=user.language_code)
        media = message.photo[-1] if message.photo else message.document
        assert media is not None
        limit = AttachmentLimits().max_bytes
        if await asyncio.to_thread(self._open_case_number, sender) is None:
            reply = notices.text(notices.Notice.PHOTO, language)
        elif media.file_size is not None and media.file_size > limit:
            reply = notices.text(
                notices.Notice.FILE_REJECTED, language, reason=f"> {limit // (1024 * 1024)} MB"
            )
        else:
            data = bytes(await (await media.get_file()).download_as_bytearray())
            try:
                number = await asyncio.to_thread(self._attach, sender, data)
            except AttachmentRejected as error:
                reply = notices.text(
                    notices.Notice.FILE_REJECTED, language, reason=str(error).split(": ", 1)[-1]
                )
            else:
                reply = notices.text(notices.Notice.FILE_ATTACHED, language, number=number or "")
        await self._send(message.chat_id, rendering.TelegramMessage(reply))

    def _open_case_number(self, sender: str) -> str | None:
        with session_scope(self._settings) as session:
            resident = residents.for_channel(session=session, channel=CHANNEL, external_id=sender)
            case = attachments.open_case_for(session=session, resident=resident)
            return case.number if case is not None else None

    def _attach(self, sender: str, data: bytes) -> str | None:
        with session_scope(self._settings) as session:
            resident = residents.for_channel(session=session, channel=CHANNEL, external_id=sender)
            attachment = attachments.attach_to_open_case(
                session=session, settings=self._settings, resident=resident, data=data
            )
            return attachment.case.number if attachment is not None and attachment.case is not None else None

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("telegram: error while handling an update", exc_info=context.error)

    # -- replies ------------------------------------------------------------------------------

    async def _relay_and_reply(self, update: Update, inbound: Inbound) -> Outcome | None:
        chat = update.effective_chat
        if chat is None:
            return None
        try:
            outcome = await self._relay.handle(inbound)
        except ForgedPayload:
            language = from_hint(inbound.language_hint) or Language.SIMPLIFIED
            outcome = Outcome([Reply(notices.text(notices.Notice.EXPIRED_BUTTON, language))], language)
        except InvalidMessage as error:
            logger.info("telegram: refused a message: %s", error)
            language = from_hint(inbound.language_hint) or Language.SIMPLIFIED
            outcome = Outcome([Reply(notices.text(notices.Notice.TOO_LONG, language))], language)
        await self.deliver(chat.id, outcome.replies, elder_mode=outcome.elder_mode, language=outcome.language)
        return outcome

    async def deliver(
        self, chat_id: int, replies: list[Reply], *, elder_mode: bool, language: str = Language.SIMPLIFIED
    ) -> None:
        """Sends replies in order; raises TelegramError if Telegram keeps refusing."""
        for index, message in enumerate(
            rendering.messages(replies, elder_mode=elder_mode, language=language)
        ):
            if elder_mode and index:
                await asyncio.sleep(ELDER_PAUSE)  # one message at a time, time to read each
            await self._send(chat_id, message)

    async def _send(self, chat_id: int, message: rendering.TelegramMessage) -> None:
        # The rate limiter waits out a 429 (retry_after); a 5xx or a dropped connection is tried
        # again here with backoff, so a reply is neither lost nor sent twice by us.
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self.application.bot.send_message(chat_id, message.text, reply_markup=message.keyboard)
                return
            except RetryAfter as error:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(_seconds(error.retry_after))
            except Forbidden as error:  # blocked by the resident: no retry can help
                await asyncio.to_thread(self._mark_blocked, chat_id)
                raise ResidentUnreachable(chat_id, error.message) from error
            except BadRequest:
                raise  # retrying cannot fix a malformed message
            except NetworkError:  # 5xx and connection failures
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))

    def _mark_blocked(self, chat_id: int) -> None:
        logger.info("telegram: chat %s blocked the bot; marked unreachable", chat_id)
        with session_scope(self._settings) as session:
            reach.mark_unreachable(
                session=session,
                channel=Channel.TELEGRAM,
                external_id=str(chat_id),
                reason=UnreachableReason.BLOCKED,
            )


def _seconds(retry_after: Any) -> float:
    return float(retry_after.total_seconds()) if hasattr(retry_after, "total_seconds") else float(retry_after)


LANGUAGE_PROMPT = "请选择语言 / 請選擇語言 / Choose your language"
LANGUAGE_TITLES = {
    Language.SIMPLIFIED: "简体中文",
    Language.TRADITIONAL: "繁體中文",
    Language.ENGLISH: "English",
}
