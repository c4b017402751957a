"""Survey answers that came with the backlog (回访): kept as answered surveys about the case's
resolution, so 满意率 counts them in their cases' months, as it counts chat and phone answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.cases.enums import RESOLVED_STATUSES, CaseStatus
from bot.cases.importing import values
from bot.cases.importing.report import Problem
from bot.cases.models import Case
from bot.followups.enums import Rating, Solved, SurveyMethod, SurveyStatus
from bot.followups.models import Survey

RATINGS = values.table(
    Rating,
    {
        Rating.SATISFIED: ("满意", "非常满意"),
        Rating.BASICALLY_SATISFIED: ("基本满意", "比较满意"),
        Rating.NOT_SATISFIED: ("不满意",),
    },
)
SOLVED = values.table(
    Solved,
    {
        Solved.YES: ("是", "已解决", "解决"),
        Solved.PARTLY: ("部分解决", "部分"),
        Solved.NO: ("否", "未解决"),
    },
)
SURVEY_KEYS = ("rating", "solved", "surveyed", "survey_comment")


@dataclass(frozen=True)
class ImportedAnswer:
    rating: Rating
    solved: Solved | None
    answered_at: datetime | None
    comment: str | None


def check(
    *,
    row: int,
    cells: dict[str, Any],
    status: CaseStatus | None,
    header: Callable[[str], str],
    zone: ZoneInfo,
) -> ImportedAnswer | list[Problem] | None:
    """The row's survey answer (None if it has none), or its problems."""
    if not any(key in cells for key in SURVEY_KEYS):
        return None
    problems: list[Problem] = []

    def pick(key: str, table: dict[str, Any], what: str) -> Any:
        if key not in cells:
            return None
        try:
            return values.choice(str(cells[key]), table, what)
        except ValueError as error:
            problems.append(Problem(row, header(key), str(error)))
            return None

    rating = pick("rating", RATINGS, "satisfaction (满意, 基本满意, 不满意)")
    solved = pick("solved", SOLVED, "answer (已解决, 部分解决, 未解决)")
    if "rating" not in cells:
        problems.append(Problem(row, header("rating"), "empty, but the row has a survey"))
    answered_at = None
    if "surveyed" in cells:
        try:
            answered_at = values.moment(cells["surveyed"], zone)
        except ValueError as error:
            problems.append(Problem(row, header("surveyed"), str(error)))
    if status is not None and status not in RESOLVED_STATUSES:
        problems.append(
            Problem(row, header("rating"), f"a survey, but the case is {status.value}, not resolved")
        )
    if problems or rating is None:
        return problems
    comment = str(cells.get("survey_comment", "")).strip()[:2000] or None
    return ImportedAnswer(rating=rating, solved=solved, answered_at=answered_at, comment=comment)


def record(*, session: Session, case: Case, answer: ImportedAnswer) -> Survey:
    """The answered survey about the imported case's resolution."""
    assert case.resolved_at is not None
    when = answer.answered_at or case.closed_at or case.resolved_at
    survey = Survey(
        case=case,
        resident=case.resident,
        resolved_at=case.resolved_at,
        status=SurveyStatus.ANSWERED,
        method=SurveyMethod.IMPORTED,
        due_at=when,
        sent_at=when,
        answered_at=when,
        rating=answer.rating,
        solved=answer.solved,
        comment=answer.comment,
        old_status=case.status,
        new_status=case.status,
    )
    session.add(survey)
    return survey
