"""Staff accounts: adding them, and checking a password (argon2id)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.errors import DomainError, NotFound, NotPermitted
from bot.district import profile_of
from bot.staff.enums import StaffRole
from bot.staff.models import StaffUser, StaffVillage

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both answers take as long.
_DUMMY_HASH = _hasher.hash("no such staff member")


class InvalidStaff(DomainError):
    code = "invalid_staff"


def create(
    *,
    session: Session,
    username: str,
    password: str,
    role: StaffRole | str,
    township: str | None = None,
    display_name: str | None = None,
    villages: Sequence[str] = (),
) -> StaffUser:
    """Adds a staff member; a township limits them to that township's cases. A grid worker names
    their villages (their township follows from them)."""
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise InvalidStaff(
            "username: 2-64 characters, lower-case letters, digits, . _ -, starting with a letter"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidStaff(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise InvalidStaff(f"role: one of {', '.join(item.value for item in StaffRole)}") from None
    if township is not None and profile_of(session).township(township) is None:
        raise InvalidStaff(f"township: {township!r} is not in the district profile")
    places = village_places(session=session, villages=villages, township=township)
    if staff_role is StaffRole.GRID_WORKER:
        if not places:
            raise InvalidStaff("village: a grid worker works in one or more villages; name them")
        township = places[0][0]
    elif places:
        raise InvalidStaff("village: only a grid worker has villages")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise InvalidStaff(f"username: {username} is taken")
    staff = StaffUser(
        username=username,
        password_hash=_hasher.hash(password),
        role=staff_role,
        township=township,
        display_name=display_name,
        villages=[StaffVillage(township=town, village=village) for town, village in places],
    )
    session.add(staff)
    session.flush()
    return staff


def village_places(
    *, session: Session, villages: Sequence[str], township: str | None = None
) -> list[tuple[str, str]]:
    """(township, village) for each name ("毛郢村", or "孔店乡/毛郢村" where a name is in two
    townships), all in one township: a grid worker works within one."""
    profile = profile_of(session)
    places: list[tuple[str, str]] = []
    for name in villages:
        name = name.strip()
        town_name, _, village = name.rpartition("/")
        found = [
            (item.name, village)
            for item in profile.townships
            if village in item.villages and town_name in ("", item.name) and township in (None, item.name)
        ]
        if len(found) != 1:
            raise InvalidStaff(
                f"village: {name!r} is not a village of {township or profile.name}"
                if not found
                else f"village: {name!r} is in several townships; write it as TOWNSHIP/VILLAGE"
            )
        if found[0] not in places:
            places.append(found[0])
    if len({town for town, _ in places}) > 1:
        raise InvalidStaff("village: a grid worker's villages lie in one township")
    return places


def set_villages(*, session: Session, staff: StaffUser, villages: Sequence[str]) -> None:
    """Replaces a grid worker's villages (an admin's change)."""
    if staff.role is not StaffRole.GRID_WORKER:
        raise InvalidStaff("village: only a grid worker has villages")
    places = village_places(session=session, villages=villages)
    if not places:
        raise InvalidStaff("village: a grid worker works in one or more villages; name them")
    staff.villages = [StaffVillage(township=town, village=village) for town, village in places]
    staff.township = places[0][0]
    session.flush()


def get(*, session: Session, username: str) -> StaffUser:
    staff = session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if staff is None:
        raise NotFound(f"no staff member {username}")
    return staff


def authenticate(*, session: Session, username: str, password: str) -> StaffUser | None:
    """The active staff member with this username and password, or None."""
    staff = session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    try:
        _hasher.verify(staff.password_hash if staff is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if staff is None or not staff.active:
        return None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return staff


def set_password(*, session: Session, staff: StaffUser, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidStaff(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    staff.password_hash = _hasher.hash(password)
    session.flush()


def active_for_township(*, session: Session, township: str) -> Sequence[StaffUser]:
    """Active staff who may work a case in `township` (theirs, or the whole district), by username."""
    return session.scalars(
        select(StaffUser)
        .where(StaffUser.active.is_(True), or_(StaffUser.township.is_(None), StaffUser.township == township))
        .order_by(StaffUser.username)
    ).all()


def display_names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Staff ids → the name to show (the display name, else the username)."""
    wanted = [i for i in ids if i]
    return {
        row.id: row.display_name or row.username
        for row in session.scalars(select(StaffUser).where(StaffUser.id.in_(wanted)))
    }


def usernames(*, session: Session) -> dict[int, str]:
    """Every staff id → username (for exports)."""
    return {row.id: row.username for row in session.scalars(select(StaffUser))}


def township_scope(*, staff: StaffUser, township: str | None) -> str | None:
    """The township whose figures this staff member may see when asking for `township` (None:
    the whole district). A township-scoped account sees its own township only."""
    if staff.township is None:
        return township or None
    if township and township != staff.township:
        raise NotPermitted(f"{staff.username} sees the figures of {staff.township} only")
    return staff.township
