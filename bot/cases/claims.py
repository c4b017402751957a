"""Claim codes: how a resident whose case staff registered (a walk-in, a call, a patrol, a letter)
takes it over in a chat.

The receipt carries the case number and a short one-time code; the store keeps only the code's
argon2 hash. A resident who types both in any channel becomes the case's resident: its notices
and its survey reach them from then on. A wrong code is refused with the same answer whether or
not the number exists, and failures are limited per resident and overall, so that a 6-digit code
cannot be found by trying.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actors import Actor
from bot.cases import events
from bot.cases.enums import EventAction
from bot.cases.models import Case, ClaimAttempt
from bot.db.clock import db_now
from bot.residents.enums import Channel
from bot.residents.models import Resident

CODE_LENGTH = 6
# Failed tries that stop one resident (chat identity) for the window, and everyone for it.
MAX_FAILURES_PER_RESIDENT = 5
MAX_FAILURES_OVERALL = 50
WINDOW = timedelta(hours=1)

# Cheaper than a password's (a code is one-time and tries are limited) but slow enough that a copy
# of the database does not give the open codes away in a second.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the number is unknown or has no open code, so every refusal costs the same.
_DUMMY_HASH = _hasher.hash("0" * CODE_LENGTH)


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    # The number and code do not match an open claim (never says which part was wrong).
    REFUSED = "refused"
    # Too many failed tries lately: from this resident, or from everyone.
    LIMITED = "limited"
    # The resident had already claimed it (typed the receipt a second time).
    ALREADY_YOURS = "already_yours"


@dataclass(frozen=True)
class Claim:
    result: ClaimResult
    case: Case | None = None


def new_code() -> str:
    """A random 6-digit code (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def issue(*, session: Session, case: Case) -> str:
    """Gives the case a new claim code and returns it (shown once, on the receipt); an earlier
    code stops working."""
    code = new_code()
    case.claim_code_hash = _hasher.hash(code)
    session.flush()
    return code


def _code_matches(stored_hash: str | None, code: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, code) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _failures(session: Session, since: object, resident: Resident | None = None) -> int:
    statement = select(func.count(ClaimAttempt.id)).where(
        ClaimAttempt.succeeded.is_(False), ClaimAttempt.created_at >= since
    )
    if resident is not None:
        statement = statement.where(ClaimAttempt.resident_id == resident.id)
    return int(session.scalar(statement) or 0)


def claim(*, session: Session, resident: Resident, number: str, code: str, channel: Channel | None) -> Claim:
    """Links the case `number` to `resident` if `code` is its open claim code.

    The caller commits the attempt whatever the result (a refused try must count)."""
    now = db_now(session=session)
    since = now - WINDOW
    if (
        _failures(session, since, resident) >= MAX_FAILURES_PER_RESIDENT
        or _failures(session, since) >= MAX_FAILURES_OVERALL
    ):
        return Claim(ClaimResult.LIMITED)
    case = session.scalar(select(Case).where(Case.number == number.strip().upper()))
    code = code.strip()
    if case is not None and case.claim_code_hash is None and case.resident_id == resident.id:
        return Claim(ClaimResult.ALREADY_YOURS, case)
    matches = (
        len(code) == CODE_LENGTH
        and code.isdigit()
        and _code_matches(case.claim_code_hash if case is not None else None, code)
    )
    session.add(ClaimAttempt(resident_id=resident.id, succeeded=matches))
    if not matches or case is None:
        session.flush()
        return Claim(ClaimResult.REFUSED)
    _take_over(session=session, case=case, resident=resident, channel=channel)
    case.claim_code_hash = None
    case.claimed_at = now
    events.record(
        session=session,
        case=case,
        action=EventAction.CLAIMED,
        actor=Actor.of_resident(resident),
        note=channel,
    )
    session.flush()
    return Claim(ClaimResult.CLAIMED, case)


def _take_over(*, session: Session, case: Case, resident: Resident, channel: Channel | None) -> None:
    """The chat resident becomes the case's resident. The one staff recorded (no chat identity,
    made for this case) hands over the name and phone the chat resident has not given yet, and
    keeps no personal data of its own once it has no case left."""
    recorded = case.resident
    if recorded.id != resident.id:
        resident.name = resident.name or recorded.name
        resident.phone = resident.phone or recorded.phone
        case.resident = resident
        session.flush()
        if not recorded.identities and not session.scalar(
            select(func.count(Case.id)).where(Case.resident_id == recorded.id)
        ):
            recorded.name = None
            recorded.phone = None
    if case.channel is None:
        case.channel = channel
