"""Staff accounts: argon2 hashes, passwords checked, roles and township scope."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from bot.staff import service as staff
from bot.staff.enums import StaffRole


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _add(session: Session, **changes: object) -> staff.StaffUser:
    fields: dict[str, object] = {
        "username": "Li.Ming",
        "password": "correct horse battery",
        "role": "caseworker",
    }
    fields.update(changes)
    return staff.create(session=session, **fields)  # type: ignore[arg-type]


def test_a_staff_member_is_stored_with_an_argon2id_hash_not_the_password(session: Session) -> None:
    member = _add(session, township="洛河镇")

    assert (member.username, member.role, member.township) == ("li.ming", StaffRole.CASEWORKER, "洛河镇")
    assert member.password_hash.startswith("$argon2id$")
    assert "correct horse battery" not in member.password_hash


def test_the_right_password_authenticates(session: Session) -> None:
    member = _add(session)

    assert staff.authenticate(session=session, username="LI.MING", password="correct horse battery") is member


def test_a_wrong_password_or_unknown_user_does_not(session: Session) -> None:
    _add(session)

    assert staff.authenticate(session=session, username="li.ming", password="wrong horse battery") is None
    assert staff.authenticate(session=session, username="nobody", password="correct horse battery") is None


def test_an_inactive_staff_member_cannot_sign_in(session: Session) -> None:
    member = _add(session)
    member.active = False

    assert staff.authenticate(session=session, username="li.ming", password="correct horse battery") is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short"}, "password: at least 10 characters"),
        ({"role": "mayor"}, "role: one of admin, supervisor, caseworker"),
        ({"township": "田家庵区"}, "township: '田家庵区' is not in the district profile"),
        ({"username": "李明"}, "username: 2-64 characters"),
    ],
)
def test_invalid_staff_are_refused_with_the_field(session: Session, changes: dict, message: str) -> None:
    with pytest.raises(staff.InvalidStaff, match=message):
        _add(session, **changes)


def test_a_username_is_taken_once(session: Session) -> None:
    _add(session)

    with pytest.raises(staff.InvalidStaff, match=r"li\.ming is taken"):
        _add(session, username="li.ming")
