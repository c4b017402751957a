"""The health of the parts the gateway needs: Rasa, the action server and the case store.

Three questions, three endpoints:
- `/livez`: does this process answer? Nothing else is asked (a liveness probe restarts the
  gateway when it fails, and restarting it cures nothing that is wrong elsewhere).
- `/readyz`: can it serve residents? The case store and at least one Rasa instance answer. An
  action server restarting does not take every gateway out of rotation (the relay tells
  residents the service is busy meanwhile).
- `/healthz`: every part, for people.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.config import Settings
from bot.conversation.rasa_client import RasaClient
from bot.db.session import get_engine


def _database_ok(settings: Settings) -> bool:
    try:
        with get_engine(settings).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure means "not ok"; the reason goes to the log, not the resident
        return False
    return True


async def check(*, settings: Settings, rasa: RasaClient) -> dict[str, str]:
    """Each part's state ("ok" or what is wrong) and an overall status."""
    rasa_up, actions_up, db_up = await asyncio.gather(
        rasa.rasa_alive(), rasa.actions_alive(), asyncio.to_thread(_database_ok, settings)
    )
    parts = {
        "rasa": "ok" if rasa_up else "unreachable",
        "actions": "ok" if actions_up else "unreachable",
        "db": "ok" if db_up else "unreachable",
    }
    failing = [name for name, state in parts.items() if state != "ok"]
    return {"status": "ok" if not failing else "fail", **parts}


async def readiness(*, settings: Settings, rasa: RasaClient) -> dict[str, str]:
    """Whether the gateway can serve residents: the case store and at least one Rasa instance."""
    rasa_up, db_up = await asyncio.gather(rasa.any_rasa_alive(), asyncio.to_thread(_database_ok, settings))
    parts = {"rasa": "ok" if rasa_up else "unreachable", "db": "ok" if db_up else "unreachable"}
    failing = [name for name, state in parts.items() if state != "ok"]
    return {"status": "ok" if not failing else "fail", **parts}
