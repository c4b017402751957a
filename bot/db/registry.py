"""Imports every model module, so that `Base.metadata` holds the whole case store."""

from __future__ import annotations

import bot.cases.models
import bot.channels.telegram.models
import bot.console.models
import bot.conversation.models
import bot.followups.models
import bot.outbox.models
import bot.residents.models
import bot.scams.models
from bot.db.base import Base

MODEL_MODULES = (
    bot.residents.models,
    bot.cases.models,
    bot.conversation.models,
    bot.outbox.models,
    bot.followups.models,
    bot.channels.telegram.models,
    bot.console.models,
    bot.scams.models,
)

metadata = Base.metadata
