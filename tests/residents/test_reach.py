"""How the assistant reaches a resident on its own: one rule for notices, replies and warnings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.clock import db_now
from bot.residents.enums import Channel, UnreachableReason
from bot.residents.models import ChannelIdentity, Resident
from bot.residents.reach import (
    is_unreachable,
    mark_reachable,
    mark_unreachable,
    reachable_identity,
    unreachable_identities,
)


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


def _block(session: Session, telegram_id: str) -> None:
    mark_unreachable(
        session=session, channel=Channel.TELEGRAM, external_id=telegram_id, reason=UnreachableReason.BLOCKED
    )


def test_a_blocked_telegram_identity_is_skipped_for_web_chat(session: Session) -> None:
    resident = _with(session, (Channel.TELEGRAM, "42"), (Channel.WEB, "w-1"))

    _block(session, "42")

    assert reachable_identity(resident, prefer=Channel.TELEGRAM) == (Channel.WEB, "w-1")
    assert [(i.external_id, i.unreachable_reason) for i in unreachable_identities(resident)] == [
        ("42", UnreachableReason.BLOCKED)
    ]


def test_a_resident_who_blocked_the_bot_cannot_be_reached(session: Session) -> None:
    resident = _with(session, (Channel.TELEGRAM, "42"))

    _block(session, "42")

    assert reachable_identity(resident) is None
    assert is_unreachable(session=session, channel=Channel.TELEGRAM, external_id="42")


def test_writing_again_makes_the_identity_reachable_again(session: Session) -> None:
    resident = _with(session, (Channel.TELEGRAM, "42"))
    _block(session, "42")

    assert mark_reachable(session=session, channel=Channel.TELEGRAM, external_id="42") is True

    assert reachable_identity(resident) == (Channel.TELEGRAM, "42")
    assert unreachable_identities(resident) == []
    assert mark_reachable(session=session, channel=Channel.TELEGRAM, external_id="42") is False


def test_the_first_refusal_time_is_kept(session: Session) -> None:
    _with(session, (Channel.TELEGRAM, "42"))
    first = mark_unreachable(
        session=session, channel=Channel.TELEGRAM, external_id="42", reason=UnreachableReason.BLOCKED
    )
    assert first is not None
    when = first.unreachable_at

    again = mark_unreachable(
        session=session, channel=Channel.TELEGRAM, external_id="42", reason=UnreachableReason.BLOCKED
    )

    assert again is first and again.unreachable_at == when


def test_an_unknown_identity_is_not_marked(session: Session) -> None:
    assert (
        mark_unreachable(
            session=session, channel=Channel.TELEGRAM, external_id="404", reason=UnreachableReason.BLOCKED
        )
        is None
    )
