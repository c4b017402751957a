"""The dispatcher delivers each outbox item once, survives a dead dispatcher, retries, then gives up.

Telegram is the only fake: a recorder standing in for the Bot API. The database is real (SQLite
and PostgreSQL), with real commits from concurrent dispatchers.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, update

from bot import transcript
from bot.cases import attachments
from bot.cases import service as cases
from bot.cases.models import Attachment, AttachmentFile
from bot.config import Settings
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import Relay, Reply
from bot.db.clock import db_now
from bot.db.session import session_scope
from bot.delivery.dispatcher import MAX_ATTEMPTS, Dispatcher
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.residents.enums import Channel
from bot.transcript.models import Message
from tests.conftest import build_case_input


class RecordingTelegram:
    """Stands in for Telegram's servers: records what was delivered, or refuses."""

    def __init__(self, *, failing: bool = False) -> None:
        self.delivered: list[tuple[int, str]] = []
        self.failing = failing

    async def deliver(self, chat_id: int, replies: list[Reply], *, elder_mode: bool) -> None:
        await asyncio.sleep(0)  # let the other dispatcher run in between
        if self.failing:
            raise RuntimeError("Telegram answered 502 Bad Gateway")
        self.delivered.extend((chat_id, reply.text) for reply in replies)


@pytest.fixture
def store(committed: Settings) -> Iterator[Settings]:
    yield committed.with_secrets()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def queue(settings: Settings, count: int, *, channel: Channel = Channel.TELEGRAM) -> list[int]:
    with session_scope(settings) as session:
        ids = []
        for n in range(count):
            recipient = str(5000 + n % 7)
            resident = residents.for_channel(session=session, channel=channel, external_id=recipient)
            item = outbox.enqueue(
                session=session,
                resident=resident,
                kind=OutboxKind.STAFF_REPLY,
                body={"replies": [{"text": f"message {n}", "buttons": []}]},
                channel=channel,
                recipient=recipient,
            )
            assert item is not None
            ids.append(item.id)
        return ids


def dispatcher(
    settings: Settings, http: httpx.AsyncClient, telegram: RecordingTelegram, worker: str
) -> Dispatcher:
    rasa = RasaClient(settings=settings, http=http)
    return Dispatcher(
        settings=settings,
        rasa=rasa,
        relay=Relay(settings=settings, rasa=rasa),
        telegram=telegram,
        worker=worker,
    )


async def drain(d: Dispatcher) -> None:
    while (await d.run_once(limit=25)).claimed:
        pass


def statuses(settings: Settings) -> Counter[OutboxStatus]:
    with session_scope(settings) as session:
        return Counter(session.scalars(select(OutboxItem.status)).all())


def unlimited(settings: Settings) -> Settings:
    """Telegram's send budget out of the way (tests of exactly-once, not of the rate)."""
    return settings.model_copy(
        update={"telegram": settings.telegram.model_copy(update={"sends_per_second": 100_000})}
    )


async def test_two_dispatchers_send_each_of_500_items_exactly_once(
    store: Settings, http: httpx.AsyncClient
) -> None:
    store = unlimited(store)
    queue(store, 500)
    telegram = RecordingTelegram()

    await asyncio.gather(
        drain(dispatcher(store, http, telegram, "a")), drain(dispatcher(store, http, telegram, "b"))
    )

    texts = Counter(text for _, text in telegram.delivered)
    assert len(texts) == 500
    assert set(texts.values()) == {1}
    assert statuses(store) == Counter({OutboxStatus.SENT: 500})


async def test_items_of_a_dispatcher_that_died_are_sent_once_by_another(
    store: Settings, http: httpx.AsyncClient
) -> None:
    queue(store, 30)
    telegram = RecordingTelegram()
    dead = dispatcher(store, http, telegram, "dead")
    claimed = await asyncio.to_thread(dead._claim, 10)  # claims, then dies before sending anything
    assert len(claimed) == 10
    with session_scope(store) as session:  # five minutes and more pass
        long_ago = db_now(session=session) - timedelta(minutes=6)
        session.execute(update(OutboxItem).where(OutboxItem.claimed_by == "dead").values(claimed_at=long_ago))

    await drain(dispatcher(store, http, telegram, "alive"))

    assert sorted(text for _, text in telegram.delivered) == sorted(f"message {n}" for n in range(30))
    assert statuses(store) == Counter({OutboxStatus.SENT: 30})


