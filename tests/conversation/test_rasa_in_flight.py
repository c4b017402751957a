"""How many messages one gateway has open at a Rasa instance: at most `rasa.max_in_flight`, the
rest wait their turn in the gateway, and the wait counts towards the reply timeout."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.config import Settings
from bot.conversation.rasa_client import RasaClient, RasaUnavailable

URLS = ["http://rasa-a:5005", "http://rasa-b:5005"]


class FakeRasa:
    """Answers each message after `delay` seconds and notes how many were open at once, per host."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.open: dict[str, int] = {}
        self.most_open: dict[str, int] = {}
        self.most_open_anywhere = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.open[host] = self.open.get(host, 0) + 1
        self.most_open[host] = max(self.most_open.get(host, 0), self.open[host])
        self.most_open_anywhere = max(self.most_open_anywhere, sum(self.open.values()))
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.open[host] -= 1
        return httpx.Response(200, json=[{"text": "ok"}])


def client(fake: FakeRasa, **rasa: object) -> RasaClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    return RasaClient(settings=Settings(rasa=rasa, relay={"secret": "relay-secret"}), http=http)


async def send(rasa: RasaClient, conversation_id: str) -> list[dict[str, object]]:
    return await rasa.send(conversation_id=conversation_id, message="你好", channel="web", metadata={})


def test_a_burst_is_passed_on_a_few_at_a_time_and_every_message_is_answered() -> None:
    fake = FakeRasa(delay=0.01)
    rasa = client(fake, max_in_flight=4)

    async def burst() -> list[list[dict[str, object]]]:
        return await asyncio.gather(*(send(rasa, f"web:{n}") for n in range(30)))

    assert asyncio.run(burst()) == [[{"text": "ok"}]] * 30
    assert fake.most_open == {"127.0.0.1": 4}


def test_the_wait_for_a_slot_counts_towards_the_timeout() -> None:
    # Margins of half a second or more: the test must not depend on how busy the machine is.
    fake = FakeRasa(delay=1.0)
    rasa = client(fake, max_in_flight=1, timeout=1.6)

    async def three() -> list[object]:
        return await asyncio.gather(*(send(rasa, f"web:{n}") for n in range(3)), return_exceptions=True)

    first, second, third = asyncio.run(three())
    assert first == [{"text": "ok"}]
    # The second waits 1 s for the slot and would need 2 s in all; the third never gets one.
    assert isinstance(second, RasaUnavailable)
    assert isinstance(third, RasaUnavailable)


def test_each_instance_has_its_own_slots() -> None:
    fake = FakeRasa(delay=0.05)
    rasa = client(fake, instances=URLS, max_in_flight=1)
    by_instance: dict[str, str] = {}
    for n in range(50):  # one conversation owned by each instance
        by_instance.setdefault(rasa.instance_for(f"web:{n}"), f"web:{n}")
    assert len(by_instance) == 2

    async def both() -> list[list[dict[str, object]]]:
        return await asyncio.gather(*(send(rasa, c) for c in by_instance.values() for _ in range(3)))

    assert len(asyncio.run(both())) == 6
    assert fake.most_open == {"rasa-a": 1, "rasa-b": 1}
    assert fake.most_open_anywhere == 2  # one instance's queue does not hold up the other's


def test_the_limit_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="max_in_flight"):
        Settings(rasa={"max_in_flight": 0})
