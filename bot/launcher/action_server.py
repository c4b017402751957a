"""The action server: rasa-sdk's endpoint with our logging and each turn's request id.

`python -m bot.launcher.action_server --port 5055` serves the actions in `actions/` as
`python -m rasa_sdk --actions actions` would, but logs through `bot.logs` (rasa-sdk would install
its own coloured handler) and puts the request id the gateway sent in the message metadata
(`tracker.latest_message.metadata.request_id`) on every log line of that action call.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from rasa_sdk.endpoint import run
from rasa_sdk.executor import ActionExecutor

from bot import logs
from bot.config import load_settings

REQUEST_ID_KEY = "request_id"
logger = logging.getLogger("bot.launcher.action_server")  # also when run as __main__


def request_id_of(action_call: dict[str, Any]) -> str:
    """The request id of the turn this action call belongs to (`-` for one without, e.g. a
    follow-up's trigger_intent)."""
    tracker = action_call.get("tracker") or {}
    metadata = (tracker.get("latest_message") or {}).get("metadata") or {}
    value = metadata.get(REQUEST_ID_KEY) if isinstance(metadata, dict) else None
    return str(value)[:64] if isinstance(value, str) and value else "-"


class TurnExecutor(ActionExecutor):
    """Runs each action call with its turn's request id in `bot.logs.REQUEST_ID`."""

    async def run(self, action_call: dict[str, Any]) -> Any:
        token = logs.REQUEST_ID.set(request_id_of(action_call))
        started = time.monotonic()
        try:
            return await super().run(action_call)
        finally:
            # One line per action call, like an access line: the action's name, never its data.
            logger.info("%s in %.3f s", action_call.get("next_action"), time.monotonic() - started)
            logs.REQUEST_ID.reset(token)


def main(argv: list[str] | None = None) -> None:
    arguments = argparse.ArgumentParser(description="Shuoshi's action server")
    arguments.add_argument("--port", type=int, default=5055)
    arguments.add_argument("--actions", default="actions")
    args = arguments.parse_args(argv)
    logs.configure(process="actions", level=load_settings().log_level)
    executor = TurnExecutor()
    executor.register_package(args.actions)
    run(executor, args.port)


if __name__ == "__main__":
    main()
