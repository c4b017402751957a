"""Which staff are senior (district-wide work, reopening, reassigning, the figures): said once."""

from __future__ import annotations

from bot.actors import SENIOR_ROLES, Actor, ActorRole
from bot.staff.enums import StaffRole


def test_supervisors_and_admins_are_senior_caseworkers_are_not() -> None:
    assert {role for role in StaffRole if role.is_senior} == {StaffRole.SUPERVISOR, StaffRole.ADMIN}
    assert {ActorRole.SUPERVISOR, ActorRole.ADMIN} == SENIOR_ROLES


def test_an_actor_is_senior_as_its_staff_role_is() -> None:
    for role in StaffRole:
        assert Actor(role=role.actor_role, staff_id=1).is_senior is role.is_senior
    assert not Actor.system("follow-up survey").is_senior
