"""The Telegram channel against a local fake Bot API server (python-telegram-bot for real, the
case store for real): many chats at once, each in its order; private chats only; edits; a
resident who blocked the bot; the update types asked for.

None of these turns reaches Rasa (stickers, voice, edits, groups are answered by the gateway), so
Rasa is pointed at a closed port: a turn that went there by mistake would get the busy notice.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot import notices
from bot.channels.telegram.bot import ALLOWED_UPDATES, TelegramChannel
from bot.config import RasaSettings, Settings, TelegramSettings
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import Relay
from bot.db.session import session_scope
from bot.delivery.dispatcher import UNREACHABLE_ERROR, Dispatcher
from bot.language import Language
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents import reach
from bot.residents import service as residents
from bot.residents.enums import Channel, UnreachableReason
from bot.transcript.models import Message
from tests.e2e.stack import free_port
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:TEST-TOKEN"
_users = itertools.count(880_001)

VOICE = {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}}
LOCATION = {"location": {"latitude": 32.6, "longitude": 117.0}}
STICKER = {
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
}


def said(notice: notices.Notice, language: Language = Language.SIMPLIFIED) -> str:
    return notices.text(notice, language)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def channel_settings(store: Settings, fake: FakeTelegram, **telegram: Any) -> Settings:
    return store.with_secrets().model_copy(
        update={
            "telegram": TelegramSettings(token=TOKEN, base_url=f"http://127.0.0.1:{fake.port}", **telegram),
            "rasa": RasaSettings(port=free_port(), timeout=2.0),  # nothing listens there
        }
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def settings_on_fake(committed: Settings, fake: FakeTelegram) -> Settings:
    return channel_settings(committed, fake)


@pytest.fixture
async def channel(settings_on_fake: Settings, http: httpx.AsyncClient) -> AsyncIterator[TelegramChannel]:
    """A gateway's Telegram channel, long polling the fake."""
    rasa = RasaClient(settings=settings_on_fake, http=http)
    running = TelegramChannel(settings=settings_on_fake, relay=Relay(settings=settings_on_fake, rasa=rasa))
    await running.start()
    yield running
    await running.stop()


async def messages_to(fake: FakeTelegram, chat_id: int, count: int) -> list[dict[str, Any]]:
    return await asyncio.to_thread(fake.wait_for_messages, chat_id, count, 20.0)


def texts(sent: list[dict[str, Any]]) -> list[str]:
    return [str(message["text"]) for message in sent]


