"""The action-server probe before a turn: shared by the turns that arrive together, taken as
standing for `actions.alive_for` seconds when it found the server up (never when down), and a
busy server (probe timed out) is not mistaken for a dead one, for Rasa as for the actions."""

from __future__ import annotations

import asyncio

import httpx

from bot.config import Settings
from bot.conversation.rasa_client import RasaClient


def client(handler: object, *, alive_for: float = 0.0) -> tuple[RasaClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await handler(request)  # type: ignore[operator]

    http = httpx.AsyncClient(transport=httpx.MockTransport(record))
    settings = Settings()
    settings.actions.alive_for = alive_for
    return RasaClient(settings=settings, http=http), seen


def test_turns_arriving_together_share_one_probe() -> None:
    async def slow_ok(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(200, json={"status": "ok"})

    rasa, seen = client(slow_ok)

    async def burst() -> list[bool]:
        return await asyncio.gather(*(rasa.actions_alive() for _ in range(50)))

    assert asyncio.run(burst()) == [True] * 50
    assert len(seen) == 1 and seen[0].url.path == "/health"


def test_a_later_turn_probes_again_and_sees_the_server_gone() -> None:
    answers = iter([httpx.Response(200), None])

    async def then_refused(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if answer is None:
            raise httpx.ConnectError("refused", request=request)
        return answer

    rasa, seen = client(then_refused)

    async def two_turns() -> tuple[bool, bool]:
        return await rasa.actions_alive(), await rasa.actions_alive()

    assert asyncio.run(two_turns()) == (True, False)
    assert len(seen) == 2


def test_a_probe_that_times_out_means_busy_not_down() -> None:
    async def too_slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("busy", request=request)

    rasa, _ = client(too_slow)
    assert asyncio.run(rasa.actions_alive()) is True
    assert asyncio.run(rasa.rasa_alive()) is True  # the same rule for Rasa (the health endpoint)


def test_an_error_status_means_down() -> None:
    async def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    rasa, _ = client(failing)
    assert asyncio.run(rasa.actions_alive()) is False


def test_a_server_found_up_is_not_probed_again_for_a_while_unless_asked() -> None:
    answers = iter([httpx.Response(200), None, None])

    async def then_refused(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if answer is None:
            raise httpx.ConnectError("refused", request=request)
        return answer

    rasa, seen = client(then_refused, alive_for=60.0)

    async def turns() -> list[bool]:
        # Up; the next turns within the minute take that answer; a turn that needs to be sure
        # (its reply came back empty) probes, finds the server gone, and so does the next turn.
        return [
            await rasa.actions_alive(),
            await rasa.actions_alive(),
            await rasa.actions_alive(fresh=True),
            await rasa.actions_alive(),
        ]

    assert asyncio.run(turns()) == [True, True, False, False]
    assert len(seen) == 3
