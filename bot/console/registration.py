"""Registering a case on a resident's behalf in the console (a walk-in, a call, a grid worker's
patrol, a letter), and its receipt: printable, with the text of an SMS staff send by hand."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from bot.cases import on_behalf, scope
from bot.cases import service as cases
from bot.cases.enums import CaseSource, ConsentMethod
from bot.cases.models import Case
from bot.console.deps import ConsoleStaff, DbSession, csrf_protected
from bot.console.rendering import render, translator
from bot.db.errors import DomainError
from bot.district import profile_of
from bot.staff.enums import StaffRole
from bot.staff.models import StaffUser

router = APIRouter(prefix="/console", dependencies=[Depends(csrf_protected)], include_in_schema=False)

FIELDS = (
    "kind",
    "category",
    "township",
    "village",
    "description",
    "other_party",
    "request",
    "contact_phone",
    "resident_name",
    "id_number",
    "source",
    "consent",
    "language",
)


def _places(staff: StaffUser, townships: list[str]) -> dict[str, Any]:
    """Where this staff member may register: a grid worker their villages, others their township."""
    if staff.role is StaffRole.GRID_WORKER:
        return {
            "townships": sorted({town for town, _ in scope.villages_of(staff)}),
            "villages": staff.villages,
        }
    return {"townships": [staff.township] if staff.township else townships, "villages": None}


def _form(
    request: Request, session: DbSession, staff: StaffUser, values: dict[str, Any], error: str | None
) -> Response:
    profile = profile_of(session)
    context = {
        "values": values,
        "error": error,
        "sources": on_behalf.STAFF_SOURCES,
        "consents": list(ConsentMethod),
        "known_villages": sorted({village for town in profile.townships for village in town.villages}),
        **_places(staff, [town.name for town in profile.townships]),
    }
    return render(request, "register.html", context, status=200 if error is None else 400)


@router.get("/cases/new")
def new_case_form(request: Request, session: DbSession, staff: ConsoleStaff) -> Response:
    default_source = CaseSource.PATROL if staff.role is StaffRole.GRID_WORKER else CaseSource.WALK_IN
    return _form(request, session, staff, {"source": default_source.value, "kind": "dispute"}, None)


def _error_text(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in error.errors())


@router.post("/cases/new")
async def register_case(request: Request, session: DbSession, staff: ConsoleStaff) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    if form.get("consent_given") != "yes":
        tr = translator(request)
        return _form(
            request,
            session,
            staff,
            values,
            tr("请先取得群众同意并勾选确认。", "consent: confirm that the resident agreed."),
        )
    try:
        case_in = on_behalf.StaffCaseIn.model_validate({k: v for k, v in values.items() if v != ""})
        registered = on_behalf.register(session=session, staff=staff, case_in=case_in)
    except ValidationError as error:
        return _form(request, session, staff, values, _error_text(error))
    except DomainError as error:
        session.rollback()
        return _form(request, session, staff, values, str(error))
    return _receipt(request, session, registered.case, registered.claim_code)


@router.post("/cases/{number}/receipt")
def new_receipt(request: Request, number: str, session: DbSession, staff: ConsoleStaff) -> Response:
    """A new receipt with a new claim code (the resident lost theirs); the old code stops working."""
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    code = on_behalf.new_claim_code(session=session, staff=staff, case=case)
    return _receipt(request, session, case, code)


def _receipt(request: Request, session: DbSession, case: Case, code: str) -> Response:
    profile = profile_of(session)
    language = "en" if case.language == "en" else "zh"
    centre = profile.centre.name
    return render(
        request,
        "receipt.html",
        {
            "case": case,
            "code": code,
            "claim_message": on_behalf.claim_message(case.number, code),
            "sms": on_behalf.sms_text(case=case, code=code, centre=centre, language=language),
        },
    )