async def test_a_second_chat_is_answered_while_the_first_waits_and_each_keeps_its_order(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    slow, quick = next(_users), next(_users)
    fake.slow_chat(slow, 0.6)  # every message to the first resident takes 0.6 s to go out
    for content in (VOICE, STICKER, LOCATION):
        fake.message(slow, **content)
    fake.message(quick, **LOCATION)

    slow_replies = await messages_to(fake, slow, 3)
    calls = [c for c in fake.calls if c.method == "sendMessage" and int(c.params["chat_id"]) in (slow, quick)]

    # The second resident was answered at once, not after the first one's three messages.
    assert int(calls[0].params["chat_id"]) == quick
    # The first resident's replies came in the order of their messages, one after the other.
    assert texts(slow_replies) == [
        said(notices.Notice.VOICE),
        said(notices.Notice.STICKER),
        said(notices.Notice.LOCATION),
    ]
    slow_times = [c.at for c in calls if int(c.params["chat_id"]) == slow]
    assert all(later - earlier >= 0.5 for earlier, later in itertools.pairwise(slow_times))


async def test_a_group_is_told_once_to_write_in_private_and_gets_no_case_list(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    group, member = -1_000_000_000_000 - next(_users), next(_users)
    fake.group_message(group, member, "/mycases")
    fake.group_message(group, member, "/mycases@shuoshi_test_bot")
    fake.group_message(group, member, "我被骗了怎么办")
    fake.message(member, **STICKER)  # then in private, where everything works

    await messages_to(fake, member, 1)
    await messages_to(fake, group, 1)
    await asyncio.sleep(0.5)  # time for any further (wrong) reply to the group

    assert texts(fake.sent(group)) == [said(notices.Notice.PRIVATE_CHAT_ONLY)]
    english_group = group - 1
    fake.group_message(english_group, next(_users), "/mycases", language_code="en")
    assert texts(await messages_to(fake, english_group, 1)) == [
        said(notices.Notice.PRIVATE_CHAT_ONLY, Language.ENGLISH)
    ]


@pytest.mark.parametrize(
    ("language_code", "language"),
    [("zh-hans", Language.SIMPLIFIED), ("zh-hant", Language.TRADITIONAL), ("en", Language.ENGLISH)],
)
async def test_an_edited_message_is_not_a_new_turn(
    fake: FakeTelegram,
    channel: TelegramChannel,
    settings_on_fake: Settings,
    language_code: str,
    language: Language,
) -> None:
    user = next(_users)
    fake.edited(user, "我改一下：对方让我转账到安全账户", language_code=language_code)

    assert texts(await messages_to(fake, user, 1)) == [said(notices.Notice.EDITED_MESSAGE, language)]
    with session_scope(settings_on_fake) as session:
        written = session.scalars(select(Message.text).where(Message.direction == "in")).all()
    assert not any("安全账户" in text for text in written)


async def test_polling_asks_only_for_the_updates_the_bot_handles(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    polls = await asyncio.to_thread(fake.wait_for, lambda: fake.called("getUpdates"), 10.0)
    assert polls[-1]["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert polls[-1]["allowed_updates"] == list(ALLOWED_UPDATES)


async def test_the_webhook_asks_only_for_the_updates_the_bot_handles(
    fake: FakeTelegram, committed: Settings, http: httpx.AsyncClient
) -> None:
    settings = channel_settings(
        committed,
        fake,
        mode="webhook",
        webhook_url="https://example.org/telegram/webhook",
        secret_token="s" * 32,
    )
    webhook = TelegramChannel(
        settings=settings, relay=Relay(settings=settings, rasa=RasaClient(settings=settings, http=http))
    )
    await webhook.start()
    await webhook.stop()

    [registered] = fake.called("setWebhook")[-1:]
    assert registered["allowed_updates"] == ["message", "edited_message", "callback_query"]


def queue_notices(settings: Settings, chat_id: int, count: int) -> None:
    with session_scope(settings) as session:
        resident = residents.for_channel(session=session, channel=Channel.TELEGRAM, external_id=str(chat_id))
        for n in range(count):
            outbox.enqueue(
                session=session,
                resident=resident,
                kind=OutboxKind.SCAM_ALERT,
                body={"replies": [{"text": f"防骗提醒 {n}", "buttons": []}]},
                channel=Channel.TELEGRAM,
                recipient=str(chat_id),
            )


async def test_a_resident_who_blocked_the_bot_is_unreachable_at_once_until_they_write_again(
    fake: FakeTelegram, channel: TelegramChannel, settings_on_fake: Settings, http: httpx.AsyncClient
) -> None:
    blocked = next(_users)
    queue_notices(settings_on_fake, blocked, 2)
    fake.fail_next("sendMessage", 403, description="Forbidden: bot was blocked by the user")
    rasa = RasaClient(settings=settings_on_fake, http=http)
    dispatcher = Dispatcher(
        settings=settings_on_fake,
        rasa=rasa,
        relay=Relay(settings=settings_on_fake, rasa=rasa),
        telegram=channel,
    )

    report = await dispatcher.run_once()

    # One refusal, and nothing more is tried: no 40 minutes of retries, no second message.
    assert (report.claimed, report.unreachable, report.retried) == (2, 2, 0)
    assert len([c for c in fake.called("sendMessage") if int(c["chat_id"]) == blocked]) == 1
    with session_scope(settings_on_fake) as session:
        items = session.scalars(select(OutboxItem).where(OutboxItem.recipient == str(blocked))).all()
        assert {(item.status, item.last_error) for item in items} == {
            (OutboxStatus.FAILED, UNREACHABLE_ERROR)
        }
        resident = residents.find_by_channel(
            session=session, channel=Channel.TELEGRAM, external_id=str(blocked)
        )
        assert resident is not None
        assert reach.reachable_identity(resident) is None  # new warnings and notices skip them
        [gone] = reach.unreachable_identities(resident)
        assert gone.unreachable_reason is UnreachableReason.BLOCKED

    fake.message(blocked, **STICKER)  # they unblocked the bot and write again
    await messages_to(fake, blocked, 1)

    with session_scope(settings_on_fake) as session:
        assert not reach.is_unreachable(session=session, channel=Channel.TELEGRAM, external_id=str(blocked))
