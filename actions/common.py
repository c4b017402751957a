"""What every action needs: settings, the store, and who the conversation belongs to."""

from __future__ import annotations

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from bot.config import Settings, load_settings
from bot.residents import service as residents
from bot.residents.models import Resident


def settings() -> Settings:
    return load_settings()


def resident_of(tracker: Tracker, *, session: Session) -> Resident:
    """The resident of this conversation: the gateway names conversations `<channel>:<id>`."""
    channel, _, external_id = tracker.sender_id.partition(":")
    return residents.for_channel(session=session, channel=channel, external_id=external_id)
