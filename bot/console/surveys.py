"""The console's phone surveys (the 12345 way): whom to call about which case, and what they said.

A resident without a chat (a walk-in, a call, a letter, a grid worker's find) gets the
satisfaction survey as a task here. Opening a task shows the full phone number to call, which is
an audited reveal like the case page's; the answer is recorded through the same path as a chat
answer (bot.followups.phone), so it closes or reopens the case and counts in 满意率 alike.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from bot.cases import scope
from bot.cases import service as cases
from bot.console.deps import ApiStaff, ConsoleStaff, DbSession, csrf_protected
from bot.console.rendering import render
from bot.followups import phone
from bot.followups.enums import Rating, Solved
from bot.followups.models import Survey
from bot.residents.privacy import mask_name, mask_phone

# What staff read out and tick: the chat survey's answers, in the console's two languages.
RATINGS = [
    (Rating.SATISFIED, "满意", "Satisfied"),
    (Rating.BASICALLY_SATISFIED, "基本满意", "Basically satisfied"),
    (Rating.NOT_SATISFIED, "不满意", "Not satisfied"),
]
SOLVED = [
    (Solved.YES, "已解决", "Solved"),
    (Solved.PARTLY, "部分解决", "Partly"),
    (Solved.NO, "未解决", "Not solved"),
]

router = APIRouter(prefix="/console", dependencies=[Depends(csrf_protected)], include_in_schema=False)


@router.get("/surveys")
def survey_tasks(
    request: Request,
    session: DbSession,
    staff: ConsoleStaff,
    done: int | None = None,
    tried: int | None = None,
) -> Response:
    tasks = phone.tasks(session=session, visible=scope.visible(staff))
    return render(request, "surveys.html", {"tasks": tasks, "done": done, "tried": tried})


@router.get("/surveys/{survey_id}")
def survey_task(request: Request, survey_id: int, session: DbSession, staff: ConsoleStaff) -> Response:
    survey = phone.task(session=session, survey_id=survey_id, visible=scope.visible(staff))
    number = cases.reveal(session=session, case=survey.case, field="contact_phone", actor=staff.actor)
    return render(
        request,
        "survey_task.html",
        {
            "survey": survey,
            "case": survey.case,
            "phone": number,
            "attempts_left": phone.attempts_left(session=session, survey=survey),
            "ratings": RATINGS,
            "solved_answers": SOLVED,
        },
    )


@router.post("/surveys/{survey_id}/answer")
def record_answer(
    survey_id: int,
    session: DbSession,
    staff: ConsoleStaff,
    # Checked after the task is found (out of scope: 404 whatever the form says).
    rating: Annotated[str, Form(max_length=32)] = "",
    solved: Annotated[str, Form(max_length=32)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    survey = phone.task(session=session, survey_id=survey_id, visible=scope.visible(staff))
    phone.record_phone_answer(
        session=session, survey=survey, staff=staff, rating=rating, solved=solved, comment=comment
    )
    return RedirectResponse(f"/console/surveys?done={survey_id}", status_code=303)


@router.post("/surveys/{survey_id}/not-reached")
def not_reached(
    survey_id: int,
    session: DbSession,
    staff: ConsoleStaff,
    note: Annotated[str, Form(max_length=phone.MAX_NOTE)] = "",
) -> Response:
    survey = phone.task(session=session, survey_id=survey_id, visible=scope.visible(staff))
    phone.record_not_reached(session=session, survey=survey, staff=staff, note=note)
    return RedirectResponse(f"/console/surveys?tried={survey_id}", status_code=303)


# The same as JSON, for staff tools: /api/staff/surveys.
api_router = APIRouter(prefix="/api/staff/surveys", tags=["staff"])


class PhoneAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Rating
    solved: Solved
    comment: str | None = Field(default=None, max_length=2000)


class NotReachedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=phone.MAX_NOTE)


def _task(survey: Survey, *, full_phone: str | None = None) -> dict[str, Any]:
    case = survey.case
    return {
        "id": survey.id,
        "case": case.number,
        "title": case.title,
        "township": case.township,
        "village": case.village,
        "resident_name": mask_name(case.resident.name),
        "phone": full_phone if full_phone is not None else mask_phone(case.contact_phone),
        "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
        "status": survey.status.value,
        "call_attempts": survey.call_attempts,
        "due_at": survey.due_at.isoformat(),
    }


@api_router.get("")
def list_tasks(session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    """Phone surveys due now within the staff member's scope; phone numbers masked."""
    return {
        "surveys": [_task(survey) for survey in phone.tasks(session=session, visible=scope.visible(staff))]
    }


@api_router.get("/{survey_id}")
def get_task(survey_id: int, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    """One task with the full number to call (an audited reveal, as in the console)."""
    survey = phone.task(session=session, survey_id=survey_id, visible=scope.visible(staff))
    number = cases.reveal(session=session, case=survey.case, field="contact_phone", actor=staff.actor)
    return _task(survey, full_phone=number or "")


@api_router.post("/{survey_id}/answer")
def answer_task(survey_id: int, body: PhoneAnswerIn, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    survey = phone.task(session=session, survey_id=survey_id, visible=scope.visible(staff))
    phone.record_phone_answer(
        session=session,
        survey=survey,
        staff=staff,
        rating=body.rating,
        solved=body.solved,
        comment=body.comment,
    )
    return {**_task(survey), "case_status": survey.case.status.value}


@api_router.post("/{survey_id}/not-reached")
def task_not_reached(
    survey_id: int, session: DbSession, staff: ApiStaff, body: NotReachedIn | None = None
) -> dict[str, Any]:
    survey = phone.task(session=session, survey_id=survey_id, visible=scope.visible(staff))
    phone.record_not_reached(session=session, survey=survey, staff=staff, note=body.note if body else None)
    return _task(survey)
