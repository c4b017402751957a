"""An intake that fails at the last step leaves nothing the resident said in any log (issue #20,
item 8): the gateway's, the action server's and Rasa's, as `shuoshi run` writes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.e2e.stack import Stack, eventually, texts

pytestmark = pytest.mark.e2e

DESCRIPTION = "隔壁养鸡场的味道熏得老人整夜咳嗽"
OTHER_PARTY = "隔壁养鸡场的老板"
PHONE = "13987654321"


def log_text(stack: Stack) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in logs(stack))


def logs(stack: Stack) -> list[Path]:
    return sorted((stack.settings.var_dir / "log").glob("*.log"))


def test_a_failed_intake_logs_the_failure_but_nothing_the_resident_said(stack: Stack) -> None:
    sender = "logs-intake-1"
    reply = stack.chat(sender, text="我要登记纠纷")
    reply = stack.press(sender, reply, "1 同意")
    reply = stack.press(sender, reply, "1 邻里纠纷")
    reply = stack.chat(sender, text="孔店")
    reply = stack.press(sender, stack.chat(sender, text="毛营村"), "1 毛郢村")
    assert "发生了什么" in texts(reply)
    reply = stack.chat(sender, text=DESCRIPTION)
    reply = stack.chat(sender, text=OTHER_PARTY)
    reply = stack.chat(sender, text="晚上十点以后停止施工")
    reply = stack.chat(sender, text=PHONE)
    reply = stack.chat(sender, text="1")
    assert "请核对" in texts(reply)
    before = log_text(stack)

    with _store_broken(stack):
        failed = stack.press(sender, reply, "1 确认提交")

    assert "DT-" not in texts(failed)  # no case number: it really failed
    everything = eventually(
        lambda: log_text(stack),
        until=lambda text: (
            "action_submit" in text[len(before) :] or "OperationalError" in text[len(before) :]
        ),
    )
    written = everything[len(before) :]
    assert "action_submit" in written or "OperationalError" in written  # the failure is in the logs
    for said in (DESCRIPTION, OTHER_PARTY, PHONE, PHONE[3:]):
        assert said not in everything, f"{said!r} is in a log"


class _store_broken:
    """The case store refuses to register a case (its table renamed away), as a broken one would."""

    def __init__(self, stack: Stack) -> None:
        path = make_url(stack.settings.database_url).database
        assert path is not None
        self._path = path

    def _rename(self, old: str, new: str) -> None:
        with sqlite3.connect(self._path) as connection:
            connection.execute(f"ALTER TABLE {old} RENAME TO {new}")

    def __enter__(self) -> None:
        self._rename("cases", "cases_away")

    def __exit__(self, *exc: object) -> None:
        self._rename("cases_away", "cases")
