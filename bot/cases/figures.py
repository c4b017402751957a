"""The centre's figures, computed from the case store. The definitions here are the contract.

A report covers a *period* of the district's calendar, [start, end) — start day included, end
day not — and counts the cases *received* in it (their cohort), filtered by township, kind or
category and optionally broken down by one of them. Statuses are taken as they are now:

- received: cases registered in the period, whatever became of them.
- accepted (受理): of those, cases the centre accepted (accepted_at is set), even if later
  resolved, closed or withdrawn.
- rejected, withdrawn: of those, cases now rejected (不予受理) or withdrawn by the resident.
- resolved (办结数): of those, cases now resolved or closed. A reopened case no longer counts.
- 办结率 (banjie_rate) = resolved ÷ received × 100.
- 化解率 (huajie_rate, disputes settled by agreement) = disputes now resolved or closed with the
  outcome "agreement" ÷ disputes now resolved or closed × 100. Petitions and consultations do
  not enter it.
- 满意率 (manyi_rate) = follow-up answers "satisfied" (满意 or 基本满意) ÷ answered follow-ups
  × 100, over the follow-up surveys about the period's cases; unanswered surveys do not count.
- overdue: of those, cases still open (registered, accepted, in progress) whose current
  deadline (decision while registered, handling once accepted) is before `today`.

Rates are percentages rounded half up to two decimals (89 of 93 → 95.70), and None when the
denominator is 0.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from bot.cases.deadlines import overdue_condition
from bot.cases.deadlines import today as district_today
from bot.cases.enums import (
    RESOLVED_STATUSES,
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    ResolutionOutcome,
)
from bot.cases.models import Case
from bot.district import profile_of

GroupBy = Literal["township", "kind", "category", "source"]
# `source`: how the cases came in (chat, walk_in, phone, patrol, letter).
GROUP_COLUMNS = {
    "township": Case.township,
    "kind": Case.kind,
    "category": Case.category,
    "source": Case.source,
}


class SatisfactionCounts(Protocol):
    """(satisfied, answered) follow-up answers per group (None: the whole selection), or None.

    The follow-ups domain owns the surveys (`bot.followups.figures.satisfaction_counts`);
    `bot.flows.figures` hands it in, so this module reads no other domain's table.
    """

    def __call__(
        self,
        *,
        session: Session,
        period: Period,
        township: str | None = None,
        kind: CaseKind | None = None,
        category: CaseCategory | None = None,
        by: GroupBy | None = None,
    ) -> dict[str | None, tuple[int, int]] | None: ...


@dataclass(frozen=True)
class Period:
    """Days of the district's calendar: `start` included, `end` excluded."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(first, first + timedelta(days=monthrange(year, month)[1]))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year + 1, 1, 1))


@dataclass(frozen=True)
class Figures:
    # The township, kind or category this row is about; None for the whole selection.
    group: str | None
    received: int
    accepted: int
    rejected: int
    withdrawn: int
    resolved: int
    overdue: int
    disputes_concluded: int
    disputes_settled: int
    banjie_rate: Decimal | None  # 办结率
    huajie_rate: Decimal | None  # 化解率
    # Follow-up survey answers about these cases.
    followups_answered: int | None
    followups_satisfied: int | None
    manyi_rate: Decimal | None  # 满意率


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a percentage with two decimals, half up; None for 0 ÷ 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def figures(
    *,
    session: Session,
    period: Period,
    township: str | None = None,
    kind: CaseKind | None = None,
    category: CaseCategory | None = None,
    today: date | None = None,
    satisfaction: SatisfactionCounts | None = None,
) -> Figures:
    """The figures for the cases received in `period` that match the filters (满意率 and the
    follow-up counts only with `satisfaction`; bot.flows.figures gives it)."""
    rows = _aggregate(session, period, township, kind, category, today, group=None, satisfaction=satisfaction)
    return rows[0] if rows else _empty(None)


