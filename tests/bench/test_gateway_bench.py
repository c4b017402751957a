"""bench/gateway runs end to end: a real gateway process against the stub Rasa, CPU per turn read
from /proc and printed."""

from __future__ import annotations

import re

import pytest

from bench.gateway.__main__ import main


def test_the_gateway_bench_measures_cpu_per_turn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--turns", "30", "--at-once", "5"]) == 0
    printed = capsys.readouterr().out
    found = re.search(r"gateway alone: ([\d.]+) ms of CPU a turn, ([\d.]+) turns/s \(30 turns", printed)
    assert found is not None, printed
    assert float(found.group(1)) > 0 and float(found.group(2)) > 0
