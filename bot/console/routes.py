"""The staff console's pages. Each route parses, calls one service and renders (or redirects)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bot import limits
from bot.cases import attachments as attachment_store
from bot.cases import queue as case_queue
from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.cases.figures import Period
from bot.cases.service import RevealableField
from bot.client_address import client_address
from bot.console import case_page as case_page_view
from bot.console import charts, exports
from bot.console import figures as figures_view
from bot.console.deps import (
    AdminConsoleStaff,
    ConsoleStaff,
    DbSession,
    SeniorConsoleStaff,
    csrf_protected,
    settings_of,
)
from bot.console.i18n import LANGUAGE_COOKIE
from bot.console.rendering import render, translator
from bot.flows import audit_log, replies
from bot.flows import status as status_flow
from bot.staff import accounts, auth
from bot.staff import service as staff_service
from bot.staff.audit import AuditAction
from bot.staff.audit import record as audit_record
from bot.staff.enums import StaffRole

router = APIRouter(prefix="/console", dependencies=[Depends(csrf_protected)], include_in_schema=False)

COOKIE_PATH = "/console"


def _address(request: Request) -> str | None:
    return client_address(request)


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never another site."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/cases"


def _back_to(number: str) -> RedirectResponse:
    return RedirectResponse(f"/console/cases/{quote(number)}", status_code=303)


# Signing in and out, language


@router.get("")
def home() -> RedirectResponse:
    return RedirectResponse("/console/cases", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    settings = settings_of(request)
    pre = request.cookies.get(auth.PRE_SESSION_COOKIE)
    if not pre:
        pre = auth.new_key()
        request.state.pre_session_key = pre
    response = render(request, "login.html", {"next": _safe_next(next), "error": None})
    response.set_cookie(
        auth.PRE_SESSION_COOKIE,
        pre,
        httponly=True,
        samesite="lax",
        secure=settings.console.cookie_secure,
        path=COOKIE_PATH,
    )
    return response


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    settings = settings_of(request)
    address = _address(request)
    tr = translator(request)
    per_address = limits.Limit("sign_in", settings.console.sign_in_per_address_per_minute, 60)
    if address is not None and not limits.take(session=session, limit=per_address, subject=address):
        error = tr("登录尝试过于频繁，请一分钟后再试。", "Too many sign-in attempts; try again in a minute.")
        return render(request, "login.html", {"next": _safe_next(next), "error": error}, status=429)
    result = auth.sign_in(
        session=session, settings=settings.console, username=username, password=password, address=address
    )
    if result.staff is None:
        error = (
            tr(
                f"登录失败次数过多，请 {result.wait_seconds} 秒后再试。",
                f"Too many failed attempts; try again in {result.wait_seconds} seconds.",
            )
            if result.outcome == "locked"
            else tr("用户名或密码不正确。", "Wrong username or password.")
        )
        return render(request, "login.html", {"next": _safe_next(next), "error": error}, status=401)
    key = auth.start_session(session=session, staff=result.staff, hours=settings.console.session_hours)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        auth.cookie_value(settings.secret("console_secret"), key),
        max_age=int(settings.console.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.console.cookie_secure,
        path=COOKIE_PATH,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, staff: ConsoleStaff) -> Response:
    auth.end_session(session=session, key=request.state.session_key)
    audit_record(session=session, action=AuditAction.SIGNED_OUT, staff=staff, address=_address(request))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path=COOKIE_PATH)
    return response


@router.get("/lang/{language}")
def switch_language(language: str, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        "en" if language == "en" else "zh",
        max_age=365 * 86400,
        samesite="lax",
        path=COOKIE_PATH,
    )
    return response


# The queue and exports


@router.get("/cases")
def queue(
    request: Request,
    session: DbSession,
    staff: ConsoleStaff,
    filters: Annotated[case_queue.CaseFilter, Query()],
) -> Response:
    page = case_queue.queue(session=session, staff=staff, filters=filters)
    return render(request, "queue.html", {"page": page, "filters": filters})


def _export_name(extension: str) -> str:
    return f"cases-{date.today():%Y%m%d}.{extension}"


@router.get("/cases/export.csv")
def export_csv(
    request: Request,
    session: DbSession,
    staff: ConsoleStaff,
    filters: Annotated[case_queue.CaseFilter, Query()],
) -> Response:
    rows = exports.export_rows(session=session, staff=staff, filters=filters, channel="csv")
    return Response(
        exports.to_csv(rows, translator(request).language),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_export_name("csv")}"'},
    )


@router.get("/cases/export.xlsx")
def export_xlsx(
    request: Request,
    session: DbSession,
    staff: ConsoleStaff,
    filters: Annotated[case_queue.CaseFilter, Query()],
) -> Response:
    rows = exports.export_rows(session=session, staff=staff, filters=filters, channel="xlsx")
    return Response(
        exports.to_xlsx(rows, translator(request).language),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_export_name("xlsx")}"'},
    )


# One case


@router.get("/cases/{number}")
def case_page(request: Request, number: str, session: DbSession, staff: ConsoleStaff) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    view = case_page_view.case_view(session=session, case=case, staff=staff)
    return render(request, "case.html", {"view": view, "case": case, "detail": view.detail})


@router.get("/cases/{number}/print")
def case_print(request: Request, number: str, session: DbSession, staff: ConsoleStaff) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    view = case_page_view.case_view(session=session, case=case, staff=staff)
    return render(request, "print.html", {"view": view, "case": case, "detail": view.detail})


@router.post("/cases/{number}/transition")
def change_status(
    number: str,
    session: DbSession,
    staff: ConsoleStaff,
    to: Annotated[CaseStatus, Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
    resolution: Annotated[str, Form(max_length=5000)] = "",
    outcome: Annotated[str, Form()] = "",
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    status_flow.change_status(
        session=session,
        case=case,
        to=to,
        actor=staff.actor,
        note=note or None,
        resolution=resolution or None,
        outcome=outcome or None,
    )
    return _back_to(number)


@router.post("/cases/{number}/assign")
def assign(
    number: str, session: DbSession, staff: ConsoleStaff, staff_id: Annotated[int, Form()]
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    cases.assign(
        session=session,
        case=case,
        staff=accounts.get_staff(session=session, staff_id=staff_id),
        actor=staff.actor,
    )
    return _back_to(number)


@router.post("/cases/{number}/notes")
def add_note(
    number: str, session: DbSession, staff: ConsoleStaff, text: Annotated[str, Form(max_length=5000)] = ""
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    cases.add_note(session=session, case=case, author=staff, text=text)
    return _back_to(number)


@router.post("/cases/{number}/reply")
def reply(
    number: str,
    session: DbSession,
    staff: ConsoleStaff,
    text: Annotated[str, Form(max_length=replies.MAX_REPLY_LENGTH)] = "",
    purpose: Annotated[str, Form()] = "reply",
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    replies.reply_to_resident(
        session=session, case=case, staff=staff, text=text, asking_for_information=purpose == "request_info"
    )
    return _back_to(number)


@router.post("/cases/{number}/extend")
def extend(
    number: str,
    session: DbSession,
    staff: ConsoleStaff,
    days: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    cases.extend_deadline(session=session, case=case, days=days, actor=staff.actor, reason=reason)
    return _back_to(number)


@router.post("/cases/{number}/reveal")
def reveal(
    request: Request,
    number: str,
    session: DbSession,
    staff: ConsoleStaff,
    field: Annotated[RevealableField, Form()],
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    value = cases.reveal(session=session, case=case, field=field, actor=staff.actor)
    view = case_page_view.case_view(session=session, case=case, staff=staff)
    view.revealed[field] = value
    return render(request, "case.html", {"view": view, "case": case, "detail": view.detail})


@router.get("/cases/{number}/attachments/{attachment_id}")
def attachment(
    request: Request, number: str, attachment_id: int, session: DbSession, staff: ConsoleStaff
) -> Response:
    case = cases.get_for_staff(session=session, number=number, staff=staff)
    found = case_page_view.attachment_of(session=session, case=case, attachment_id=attachment_id, staff=staff)
    data = attachment_store.read(settings=settings_of(request), attachment=found)
    return Response(
        data,
        media_type=found.content_type,
        headers={"Content-Disposition": f'attachment; filename="{number}-{found.id}"'},
    )


# Figures


@router.get("/figures")
def figures_page(
    request: Request,
    session: DbSession,
    staff: SeniorConsoleStaff,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    township: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    default = figures_view.default_period(session=session)
    first = start or default.start
    last = end or (default.end - timedelta(days=1))
    if last < first:
        first, last = last, first
    chosen = staff_service.township_scope(staff=staff, township=township)
    report = figures_view.figures_report(
        session=session, period=Period(first, last + timedelta(days=1)), township=chosen
    )
    tr = translator(request)
    received, resolved = tr("受理数", "Received"), tr("办结数", "Resolved")
    month_chart = charts.bar_chart(
        title=tr("按月", "By month"),
        labels=[label for label, _ in report.by_month],
        series=[
            charts.Series(received, [row.received for _, row in report.by_month]),
            charts.Series(resolved, [row.resolved for _, row in report.by_month]),
        ],
    )
    category_chart = charts.bar_chart(
        title=tr("按类别", "By category"),
        labels=[tr.category(row.group or "other") for row in report.by_category],
        series=[
            charts.Series(received, [row.received for row in report.by_category]),
            charts.Series(resolved, [row.resolved for row in report.by_category]),
        ],
    )
    township_chart = charts.bar_chart(
        title=tr("按乡镇（街道）", "By township"),
        labels=[row.group or "" for row in report.by_township],
        series=[
            charts.Series(received, [row.received for row in report.by_township]),
            charts.Series(resolved, [row.resolved for row in report.by_township]),
            charts.Series(tr("超期", "Overdue"), [row.overdue for row in report.by_township]),
        ],
    )
    return render(
        request,
        "figures.html",
        {
            "report": report,
            "start": first,
            "end": last,
            "township": chosen,
            "month_chart": month_chart,
            "category_chart": category_chart,
            "township_chart": township_chart,
        },
    )


# Staff accounts and the audit log (admins)


@router.get("/staff")
def staff_page(request: Request, session: DbSession, admin: AdminConsoleStaff) -> Response:
    return render(request, "staff.html", {"people": accounts.list_staff(session=session), "token": None})


@router.post("/staff")
def add_staff(
    session: DbSession,
    admin: AdminConsoleStaff,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[StaffRole, Form()],
    township: Annotated[str, Form(max_length=50)] = "",
    display_name: Annotated[str, Form(max_length=64)] = "",
    villages: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    accounts.add_staff(
        session=session,
        username=username,
        password=password,
        role=role,
        township=township or None,
        display_name=display_name or None,
        by=admin,
        villages=[name for name in re.split(r"[,，、\s]+", villages) if name],
    )
    return RedirectResponse("/console/staff", status_code=303)


@router.post("/staff/{staff_id}/active")
def set_active(
    staff_id: int, session: DbSession, admin: AdminConsoleStaff, active: Annotated[str, Form()]
) -> Response:
    target = accounts.get_staff(session=session, staff_id=staff_id)
    accounts.set_active(session=session, target=target, active=active == "1", by=admin)
    return RedirectResponse("/console/staff", status_code=303)


@router.post("/staff/{staff_id}/password")
def reset_password(
    staff_id: int,
    session: DbSession,
    admin: AdminConsoleStaff,
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    target = accounts.get_staff(session=session, staff_id=staff_id)
    accounts.reset_password(session=session, target=target, password=password, by=admin)
    return RedirectResponse("/console/staff", status_code=303)


@router.post("/staff/{staff_id}/tokens")
def issue_token(request: Request, staff_id: int, session: DbSession, admin: AdminConsoleStaff) -> Response:
    target = accounts.get_staff(session=session, staff_id=staff_id)
    token = auth.issue_token(
        session=session, staff=target, by=admin, days=settings_of(request).console.token_days
    )
    return render(
        request,
        "staff.html",
        {"people": accounts.list_staff(session=session), "token": token, "token_for": target.username},
    )


@router.post("/staff/{staff_id}/tokens/revoke")
def revoke_tokens(staff_id: int, session: DbSession, admin: AdminConsoleStaff) -> Response:
    target = accounts.get_staff(session=session, staff_id=staff_id)
    accounts.revoke_staff_tokens(session=session, target=target, by=admin)
    return RedirectResponse("/console/staff", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    session: DbSession,
    admin: AdminConsoleStaff,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    username: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    rows, more = audit_log.audit_log(session=session, page=page, username=username or None)
    return render(
        request, "audit.html", {"rows": rows, "more": more, "page": page, "username": username or ""}
    )
