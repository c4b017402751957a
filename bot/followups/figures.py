"""满意率's inputs: the follow-up answers about a cohort of cases (bot.cases.figures defines it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cases.enums import CaseCategory, CaseKind
from bot.cases.figures import GROUP_COLUMNS, GroupBy, Period, cohort, count_where
from bot.cases.models import Case
from bot.followups.enums import Rating, SurveyStatus
from bot.followups.models import Survey


def satisfaction_counts(
    *,
    session: Session,
    period: Period,
    township: str | None = None,
    kind: CaseKind | None = None,
    category: CaseCategory | None = None,
    by: GroupBy | None = None,
) -> dict[str | None, tuple[int, int]] | None:
    """(satisfied, answered) follow-up answers about the selected cases, per group (None: the
    whole selection). "Satisfied" is 满意 or 基本满意; unanswered surveys do not count."""
    group_column = GROUP_COLUMNS[by] if by is not None else None
    columns: list[Any] = [
        count_where(Survey.rating.in_([r for r in Rating if r.counts_as_satisfied])).label("satisfied"),
        func.count(Survey.id).label("answered"),
    ]
    if group_column is not None:
        columns.insert(0, group_column.label("group"))
    statement = cohort(
        select(*columns).select_from(Survey).join(Case, Survey.case_id == Case.id),
        session,
        period,
        township,
        kind,
        category,
        group_column,
    ).where(Survey.status == SurveyStatus.ANSWERED)
    counts: dict[str | None, tuple[int, int]] = {}
    for row in session.execute(statement).mappings():
        key = row.get("group")
        counts[None if key is None else str(getattr(key, "value", key))] = (row["satisfied"], row["answered"])
    return counts
