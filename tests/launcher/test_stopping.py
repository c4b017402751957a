"""`shuoshi run` stopped as systemd, docker or a closing terminal stop it: SIGTERM to its whole
process group, twice. Real processes: Rasa, the action server and the gateway."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.launcher.training import is_current
from tests.e2e.stack import free_port

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (the services start sessions of their own, so this walks
    parent links rather than the process group)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's PID 1 may never reap what it inherits)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"{marker!r} never printed; output so far:\n{seen}")
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if ready:
            seen += os.read(process.stdout.fileno(), 65536).decode(errors="replace")
    return seen


def test_sigterm_twice_to_the_group_stops_everything_and_frees_the_ports(tmp_path: Path) -> None:
    from bot.config import Settings

    if not is_current(Settings()):
        pytest.skip("needs the trained model (`shuoshi train`)")
    ports = {"RASA__PORT": free_port(), "ACTIONS__PORT": free_port(), "GATEWAY__PORT": free_port()}
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        **{name: str(port) for name, port in ports.items()},
        "PYTHONUNBUFFERED": "1",
    }
    shuoshi = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal or systemd gives it
    )
    try:
        output = read_until(shuoshi, "Shuoshi is running", timeout=240)
        started = descendants(shuoshi.pid)
        assert len(started) >= 3, started  # Rasa, the action server, the gateway (and their workers)
        assert all(accepts(port) for port in ports.values())

        os.killpg(shuoshi.pid, signal.SIGTERM)
        time.sleep(0.3)  # the second one arrives while the first stop is under way
        os.killpg(shuoshi.pid, signal.SIGTERM)
        rest, _ = shuoshi.communicate(timeout=60)
        output += rest
    finally:
        if shuoshi.poll() is None:
            os.killpg(shuoshi.pid, signal.SIGKILL)
            shuoshi.wait()

    assert shuoshi.returncode == 0, output
    assert "Traceback" not in output, output
    assert "Stopped." in output
    left = {pid for pid in started if running(pid)}
    assert not left, f"still running: {left}"
    assert not [port for port in ports.values() if accepts(port)]
