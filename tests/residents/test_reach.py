"""How the assistant reaches a resident on its own: one rule for notices, replies and warnings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.residents.enums import Channel
from bot.residents.models import ChannelIdentity, Resident
from bot.residents.reach import reachable_identity


def _with(session: Session, *identities: tuple[Channel, str]) -> Resident:
    resident = Resident(identities=[ChannelIdentity(channel=c, external_id=i) for c, i in identities])
    session.add(resident)
    session.flush()
    return resident


def test_telegram_comes_before_web_chat(session: Session) -> None:
    resident = _with(session, (Channel.WEB, "w-1"), (Channel.TELEGRAM, "42"))

    assert reachable_identity(resident) == (Channel.TELEGRAM, "42")


def test_the_cases_own_channel_comes_first(session: Session) -> None:
    resident = _with(session, (Channel.TELEGRAM, "42"), (Channel.WEB, "w-1"))

    assert reachable_identity(resident, prefer=Channel.WEB) == (Channel.WEB, "w-1")


def test_a_terminal_session_cannot_be_reached(session: Session) -> None:
    resident = _with(session, (Channel.TERMINAL, "t-1"))

    assert reachable_identity(resident, prefer=Channel.TERMINAL) is None


def test_an_erased_resident_cannot_be_reached(session: Session) -> None:
    resident = _with(session, (Channel.TELEGRAM, "42"))
    resident.erased_at = db_now(session=session)

    assert reachable_identity(resident) is None
