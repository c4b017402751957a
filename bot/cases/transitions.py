"""The case life cycle: one table of allowed status changes, one function that applies them.

    registered ──► accepted ──► in_progress ──► resolved ──► closed
        │  │           │                          │
        │  └► rejected └► withdrawn               └► in_progress (reopened)
        └► withdrawn

Every caller (console, staff API, the resident's "withdraw", the follow-up dispatcher) goes
through `transition` (by way of `bot.flows.status.change_status`, which adds the notices and the
survey); none checks statuses on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from bot.actors import SENIOR_ROLES, STAFF_ROLES, Actor, ActorRole
from bot.cases import events
from bot.cases.actors import ensure_may_act
from bot.cases.deadlines import handling_due, local_date
from bot.cases.enums import CaseKind, CaseStatus, EventAction, ResolutionOutcome
from bot.cases.errors import IllegalTransition, MissingReason, NotPermitted
from bot.cases.models import Case, CaseEvent
from bot.db.clock import db_now
from bot.district import profile_of

REGISTERED = CaseStatus.REGISTERED
ACCEPTED = CaseStatus.ACCEPTED
REJECTED = CaseStatus.REJECTED
WITHDRAWN = CaseStatus.WITHDRAWN
IN_PROGRESS = CaseStatus.IN_PROGRESS
RESOLVED = CaseStatus.RESOLVED
CLOSED = CaseStatus.CLOSED

RESIDENT = frozenset({ActorRole.RESIDENT})
SYSTEM = frozenset({ActorRole.SYSTEM})
STAFF = STAFF_ROLES
SENIOR_STAFF = SENIOR_ROLES  # supervisors and admins (bot.actors says which roles are senior)

ALLOWED: Mapping[tuple[CaseStatus, CaseStatus], frozenset[ActorRole]] = {
    (REGISTERED, ACCEPTED): STAFF,
    (REGISTERED, REJECTED): STAFF,  # reason required
    (REGISTERED, WITHDRAWN): RESIDENT,
    (ACCEPTED, WITHDRAWN): RESIDENT,
    (ACCEPTED, IN_PROGRESS): STAFF,
    (IN_PROGRESS, RESOLVED): STAFF,  # resolution required; disputes also say whether they were settled
    (RESOLVED, CLOSED): STAFF | SYSTEM,  # after the follow-up, or when it went unanswered
    (RESOLVED, IN_PROGRESS): SENIOR_STAFF
    | SYSTEM,  # reopened, e.g. after an unhappy follow-up; reason required
}

# What a resident may withdraw ("withdraw my case"), read from the table above.
WITHDRAWABLE = frozenset(
    old for (old, to), roles in ALLOWED.items() if to is WITHDRAWN and ActorRole.RESIDENT in roles
)
# Changes that must say why.
REASON_REQUIRED = frozenset({(REGISTERED, REJECTED), (RESOLVED, IN_PROGRESS)})
# The case leaves the centre's hands: closed_at is set.
FINAL = frozenset({REJECTED, WITHDRAWN, CLOSED})


def allowed_targets(status: CaseStatus, role: ActorRole) -> list[CaseStatus]:
    """Statuses an actor of `role` may move a case in `status` to (for buttons in the console)."""
    return [to for (old, to), roles in ALLOWED.items() if old is status and role in roles]


def transition(
    *,
    session: Session,
    case: Case,
    to: CaseStatus | str,
    actor: Actor,
    note: str | None = None,
    resolution: str | None = None,
    outcome: ResolutionOutcome | str | None = None,
) -> CaseEvent:
    """Moves a case to `to` if the rules allow `actor` to, and records why.

    `note` is the reason (rejecting, reopening) or a remark; `resolution` is what was done
    (defaults to the note) and `outcome` how it ended, both for `resolved`. An illegal change
    raises and leaves the case untouched.
    """
    target = _status(to)
    # Lock the case's row and read its status afresh: of an accept and a reject at once, the
    # second waits for the first and then finds the case accepted (PostgreSQL; on SQLite, where
    # a writer locks the whole database anyway, FOR UPDATE is left out).
    session.flush()
    session.refresh(case, attribute_names=["status"], with_for_update=True)
    old = case.status
    roles = ALLOWED.get((old, target))
    if roles is None:
        raise IllegalTransition(f"case {case.number}: cannot go from {old.value} to {target.value}")
    if actor.role not in roles:
        allowed = ", ".join(sorted(role.value for role in roles))
        raise NotPermitted(
            f"case {case.number}: {old.value} → {target.value} is for {allowed}, not {actor.describe()}"
        )
    ensure_may_act(actor, case)
    note = (note or "").strip() or None
    if (old, target) in REASON_REQUIRED and note is None:
        raise MissingReason(f"case {case.number}: {old.value} → {target.value} needs a reason")
    final_outcome: ResolutionOutcome | None = None
    final_resolution: str | None = None
    if target is RESOLVED:
        final_resolution = (resolution or "").strip() or note
        if final_resolution is None:
            raise MissingReason(f"case {case.number}: resolving needs the resolution (what was done)")
        final_outcome = _outcome(case, outcome)
        if case.kind is CaseKind.DISPUTE and final_outcome is None:
            raise MissingReason(
                f"case {case.number}: a resolved dispute needs an outcome "
                f"({', '.join(item.value for item in ResolutionOutcome)})"
            )

    now = db_now(session=session)
    if target is ACCEPTED:
        profile = profile_of(session)
        case.accepted_at = now
        case.handle_due = handling_due(
            local_date(now, profile.zone), profile.limits(case.kind), profile.calendar
        )
    elif target is RESOLVED:
        case.resolved_at = now
        case.resolution = final_resolution
        case.outcome = final_outcome
    elif old is RESOLVED and target is IN_PROGRESS:
        # Reopened: the earlier resolution no longer counts as 办结.
        case.resolved_at = None
        case.outcome = None
    if target in FINAL:
        case.closed_at = now
    case.status = target
    event = events.record(
        session=session,
        case=case,
        action=EventAction.STATUS_CHANGED,
        actor=actor,
        old=old,
        new=target,
        note=note,
    )
    session.flush()
    # Notices and surveys are not this rule's business: bot.flows.status.change_status calls
    # this and then the follow-ups.
    return event


def _outcome(case: Case, value: ResolutionOutcome | str | None) -> ResolutionOutcome | None:
    if value is None:
        return None
    try:
        return ResolutionOutcome(value)
    except ValueError:
        raise MissingReason(f"case {case.number}: unknown outcome {value!r}") from None


def _status(value: CaseStatus | str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError:
        raise IllegalTransition(f"unknown case status {value!r}") from None
