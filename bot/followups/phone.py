"""Surveys by phone (the 12345 way): a resident without a chat (a walk-in, a call, a letter, a
grid worker's find) is called by staff, who record the answer, or that nobody answered.

The answer goes through `service.record_answer`, the one path every survey answer takes, so a
phone answer closes or reopens the case and counts in 满意率 exactly as a chat answer does. A call
that does not reach the resident is tried again after the profile's `phone_retry_interval`, at
most `phone_attempts` times; then the survey is unanswered, like a chat survey after its reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.cases.enums import CaseStatus
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.db.errors import DomainError, NotFound
from bot.district import profile_of
from bot.followups.enums import Rating, Solved, SurveyMethod, SurveyStatus
from bot.followups.models import Survey
from bot.followups.service import NoOpenSurvey, record_answer
from bot.staff.models import StaffUser

OPEN = (SurveyStatus.SCHEDULED, SurveyStatus.SENT)


class NoPhoneTask(NotFound):
    code = "no_phone_survey"


class InvalidAnswer(DomainError):
    code = "invalid_survey_answer"


MAX_NOTE = 1000


def tasks(
    *, session: Session, visible: ColumnElement[bool] | None = None, limit: int = 200
) -> Sequence[Survey]:
    """Phone surveys due now about cases still resolved, the longest waiting first.

    `visible` limits them to the cases a staff member may see (bot.cases.scope).
    """
    now = db_now(session=session)
    statement = (
        select(Survey)
        .join(Case, Survey.case_id == Case.id)
        .where(
            Survey.method == SurveyMethod.PHONE,
            Survey.status.in_(OPEN),
            Survey.due_at <= now,
            Case.status == CaseStatus.RESOLVED,
            Case.resolved_at == Survey.resolved_at,
        )
    )
    if visible is not None:
        statement = statement.where(visible)
    return session.scalars(statement.order_by(Survey.due_at, Survey.id).limit(limit)).all()


def task(*, session: Session, survey_id: int, visible: ColumnElement[bool] | None = None) -> Survey:
    """One phone survey waiting for a call; NoOpenSurvey if there is none (or not in scope)."""
    statement: Any = (
        select(Survey)
        .join(Case, Survey.case_id == Case.id)
        .where(Survey.id == survey_id, Survey.method == SurveyMethod.PHONE, Survey.status.in_(OPEN))
    )
    if visible is not None:
        statement = statement.where(visible)
    survey = session.scalar(statement)
    if survey is None:
        raise NoPhoneTask(f"no phone survey {survey_id} is waiting for a call")
    return survey


def record_phone_answer(
    *,
    session: Session,
    survey: Survey,
    staff: StaffUser,
    rating: Rating | str,
    solved: Solved | str,
    comment: str | None = None,
) -> Survey:
    """What the resident said on the phone, as staff recorded it."""
    _ensure_phone(survey)
    try:
        rating, solved = Rating(rating), Solved(solved)
    except ValueError:
        raise InvalidAnswer(
            f"survey {survey.id}: the answer needs the satisfaction ({', '.join(Rating)}) "
            f"and whether the problem is solved ({', '.join(Solved)})"
        ) from None
    now = db_now(session=session)
    if survey.status is SurveyStatus.SCHEDULED:
        survey.status, survey.sent_at = SurveyStatus.SENT, now
    survey.recorded_by_id = staff.id
    survey.last_call_at = now
    return record_answer(
        session=session, survey=survey, rating=Rating(rating), solved=Solved(solved), comment=comment
    )


def record_not_reached(
    *, session: Session, survey: Survey, staff: StaffUser, note: str | None = None
) -> Survey:
    """A call that did not reach the resident: tried again later, or unanswered after the last try."""
    _ensure_phone(survey)
    rules = profile_of(session).followups
    now = db_now(session=session)
    if survey.status is SurveyStatus.SCHEDULED:
        survey.status, survey.sent_at = SurveyStatus.SENT, now
    survey.call_attempts += 1
    survey.last_call_at = now
    survey.recorded_by_id = staff.id
    survey.last_call_note = (note or "").strip()[:MAX_NOTE] or None
    if survey.call_attempts >= rules.phone_attempts:
        survey.status = SurveyStatus.UNANSWERED
    else:
        survey.due_at = now + rules.phone_retry_every
    session.flush()
    return survey


def attempts_left(*, session: Session, survey: Survey) -> int:
    """Calls that may still go unanswered before the survey counts as unanswered."""
    return max(0, profile_of(session).followups.phone_attempts - survey.call_attempts)


def _ensure_phone(survey: Survey) -> None:
    if survey.method is not SurveyMethod.PHONE or survey.status not in OPEN:
        raise NoOpenSurvey(f"survey {survey.id} is not a phone survey waiting for a call")
