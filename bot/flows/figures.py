"""The centre's figures over two domains: the cases' counts (bot.cases.figures defines them)
and 满意率 from the follow-up surveys (bot.followups.figures counts them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.cases import figures as case_figures
from bot.cases.enums import CaseCategory, CaseKind
from bot.cases.figures import Figures, GroupBy, Period
from bot.followups.figures import satisfaction_counts


def figures(
    *,
    session: Session,
    period: Period,
    township: str | None = None,
    kind: CaseKind | None = None,
    category: CaseCategory | None = None,
    today: date | None = None,
) -> Figures:
    """The figures for the cases received in `period` that match the filters."""
    return case_figures.figures(
        session=session,
        period=period,
        township=township,
        kind=kind,
        category=category,
        today=today,
        satisfaction=satisfaction_counts,
    )


def figures_by(
    *,
    session: Session,
    by: GroupBy,
    period: Period,
    township: str | None = None,
    kind: CaseKind | None = None,
    category: CaseCategory | None = None,
    today: date | None = None,
) -> list[Figures]:
    """The figures per township, kind or category: every township and kind, the categories present."""
    return case_figures.figures_by(
        session=session,
        by=by,
        period=period,
        township=township,
        kind=kind,
        category=category,
        today=today,
        satisfaction=satisfaction_counts,
    )