async def test_a_failing_channel_is_retried_with_backoff_then_marked_failed(
    store: Settings, http: httpx.AsyncClient
) -> None:
    [item_id] = queue(store, 1)
    d = dispatcher(store, http, RecordingTelegram(failing=True), "a")

    await d.run_once()
    with session_scope(store) as session:
        item = session.get(OutboxItem, item_id)
        assert item is not None
        assert (item.status, item.attempts) == (OutboxStatus.PENDING, 1)
        assert "502" in (item.last_error or "")
        assert item.due_at > item.claimed_at  # type: ignore[operator]

    for _ in range(MAX_ATTEMPTS - 1):
        with session_scope(store) as session:
            session.execute(update(OutboxItem).values(due_at=OutboxItem.created_at))
        await d.run_once()

    with session_scope(store) as session:
        assert [i.id for i in outbox.failed(session=session)] == [item_id]
    assert statuses(store) == Counter({OutboxStatus.FAILED: 1})


async def test_web_chat_messages_wait_for_the_page_and_are_handed_over_once(
    store: Settings, http: httpx.AsyncClient
) -> None:
    queue(store, 2, channel=Channel.WEB)
    await drain(dispatcher(store, http, RecordingTelegram(), "a"))
    assert statuses(store) == Counter({OutboxStatus.AWAITING_PICKUP: 2})

    with session_scope(store, read_only=True) as session:
        waiting = outbox.any_for_web(session=session, recipient="5000")
    with session_scope(store) as session:
        first = outbox.take_for_web(session=session, recipient="5000")
        again = outbox.take_for_web(session=session, recipient="5000")
        left = outbox.any_for_web(session=session, recipient="5000")
    assert waiting is True
    assert [reply["text"] for reply in first] == ["message 0"]
    assert again == []
    assert left is False


async def test_housekeeping_forgets_old_messages_but_keeps_a_cases_conversation(
    store: Settings, http: httpx.AsyncClient
) -> None:
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel=Channel.WEB, external_id="old-timer")
        case = cases.create(session=session, resident=resident, case_in=build_case_input())
        transcript.record(
            session=session, resident=resident, direction="in", channel="web", text="很久以前的闲聊"
        )
        transcript.record(
            session=session, resident=resident, direction="in", channel="web", text="案件对话", case=case
        )
        transcript.record(session=session, resident=resident, direction="in", channel="web", text="昨天的话")
        long_ago = db_now(session=session) - timedelta(days=store.transcript.retention_days + 1)
        session.execute(update(Message).where(Message.text != "昨天的话").values(created_at=long_ago))

    dispatcher(store, http, RecordingTelegram(), "a").housekeeping()

    with session_scope(store) as session:
        assert sorted(session.scalars(select(Message.text)).all()) == ["昨天的话", "案件对话"]


