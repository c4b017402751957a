"""/api/staff: the console's work as JSON, for staff tools, with a bearer token.

`shuoshi staff token USER` prints a token. Roles and township scopes are the console's: a
caseworker sees and changes only their township's cases; the figures are for supervisors and
admins.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bot import transcript
from bot.cases import on_behalf
from bot.cases import queue as case_queue
from bot.cases import service as cases
from bot.cases.enums import CaseStatus, ResolutionOutcome
from bot.cases.figures import Figures, Period
from bot.cases.schemas import CaseDetail, CaseRead, TranscriptLine
from bot.console import figures as figures_view
from bot.console.deps import ApiStaff, DbSession, SeniorApiStaff
from bot.flows import replies
from bot.flows import status as status_flow
from bot.flows.figures import figures, figures_by
from bot.staff import accounts
from bot.staff import service as staff_service

router = APIRouter(prefix="/api/staff", tags=["staff"])


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: CaseStatus
    note: str | None = Field(default=None, max_length=5000)
    resolution: str | None = Field(default=None, max_length=5000)
    outcome: ResolutionOutcome | None = None


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=replies.MAX_REPLY_LENGTH)
    # True: the reply asks the resident for more information.
    request_information: bool = False


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: int


class CaseWithTranscript(CaseDetail):
    transcript: list[TranscriptLine]  # ID and phone numbers masked


def _case(case: Any) -> dict[str, Any]:
    return CaseRead.model_validate(case).model_dump(mode="json")


@router.get("/me")
def me(staff: ApiStaff) -> dict[str, Any]:
    return {"username": staff.username, "role": staff.role.value, "township": staff.township}


@router.get("/cases")
def list_cases(
    session: DbSession, staff: ApiStaff, filters: Annotated[case_queue.CaseFilter, Query()]
) -> dict[str, Any]:
    page = case_queue.queue(session=session, staff=staff, filters=filters)
    return {
        "cases": [_case(row.case) for row in page.rows],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


def _case_in_full(session: Any, case: Any) -> dict[str, Any]:
    detail = CaseDetail.model_validate(case).model_dump()
    messages = [TranscriptLine.model_validate(m) for m in transcript.for_case(session=session, case=case)]
    return CaseWithTranscript.model_validate({**detail, "transcript": messages}).model_dump(mode="json")


@router.post("/cases", status_code=201)
def register_case(body: on_behalf.StaffCaseIn, session: DbSession, staff: ApiStaff) -> JSONResponse:
    """A case registered on a resident's behalf (walk_in, phone, patrol, letter): the case as
    GET /api/staff/cases/{number} shows it, plus the one-time `claim_code` for the receipt."""
    registered = on_behalf.register(session=session, staff=staff, case_in=body)
    return JSONResponse(
        {**_case_in_full(session, registered.case), "claim_code": registered.claim_code},
        status_code=201,
        headers={"location": f"/api/staff/cases/{registered.case.number}"},
    )


@router.get("/cases/{number}")
def get_case(number: str, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    return _case_in_full(session, case)


@router.post("/cases/{number}/claim-code")
def new_claim_code(number: str, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    """A new claim code for an unclaimed staff-registered case (the old one stops working)."""
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    return {
        "number": case.number,
        "claim_code": on_behalf.new_claim_code(session=session, staff=staff, case=case),
    }


@router.post("/cases/{number}/transition")
def transition_case(number: str, body: TransitionIn, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    status_flow.change_status(
        session=session,
        case=case,
        to=body.to,
        actor=staff.actor,
        note=body.note,
        resolution=body.resolution,
        outcome=body.outcome,
    )
    return _case(case)


@router.post("/cases/{number}/notes")
def add_note(number: str, body: NoteIn, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    cases.add_note(session=session, case=case, author=staff, text=body.text)
    return _case(case)


@router.post("/cases/{number}/reply")
def reply(number: str, body: ReplyIn, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    item = replies.reply_to_resident(
        session=session,
        case=case,
        staff=staff,
        text=body.text,
        asking_for_information=body.request_information,
    )
    return {"queued": True, "channel": item.channel.value, "case": _case(case)}


@router.post("/cases/{number}/assign")
def assign(number: str, body: AssignIn, session: DbSession, staff: ApiStaff) -> dict[str, Any]:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    cases.assign(
        session=session,
        case=case,
        staff=accounts.get_staff(session=session, staff_id=body.staff_id),
        actor=staff.actor,
    )
    return _case(case)


def _figures(row: Figures) -> dict[str, Any]:
    return {
        "received": row.received,
        "accepted": row.accepted,
        "rejected": row.rejected,
        "withdrawn": row.withdrawn,
        "resolved": row.resolved,
        "overdue": row.overdue,
        "banjie_rate": None if row.banjie_rate is None else float(row.banjie_rate),
        "huajie_rate": None if row.huajie_rate is None else float(row.huajie_rate),
        "manyi_rate": None if row.manyi_rate is None else float(row.manyi_rate),
    }


@router.get("/stats")
def stats(
    session: DbSession,
    staff: SeniorApiStaff,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query(description="last day, included")] = None,
    township: Annotated[str | None, Query(max_length=50)] = None,
) -> dict[str, Any]:
    """受理数 (accepted), 办结数 (resolved), 办结率, 化解率, 满意率 and overdue, in total and per
    township, kind, category and source (how the cases came in), for the cases received from
    `start` to `end`."""
    default = figures_view.default_period(session=session)
    period = Period(start or default.start, (end + timedelta(days=1)) if end else default.end)
    scope = staff_service.township_scope(staff=staff, township=township)
    return {
        "period": {"start": period.start.isoformat(), "end": (period.end - timedelta(days=1)).isoformat()},
        "township": scope,
        "total": _figures(figures(session=session, period=period, township=scope)),
        **{
            f"by_{by}": {
                row.group: _figures(row)
                for row in figures_by(session=session, by=by, period=period, township=scope)
            }
            for by in ("township", "kind", "category", "source")
        },
    }
