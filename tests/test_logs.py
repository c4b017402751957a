"""One logging configuration: JSON lines or readable lines, personal data masked on every
handler, the turn's request id on every line, access lines without ids."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import logs

PROJECT = Path(__file__).resolve().parents[1]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    test_logger = logging.getLogger("bot.test_logs")
    test_logger.setLevel(logging.INFO)
    test_logger.propagate = False
    yield test_logger
    test_logger.handlers.clear()


def test_lines_are_json_when_the_output_is_not_a_terminal(logger: logging.Logger) -> None:
    out = io.StringIO()
    logger.addHandler(logs.handler_for(out, process="gateway"))
    token = logs.REQUEST_ID.set("turn-1")
    try:
        logger.warning("outbox: %d items failed", 3)
    finally:
        logs.REQUEST_ID.reset(token)

    line = json.loads(out.getvalue())
    assert line["msg"] == "outbox: 3 items failed"
    assert (line["level"], line["process"], line["request_id"]) == ("WARNING", "gateway", "turn-1")


def test_lines_are_readable_in_a_terminal(logger: logging.Logger) -> None:
    out = Terminal()
    logger.addHandler(logs.handler_for(out, process="actions"))
    logger.info("hello")

    assert out.getvalue().rstrip().endswith("INFO    actions bot.test_logs [-] hello")


def test_phone_and_id_numbers_are_masked_in_messages_and_tracebacks(logger: logging.Logger) -> None:
    out = io.StringIO()
    logger.addHandler(logs.handler_for(out, process="gateway"))
    try:
        raise ValueError("bad id 11010519491231002X")
    except ValueError:
        logger.exception("resident 13812345678 said %s", "0554-6661234")

    text = out.getvalue()
    assert "13812345678" not in text and "6661234" not in text and "11010519491231002X" not in text
    line = json.loads(text)
    assert "*******5678" in line["msg"] and "110***********002X" in line["error"]


def test_access_lines_carry_no_address_query_or_ids(logger: logging.Logger) -> None:
    out = io.StringIO()
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.setLevel(logging.INFO)  # as uvicorn sets it
    access.addHandler(logs.handler_for(out, process="gateway"))
    try:
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "203.0.113.7:5123",
            "GET",
            "/api/chat/pending?sender=resident-13812345678",
            "1.1",
            200,
        )
        case_page = "/api/staff/cases/DT-2026-000123"
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.7:5123", "GET", case_page, "1.1", 200)
    finally:
        access.handlers.clear()
        access.propagate = True
        access.setLevel(logging.NOTSET)

    first, second = (json.loads(line)["msg"] for line in out.getvalue().splitlines())
    assert first == '- - "GET /api/chat/pending HTTP/1.1" 200'
    assert second == '- - "GET /api/staff/cases/:id HTTP/1.1" 200'


def test_the_gateway_under_uvicorn_logs_its_own_lines(tmp_path: Path) -> None:
    """Under uvicorn nothing configured logging before: create_app does, so bot.* lines appear."""
    script = (
        "import logging\n"
        "from bot.app import create_app\n"
        "from bot.config import Settings\n"
        f"create_app(Settings(var_dir={str(tmp_path)!r}).with_secrets())\n"
        "logging.getLogger('bot.delivery.dispatcher').warning('could not reach 13812345678')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert line["logger"] == "bot.delivery.dispatcher"
    assert line["msg"] == "could not reach *******5678"
