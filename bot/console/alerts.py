"""The console's scam-warning page: publish a warning to subscribers, see how many received it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bot.client_address import client_address
from bot.console.deps import DbSession, OfficeConsoleStaff, csrf_protected
from bot.console.rendering import render
from bot.scams import alerts, rules
from bot.staff.audit import record as audit_record

router = APIRouter(prefix="/console", dependencies=[Depends(csrf_protected)], include_in_schema=False)

ALERT_PUBLISHED = "scam_alert_published"  # audit action (stored as text)


@router.get("/alerts")
def alerts_page(
    request: Request, session: DbSession, staff: OfficeConsoleStaff, published: int | None = None
) -> Response:
    sent = [
        (alert, alerts.delivery_counts(session=session, alert=alert))
        for alert in alerts.recent(session=session)
    ]
    return render(
        request,
        "alerts.html",
        {
            "sent": sent,
            "published": published,
            "fraud_types": rules.FRAUD_TYPES,
            "type_names": {item.key: (item.zh, item.en) for item in rules.FRAUD_TYPES},
            "subscribers": alerts.subscriber_count(session=session),
            "error": None,
        },
    )


@router.post("/alerts")
def publish_alert(
    request: Request,
    session: DbSession,
    staff: OfficeConsoleStaff,
    text: Annotated[str, Form(max_length=alerts.MAX_ALERT_TEXT)] = "",
    text_en: Annotated[str, Form(max_length=alerts.MAX_ALERT_TEXT)] = "",
    fraud_type: Annotated[str, Form(max_length=32)] = "",
    townships: Annotated[list[str] | None, Form()] = None,
) -> Response:
    chosen = [name for name in townships or [] if name]
    if staff.township is not None and not chosen:
        chosen = [staff.township]  # a township caseworker warns their own township
    alert = alerts.publish(
        session=session,
        staff=staff,
        text=text,
        text_en=text_en,
        fraud_type=fraud_type or None,
        townships=chosen,
    )
    audit_record(
        session=session,
        action=ALERT_PUBLISHED,
        staff=staff,
        target=f"alert:{alert.id}",
        detail=f"{', '.join(alert.townships) or 'district'}; {alert.recipients} recipients",
        address=client_address(request),
    )
    return RedirectResponse(f"/console/alerts?published={alert.id}", status_code=303)
