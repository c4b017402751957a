"""The case list as CSV and XLSX files: the rows (no personal data, audited) and the files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from bot.cases import queue
from bot.cases.queue import CaseFilter
from bot.district import profile_of
from bot.staff import audit
from bot.staff import service as staff_service
from bot.staff.audit import AuditAction
from bot.staff.models import StaffUser

EXPORT_COLUMNS = (
    "number",
    "kind",
    "category",
    "status",
    "township",
    "village",
    "title",
    "received",
    "accept_due",
    "handle_due",
    "assigned_to",
    "urgent",
    "elderly",
    "outcome",
    "resolved",
)


def export_rows(
    *, session: Session, staff: StaffUser | None, filters: CaseFilter, channel: str = "console"
) -> list[dict[str, Any]]:
    """The filtered case list for a spreadsheet (no personal data); the export is audited.

    `staff` None is the command line, which sees the whole district.
    """
    zone = profile_of(session).zone
    cases = queue.for_export(session=session, staff=staff, filters=filters)
    names = staff_service.usernames(session=session)
    rows = [
        {
            "number": case.number,
            "kind": case.kind.value,
            "category": case.category.value,
            "status": case.status.value,
            "township": case.township,
            "village": case.village or "",
            "title": case.title,
            "received": case.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "accept_due": case.accept_due.isoformat(),
            "handle_due": case.handle_due.isoformat() if case.handle_due else "",
            "assigned_to": names.get(case.assigned_to_id, "") if case.assigned_to_id else "",
            "urgent": "yes" if case.urgent else "",
            "elderly": "yes" if case.elderly else "",
            "outcome": case.outcome.value if case.outcome else "",
            "resolved": case.resolved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if case.resolved_at
            else "",
        }
        for case in cases
    ]
    audit.record(
        session=session,
        action=AuditAction.CASES_EXPORTED,
        staff=staff,
        username=None if staff is not None else "cli",
        target=filters.describe(),
        detail=f"{len(rows)} cases ({channel})",
    )
    return rows

# A cell starting with one of these is a formula to a spreadsheet: a title typed by a resident
# must never run as one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in EXPORT_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[dict[str, Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cases")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([_cell(row[column]) for column in EXPORT_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
