"""Every log handler of the three processes (the launcher `shuoshi`, the gateway under uvicorn,
the action server under rasa-sdk) carries the personal-data filter, whoever added the handler.

Each process is started as far as its server's own logging setup, in a subprocess (a test
runner's logging would otherwise be there first), and then every logger's handlers are read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]

REPORT = """
import json, logging
from bot.logs import RedactingFilter
loggers = [logging.getLogger()] + [
    l for l in logging.Logger.manager.loggerDict.values() if isinstance(l, logging.Logger)
]
handlers = {id(h): (l.name, h) for l in loggers for h in l.handlers}
print(json.dumps({
    "handlers": len(handlers),
    "unfiltered": sorted(
        f"{name}: {type(h).__name__}" for name, h in handlers.values()
        if not isinstance(h, logging.NullHandler)  # writes nothing
        and not any(isinstance(f, RedactingFilter) for f in h.filters)
    ),
}))
"""

STARTS = {
    # `shuoshi …`: main() configures logging before running the command.
    "launcher": "import argparse\nfrom bot import cli\n"
    "command = argparse.ArgumentParser()\ncommand.set_defaults(handler=lambda args: 0)\n"
    "cli.parser = lambda: command\ncli.main([])\n",
    # uvicorn configures its own loggers, then calls the factory.
    "gateway": "import uvicorn\n"
    "config = uvicorn.Config('bot.app:create_app', factory=True, port=0, log_level='info')\n"
    "config.load()\n",
    # rasa-sdk's server as bot.launcher.action_server builds it.
    "actions": "from bot import logs\nfrom bot.launcher.action_server import TurnExecutor\n"
    "from rasa_sdk.endpoint import create_app\n"
    "logs.configure(process='actions')\n"
    "executor = TurnExecutor()\nexecutor.register_package('actions')\ncreate_app(executor)\n",
}


@pytest.mark.parametrize("process", sorted(STARTS))
def test_every_handler_of_the_process_masks_personal_data(process: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", STARTS[process] + REPORT],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT), "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )

    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["handlers"] >= 1
    assert report["unfiltered"] == []
