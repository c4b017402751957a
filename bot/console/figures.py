"""The figures page: the centre's figures for a period, the series the charts draw, the survey answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.cases.deadlines import today as district_today
from bot.cases.figures import Figures, Period
from bot.flows.figures import figures, figures_by
from bot.followups import service as followups


@dataclass(frozen=True)
class FiguresReport:
    period: Period
    township: str | None
    total: Figures
    by_month: list[tuple[str, Figures]]
    by_category: list[Figures]
    by_township: list[Figures]
    # How the cases came in: chat, walk-in, phone, patrol, letter.
    by_source: list[Figures]
    survey_answers: list[SurveyAnswer]


@dataclass(frozen=True)
class SurveyAnswer:
    case_number: str
    answered_at: datetime
    satisfied: bool
    comment: str | None


MAX_MONTHS = 36


def months_of(period: Period) -> list[tuple[str, Period]]:
    """The calendar months the period touches, each cut to the period (at most MAX_MONTHS)."""
    months: list[tuple[str, Period]] = []
    year, month = period.start.year, period.start.month
    while len(months) < MAX_MONTHS:
        whole = Period.month(year, month)
        if whole.start >= period.end:
            break
        months.append(
            (f"{year}-{month:02d}", Period(max(whole.start, period.start), min(whole.end, period.end)))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def figures_report(*, session: Session, period: Period, township: str | None) -> FiguresReport:
    """受理数, 办结数, 办结率, 化解率, 满意率 and overdue for the period, with the series the charts draw."""
    return FiguresReport(
        period=period,
        township=township,
        total=figures(session=session, period=period, township=township),
        by_month=[
            (label, figures(session=session, period=part, township=township))
            for label, part in months_of(period)
        ],
        by_category=figures_by(session=session, by="category", period=period, township=township),
        by_township=figures_by(session=session, by="township", period=period, township=township),
        by_source=figures_by(session=session, by="source", period=period, township=township),
        survey_answers=survey_answers(session=session, period=period, township=township),
    )


def survey_answers(*, session: Session, period: Period, township: str | None) -> list[SurveyAnswer]:
    """Follow-up survey answers with their comments about the period's cases, newest first."""
    surveys = followups.answers(session=session, period=period, township=township)
    return [
        SurveyAnswer(
            case_number=survey.case.number,
            answered_at=survey.answered_at or survey.created_at,
            satisfied=survey.rating is not None and survey.rating.counts_as_satisfied,
            comment=survey.comment,
        )
        for survey in surveys
    ]


def default_period(*, session: Session) -> Period:
    """From the first day of this year to today, both included."""
    today = district_today(session=session)
    return Period(date(today.year, 1, 1), today + timedelta(days=1))
