"""A tiny run of the load bench (bench/load) against the test installation, so it cannot rot:
one resident asks questions, one runs the whole dispute intake, which must leave exactly one case.
The real runs are by hand: `.venv/bin/python -m bench.load` (docs/load.md)."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from bench.load.run import Gateway, TelegramResidents, cases_filed, markdown, measure, telegram_markdown
from bench.load.scripts import MIX
from bot.config import TelegramSettings
from tests.e2e.stack import Stack
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e


def test_two_residents_run_their_scripts_and_the_intake_files_one_case(stack: Stack) -> None:
    intake = next(script for script in MIX if script.files_a_case)
    mix = (intake, MIX[0])
    services = list(stack.services.values())
    level, intakes = measure(
        services, Gateway(stack.base_url, api_key=stack.api_key), residents=2, mix=mix, run_id="smoke"
    )
    assert level.errors == 0, level.error_samples
    assert level.turns == sum(len(script.turns) for script in mix)
    assert len(intakes) == 1
    assert cases_filed(stack.settings, intakes) == [1]
    # Every process worked on the turns: Rasa understood them, the gateway passed them on, the
    # action server filed the case.
    assert set(level.cpu_ms_per_turn) == {service.name for service in services}
    assert all(ms > 0 for ms in level.cpu_ms_per_turn.values()), level.cpu_ms_per_turn
    table = markdown([(level, None)], {"gateway": (50.0, 60.0)})
    assert "| 2 | gateway |" in table and "| gateway | 50 | 60 |" in table
    assert "rasa CPU ms/turn" in table


def test_two_residents_on_telegram_get_their_replies_in_order_and_the_intake_files_one_case(
    stack: Stack,
) -> None:
    """The Telegram scenario: the same scripts as updates on the fake Bot API server."""
    intake = next(script for script in MIX if script.files_a_case)
    mix = (intake, MIX[0])
    fake = FakeTelegram().start()
    gateway = stack.extra_gateway(
        telegram=TelegramSettings(
            token=SecretStr("123456:LOAD-SMOKE"), base_url=f"http://127.0.0.1:{fake.port}"
        )
    )
    try:
        on_telegram = TelegramResidents(fake)
        level, intakes = measure([gateway], on_telegram, residents=2, mix=mix, run_id="tg-smoke")
        time.sleep(on_telegram.QUIET * 2)
        assert level.errors == 0, level.error_samples
        assert on_telegram.late_messages() == []
        assert level.turns == sum(len(script.turns) for script in mix)
        assert cases_filed(stack.settings, intakes, channel="telegram") == [1]
        table = telegram_markdown([(level, level)])
        assert "| 2 | Telegram |" in table and "1.00×" in table
    finally:
        gateway.stop()
        fake.stop()
