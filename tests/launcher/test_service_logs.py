"""A service's output goes to var/log/<name>.log through the launcher: rotated, personal data masked."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from bot.launcher import processes
from bot.launcher.processes import Service


def test_a_chatty_service_log_is_rotated_and_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "LOG_MAX_BYTES", 4096)
    monkeypatch.setattr(processes, "LOG_BACKUPS", 2)
    log = tmp_path / "log" / "chatty.log"
    service = Service(
        name="chatty",
        command=[sys.executable, "-c", "for i in range(2000): print('caller', i, 'phone 13812345678')"],
        env={},
        ready_url="http://127.0.0.1:9/",
        log_path=log,
    )
    service.start(tmp_path)
    service.wait_stopped(time.monotonic() + 30)

    files = sorted(log.parent.iterdir())
    assert [f.name for f in files] == ["chatty.log", "chatty.log.1", "chatty.log.2"]
    assert all(f.stat().st_size <= 4096 + 100 for f in files)
    text = "".join(f.read_text() for f in files)
    assert "13812345678" not in text and "phone *******5678" in text
    assert service.log_tail(1) == "caller 1999 phone *******5678"
