"""Imports every model module, so that `Base.metadata` holds the whole case store.

Above every layer (it names every domain's tables): the tests, the erasure test's table list and
`bot.db.migrate.revision` take the metadata from here.
"""

from __future__ import annotations

import bot.cases.models
import bot.channels.telegram.models
import bot.channels.wechat.models
import bot.followups.models
import bot.limits.models
import bot.outbox.models
import bot.residents.models
import bot.scams.models
import bot.staff.models
import bot.transcript.models
from bot.db.base import Base

MODEL_MODULES = (
    bot.residents.models,
    bot.cases.models,
    bot.transcript.models,
    bot.outbox.models,
    bot.followups.models,
    bot.channels.telegram.models,
    bot.channels.wechat.models,
    bot.staff.models,
    bot.scams.models,
    bot.limits.models,
)

metadata = Base.metadata
