"""The case life cycle: who may move a case where, what each move needs, what it records."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from bot.actors import Actor, ActorRole
from bot.cases import service as cases
from bot.cases.enums import CaseStatus, EventAction, ResolutionOutcome
from bot.cases.errors import IllegalTransition, MissingReason, NotPermitted
from bot.cases.models import Case
from bot.cases.transitions import allowed_targets, transition
from bot.config import Settings
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.staff import service as staff
from bot.staff.models import StaffUser
from tests.conftest import build_case_input

DISPATCHER = Actor.system("follow-up dispatcher")


@pytest.fixture
def caseworker(make_staff: Callable[..., StaffUser]) -> StaffUser:
    return make_staff("caseworker")


@pytest.fixture
def supervisor(make_staff: Callable[..., StaffUser]) -> StaffUser:
    return make_staff("supervisor")


@pytest.fixture
def case(make_case: Callable[..., Case]) -> Case:
    return make_case("dispute")


def _move(session: Session, case: Case, actor: Actor, *statuses: str, **extra: object) -> None:
    for status in statuses:
        transition(session=session, case=case, to=status, actor=actor, **extra)  # type: ignore[arg-type]


def _resolved(session: Session, case: Case, caseworker: StaffUser) -> Case:
    _move(session, case, caseworker.actor, "accepted", "in_progress")
    transition(
        session=session,
        case=case,
        to="resolved",
        actor=caseworker.actor,
        resolution="双方达成调解协议：晚十点后停工。",
        outcome="agreement",
    )
    return case


def test_a_new_case_is_registered_with_a_created_event(case: Case) -> None:
    assert case.status is CaseStatus.REGISTERED
    assert [(event.action, event.new_status, event.actor_role) for event in case.events] == [
        (EventAction.CREATED, CaseStatus.REGISTERED, ActorRole.RESIDENT)
    ]


def test_staff_accept_a_case(session: Session, case: Case, caseworker: StaffUser) -> None:
    event = transition(session=session, case=case, to="accepted", actor=caseworker.actor)

    assert case.status is CaseStatus.ACCEPTED
    assert case.accepted_at is not None
    assert (event.old_status, event.new_status, event.actor_staff_id) == (
        CaseStatus.REGISTERED,
        CaseStatus.ACCEPTED,
        caseworker.id,
    )


def test_the_whole_life_of_a_dispute_is_recorded_event_by_event(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    _resolved(session, case, caseworker)
    transition(session=session, case=case, to="closed", actor=DISPATCHER)

    assert [(event.old_status, event.new_status) for event in case.events] == [
        (None, CaseStatus.REGISTERED),
        (CaseStatus.REGISTERED, CaseStatus.ACCEPTED),
        (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED),
        (CaseStatus.RESOLVED, CaseStatus.CLOSED),
    ]
    assert case.closed_at is not None


def test_resolving_stores_the_resolution_and_outcome(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    _resolved(session, case, caseworker)

    assert (case.resolution, case.outcome) == (
        "双方达成调解协议：晚十点后停工。",
        ResolutionOutcome.AGREEMENT,
    )
    assert case.resolved_at is not None


def test_an_illegal_transition_raises_a_clear_error_and_changes_nothing(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    with pytest.raises(IllegalTransition, match=f"case {case.number}: cannot go from registered to resolved"):
        transition(session=session, case=case, to="resolved", actor=caseworker.actor, resolution="x")

    assert case.status is CaseStatus.REGISTERED
    assert case.resolved_at is None
    assert len(case.events) == 1


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), "closed"),
        ((), "in_progress"),
        (("accepted",), "registered"),
        (("accepted", "in_progress"), "withdrawn"),
        (("rejected",), "accepted"),
    ],
)
def test_moves_outside_the_table_are_illegal(
    session: Session, case: Case, caseworker: StaffUser, path: tuple[str, ...], target: str
) -> None:
    _move(session, case, caseworker.actor, *path, note="不属于受理范围")

    with pytest.raises(IllegalTransition):
        transition(session=session, case=case, to=target, actor=caseworker.actor, note="x")


def test_an_unknown_status_is_illegal(session: Session, case: Case, caseworker: StaffUser) -> None:
    with pytest.raises(IllegalTransition, match="unknown case status 'done'"):
        transition(session=session, case=case, to="done", actor=caseworker.actor)


def test_rejecting_needs_a_reason(session: Session, case: Case, caseworker: StaffUser) -> None:
    with pytest.raises(MissingReason, match="needs a reason"):
        transition(session=session, case=case, to="rejected", actor=caseworker.actor, note="  ")

    assert case.status is CaseStatus.REGISTERED


def test_a_rejection_keeps_its_reason_in_the_event(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    transition(session=session, case=case, to="rejected", actor=caseworker.actor, note="已进入诉讼程序")

    assert case.events[-1].note == "已进入诉讼程序"
    assert case.closed_at is not None


def test_a_resident_cannot_accept_their_own_case(session: Session, case: Case, resident: Resident) -> None:
    with pytest.raises(
        NotPermitted, match="registered → accepted is for admin, caseworker, grid_worker, supervisor"
    ):
        transition(session=session, case=case, to="accepted", actor=resident.actor)


@pytest.mark.parametrize("path", [(), ("accepted",)])
def test_the_resident_withdraws_a_registered_or_accepted_case(
    session: Session, case: Case, caseworker: StaffUser, resident: Resident, path: tuple[str, ...]
) -> None:
    _move(session, case, caseworker.actor, *path)

    transition(session=session, case=case, to="withdrawn", actor=resident.actor, note="已和邻居谈妥")

    assert case.status is CaseStatus.WITHDRAWN
    assert case.events[-1].actor_resident_id == resident.id


def test_staff_cannot_withdraw_a_case_for_the_resident(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    with pytest.raises(NotPermitted):
        transition(session=session, case=case, to="withdrawn", actor=caseworker.actor)


def test_another_resident_cannot_withdraw_the_case(session: Session, case: Case) -> None:
    stranger = residents.for_channel(session=session, channel="web", external_id="stranger")

    with pytest.raises(NotPermitted, match="not the resident who registered it"):
        transition(session=session, case=case, to="withdrawn", actor=stranger.actor)


def test_a_caseworker_of_another_township_cannot_touch_the_case(
    session: Session, case: Case, make_staff: Callable[..., StaffUser]
) -> None:
    elsewhere = make_staff("caseworker", township="上窑镇")

    with pytest.raises(NotPermitted, match="works only on 上窑镇's cases"):
        transition(session=session, case=case, to="accepted", actor=elsewhere.actor)


def test_a_caseworker_of_the_cases_township_may_accept_it(
    session: Session, case: Case, make_staff: Callable[..., StaffUser]
) -> None:
    local = make_staff("caseworker", township="洛河镇")

    transition(session=session, case=case, to="accepted", actor=local.actor)

    assert case.status is CaseStatus.ACCEPTED


def test_resolving_needs_what_was_done(session: Session, case: Case, caseworker: StaffUser) -> None:
    _move(session, case, caseworker.actor, "accepted", "in_progress")

    with pytest.raises(MissingReason, match="resolving needs the resolution"):
        transition(session=session, case=case, to="resolved", actor=caseworker.actor, outcome="agreement")


def test_a_resolved_dispute_must_say_whether_the_parties_agreed(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    _move(session, case, caseworker.actor, "accepted", "in_progress")

    with pytest.raises(MissingReason, match="needs an outcome"):
        transition(session=session, case=case, to="resolved", actor=caseworker.actor, note="已调解")

    assert case.status is CaseStatus.IN_PROGRESS


def test_a_petition_is_resolved_with_its_note_as_resolution(
    session: Session, make_case: Callable[..., Case], caseworker: StaffUser
) -> None:
    case = make_case("petition")
    _move(session, case, caseworker.actor, "accepted", "in_progress")

    transition(session=session, case=case, to="resolved", actor=caseworker.actor, note="已书面答复")

    assert (case.resolution, case.outcome) == ("已书面答复", None)


def test_a_supervisor_reopens_a_resolved_case_with_a_reason(
    session: Session, case: Case, caseworker: StaffUser, supervisor: StaffUser
) -> None:
    _resolved(session, case, caseworker)

    transition(
        session=session, case=case, to="in_progress", actor=supervisor.actor, note="回访不满意，重新办理"
    )

    assert case.status is CaseStatus.IN_PROGRESS
    assert (case.resolved_at, case.outcome) == (None, None)
    assert case.events[-1].note == "回访不满意，重新办理"


def test_the_follow_up_dispatcher_may_reopen_a_case(
    session: Session, case: Case, caseworker: StaffUser
) -> None:
    _resolved(session, case, caseworker)

    transition(
        session=session,
        case=case,
        to="in_progress",
        actor=DISPATCHER,
        note="reopened: resident not satisfied",
    )

    assert case.events[-1].actor_label == "follow-up dispatcher"


def test_a_caseworker_cannot_reopen_a_case(session: Session, case: Case, caseworker: StaffUser) -> None:
    _resolved(session, case, caseworker)

    with pytest.raises(NotPermitted):
        transition(session=session, case=case, to="in_progress", actor=caseworker.actor, note="再办一次")


def test_reopening_needs_a_reason(
    session: Session, case: Case, caseworker: StaffUser, supervisor: StaffUser
) -> None:
    _resolved(session, case, caseworker)

    with pytest.raises(MissingReason):
        transition(session=session, case=case, to="in_progress", actor=supervisor.actor)


def test_allowed_targets_list_what_a_role_may_do_next() -> None:
    assert allowed_targets(CaseStatus.REGISTERED, ActorRole.CASEWORKER) == [
        CaseStatus.ACCEPTED,
        CaseStatus.REJECTED,
    ]
    assert allowed_targets(CaseStatus.ACCEPTED, ActorRole.RESIDENT) == [CaseStatus.WITHDRAWN]
    assert allowed_targets(CaseStatus.CLOSED, ActorRole.ADMIN) == []


def test_a_resident_may_withdraw_exactly_what_the_table_lets_them() -> None:
    from bot.cases.transitions import ALLOWED, WITHDRAWABLE

    assert {CaseStatus.REGISTERED, CaseStatus.ACCEPTED} == WITHDRAWABLE
    assert all((status, CaseStatus.WITHDRAWN) in ALLOWED for status in WITHDRAWABLE)


def test_an_accept_and_a_reject_at_once_cannot_both_succeed(committed: Settings, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite lets one writer at a time anyway; the row lock matters on PostgreSQL")
    with session_scope(committed) as session:
        owner = residents.for_channel(session=session, channel="web", external_id="race-1")
        number = cases.create(session=session, case_in=build_case_input(), resident=owner).number
        supervisor_id = staff.create(
            session=session, username="race.sup", password="correct horse battery", role="supervisor"
        ).id
    accepted = threading.Event()
    outcome: dict[str, str] = {}

    def accept() -> None:
        with session_scope(committed) as session:
            case = cases.get_by_number(session=session, number=number)
            transition(
                session=session, case=case, to="accepted", actor=session.get(StaffUser, supervisor_id).actor
            )
            accepted.set()
            time.sleep(1.0)  # still uncommitted while the reject comes in

    def reject() -> None:
        with session_scope(committed) as session:
            case = cases.get_by_number(session=session, number=number)  # still registered here
            accepted.wait(10)
            try:
                transition(
                    session=session,
                    case=case,
                    to="rejected",
                    actor=session.get(StaffUser, supervisor_id).actor,
                    note="不属于受理范围",
                )
                outcome["reject"] = "done"
            except IllegalTransition:
                outcome["reject"] = "refused"

    threads = [threading.Thread(target=accept), threading.Thread(target=reject)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcome == {"reject": "refused"}
    with session_scope(committed) as session:
        assert cases.get_by_number(session=session, number=number).status is CaseStatus.ACCEPTED