def figures_by(
    *,
    session: Session,
    by: GroupBy,
    period: Period,
    township: str | None = None,
    kind: CaseKind | None = None,
    category: CaseCategory | None = None,
    today: date | None = None,
    satisfaction: SatisfactionCounts | None = None,
) -> list[Figures]:
    """The figures per township, kind, category or source: every township, kind and source, the
    categories present."""
    found = {
        row.group: row
        for row in _aggregate(
            session, period, township, kind, category, today, group=by, satisfaction=satisfaction
        )
    }
    if by == "township":
        names = [item.name for item in profile_of(session).townships if township in (None, item.name)]
    elif by == "kind":
        names = [item.value for item in CaseKind if kind in (None, item)]
    elif by == "source":
        names = [item.value for item in CaseSource]
    else:
        names = [item.value for item in CaseCategory if item.value in found]
    extra = sorted(name for name in found if name is not None and name not in names)
    return [found.get(name) or _empty(name) for name in [*names, *extra]]


def _aggregate(
    session: Session,
    period: Period,
    township: str | None,
    kind: CaseKind | None,
    category: CaseCategory | None,
    today: date | None,
    *,
    group: GroupBy | None,
    satisfaction: SatisfactionCounts | None,
) -> list[Figures]:
    on = today or district_today(session=session)
    resolved = Case.status.in_(RESOLVED_STATUSES)
    concluded_dispute = and_(Case.kind == CaseKind.DISPUTE, resolved)
    columns: list[Any] = [
        func.count(Case.id).label("received"),
        func.count(Case.accepted_at).label("accepted"),
        count_where(Case.status == CaseStatus.REJECTED).label("rejected"),
        count_where(Case.status == CaseStatus.WITHDRAWN).label("withdrawn"),
        count_where(resolved).label("resolved"),
        count_where(overdue_condition(on)).label("overdue"),
        count_where(concluded_dispute).label("disputes_concluded"),
        count_where(and_(concluded_dispute, Case.outcome == ResolutionOutcome.AGREEMENT)).label(
            "disputes_settled"
        ),
    ]
    group_column = GROUP_COLUMNS[group] if group is not None else None
    if group_column is not None:
        columns.insert(0, group_column.label("group"))
    statement = cohort(select(*columns), session, period, township, kind, category, group_column)
    answers = (
        None
        if satisfaction is None
        else satisfaction(
            session=session, period=period, township=township, kind=kind, category=category, by=group
        )
    )
    rows = []
    for row in session.execute(statement).mappings():
        key = row.get("group")
        key = None if key is None else str(getattr(key, "value", key))
        answered = None if answers is None else answers.get(key, (0, 0))
        rows.append(
            Figures(
                group=key,
                received=row["received"],
                accepted=row["accepted"],
                rejected=row["rejected"],
                withdrawn=row["withdrawn"],
                resolved=row["resolved"],
                overdue=row["overdue"],
                disputes_concluded=row["disputes_concluded"],
                disputes_settled=row["disputes_settled"],
                banjie_rate=rate(row["resolved"], row["received"]),
                huajie_rate=rate(row["disputes_settled"], row["disputes_concluded"]),
                followups_answered=None if answered is None else answered[1],
                followups_satisfied=None if answered is None else answered[0],
                manyi_rate=None if answered is None else rate(*answered),
            )
        )
    return rows


def cohort(
    statement: Select[Any],
    session: Session,
    period: Period,
    township: str | None,
    kind: CaseKind | None,
    category: CaseCategory | None,
    group_column: Any,
) -> Select[Any]:
    """`statement` over the cases received in `period` that match the filters, grouped if asked
    (the follow-ups domain counts its surveys over the same cohort)."""
    start, end = bounds(session, period)
    statement = statement.where(Case.created_at >= start, Case.created_at < end)
    if township is not None:
        statement = statement.where(Case.township == township)
    if kind is not None:
        statement = statement.where(Case.kind == kind)
    if category is not None:
        statement = statement.where(Case.category == category)
    return statement.group_by(group_column) if group_column is not None else statement


def bounds(session: Session, period: Period) -> tuple[datetime, datetime]:
    """The period as instants: [start of its first day, start of the day after it) in the district."""
    zone = profile_of(session).zone
    return _start_of(period.start, zone), _start_of(period.end, zone)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)


def _start_of(day: date, zone: Any) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _empty(group: str | None) -> Figures:
    return Figures(
        group=group,
        received=0,
        accepted=0,
        rejected=0,
        withdrawn=0,
        resolved=0,
        overdue=0,
        disputes_concluded=0,
        disputes_settled=0,
        banjie_rate=None,
        huajie_rate=None,
        followups_answered=None,
        followups_satisfied=None,
        manyi_rate=None,
    )