async def test_housekeeping_deletes_old_files_on_no_case_but_keeps_a_cases_files(
    store: Settings, http: httpx.AsyncClient
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x05" * 64
    with session_scope(store) as session:
        resident = residents.for_channel(session=session, channel=Channel.WEB, external_id="old-files")
        case = cases.create(session=session, resident=resident, case_in=build_case_input())
        on_case = attachments.store(session=session, settings=store, resident=resident, data=png, case=case)
        loose = attachments.store(session=session, settings=store, resident=resident, data=png)
        recent = attachments.store(session=session, settings=store, resident=resident, data=png)
        long_ago = db_now(session=session) - timedelta(days=store.transcript.retention_days + 1)
        session.execute(
            update(Attachment).where(Attachment.id.in_([on_case.id, loose.id])).values(created_at=long_ago)
        )
        ids = (on_case.id, loose.id, recent.id)

    dispatcher(store, http, RecordingTelegram(), "a").housekeeping()

    with session_scope(store) as session:
        kept = {row.id: row.path is not None for row in session.scalars(select(Attachment))}
        assert [kept[i] for i in ids] == [True, False, True]
        assert session.scalar(select(func.count()).select_from(AttachmentFile)) == 2


async def test_housekeeping_deletes_rasas_tracker_events_older_than_the_retention_period(
    store: Settings, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    from tests.flows.test_erasure import rasa_tracker, tracker_rows

    now = time.time()
    old = now - (store.transcript.retention_days + 1) * 86400
    tracker = rasa_tracker(
        tmp_path / "tracker.db",
        [
            ("web:old-timer", '{"event": "user", "text": "很久以前的闲聊"}'),
            ("web:today", '{"event": "user"}'),
        ],
    )
    engine = create_engine(tracker.tracker_url)
    with engine.begin() as connection:  # Rasa's timestamps are seconds since the epoch
        connection.exec_driver_sql(
            "UPDATE events SET timestamp = ? WHERE sender_id = 'web:old-timer'", (old,)
        )
        connection.exec_driver_sql("UPDATE events SET timestamp = ? WHERE sender_id = 'web:today'", (now,))
    engine.dispose()
    with_tracker = store.model_copy(update={"tracker": tracker.tracker})

    dispatcher(with_tracker, http, RecordingTelegram(), "a").housekeeping()

    assert tracker_rows(with_tracker) == [("web:today", '{"event": "user"}')]


async def test_a_written_message_is_in_the_transcript_once_from_queueing_to_delivery(
    store: Settings, http: httpx.AsyncClient
) -> None:
    queue(store, 1, channel=Channel.WEB)
    queue(store, 1, channel=Channel.TELEGRAM)
    await drain(dispatcher(store, http, RecordingTelegram(), "a"))
    with session_scope(store) as session:
        outbox.take_for_web(session=session, recipient="5000")
        assert sorted(session.scalars(select(Message.text)).all()) == [
            "message 0",
            "message 0",
        ]  # one per channel


async def test_a_gateway_without_telegram_leaves_telegram_messages_to_one_that_has_it(
    store: Settings, http: httpx.AsyncClient
) -> None:
    queue(store, 3)
    rasa = RasaClient(settings=store, http=http)
    web_only = Dispatcher(settings=store, rasa=rasa, relay=Relay(settings=store, rasa=rasa), telegram=None)

    assert (await web_only.run_once()).claimed == 0
    assert statuses(store) == Counter({OutboxStatus.PENDING: 3})


async def test_two_dispatchers_share_telegrams_30_messages_a_second(
    store: Settings, http: httpx.AsyncClient
) -> None:
    """Two gateways broadcasting a scam warning: together never more than 30 claims in any second."""
    queue(store, 75)
    telegram = RecordingTelegram()
    a, b = dispatcher(store, http, telegram, "a"), dispatcher(store, http, telegram, "b")

    first = await asyncio.gather(a.run_once(limit=50), b.run_once(limit=50))

    assert sum(report.claimed for report in first) == store.telegram.sends_per_second == 30
    assert len(telegram.delivered) == 30
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while statuses(store)[OutboxStatus.SENT] < 75 and loop.time() < deadline:
        await asyncio.gather(a.run_once(limit=50), b.run_once(limit=50))
        await asyncio.sleep(0.05)
    assert statuses(store) == Counter({OutboxStatus.SENT: 75})
    assert sorted(Counter(text for _, text in telegram.delivered).values()) == [1] * 75
    with session_scope(store) as session:
        claims = sorted(t for t in session.scalars(select(OutboxItem.claimed_at)).all() if t is not None)
    window = timedelta(seconds=1)
    busiest = max(sum(1 for t in claims if moment - window < t <= moment) for moment in claims)
    assert busiest <= 30
