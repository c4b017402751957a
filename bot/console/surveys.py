"""The console's phone surveys (the 12345 way): whom to call about which case, and what they said.

A resident without a chat (a walk-in, a call, a letter, a grid worker's find) gets the
satisfaction survey as a task here. Opening a task shows the full phone number to call, which is
an audited reveal like the case page's; the answer is recorded through the same path as a chat
answer (bot.followups.phone), so it closes or reopens the case and counts in 满意率 alike.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bot.cases import scope
from bot.cases import service as cases
from bot.console.deps import ConsoleStaff, DbSession, csrf_protected
from bot.console.rendering import render
from bot.followups import phone
from bot.followups.enums import Rating, Solved

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
    rating: Annotated[Rating, Form()],
    solved: Annotated[Solved, Form()],
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
