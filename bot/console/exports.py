"""The case list as CSV and XLSX files: the rows (no personal data, audited) and the files, in
the console's language (issue 24): headers and values as staff read them on the pages (矛盾纠纷,
待受理 / Dispute, Registered), and in XLSX real date and date-time cells that sort and filter as
dates."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy.orm import Session

from bot.cases import queue
from bot.cases.queue import CaseFilter
from bot.console.i18n import ConsoleLanguage, Translator
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

HEADERS: dict[str, tuple[str, str]] = {
    "number": ("编号", "Case number"),
    "kind": ("类型", "Kind"),
    "category": ("类别", "Category"),
    "status": ("状态", "Status"),
    "township": ("乡镇（街道）", "Township"),
    "village": ("村（社区）", "Village"),
    "title": ("标题", "Title"),
    "received": ("登记时间", "Received"),
    "accept_due": ("受理期限", "Decision due"),
    "handle_due": ("办理期限", "Handling due"),
    "assigned_to": ("承办人", "Assigned to"),
    "urgent": ("紧急", "Urgent"),
    "elderly": ("涉老", "Older resident"),
    "outcome": ("办理结果", "Outcome"),
    "resolved": ("办结时间", "Resolved"),
}
_DATES = frozenset({"accept_due", "handle_due"})
_MOMENTS = frozenset({"received", "resolved"})
_FLAGS = frozenset({"urgent", "elderly"})
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def headers(language: ConsoleLanguage) -> list[str]:
    tr = Translator(language)
    return [tr(*HEADERS[column]) for column in EXPORT_COLUMNS]


def _value(column: str, raw: Any, tr: Translator) -> Any:
    """One cell as staff read it: a label for a code, a date or date-time for a date, else text."""
    if raw in (None, ""):
        return ""
    if column == "kind":
        return tr.kind(raw)
    if column == "category":
        return tr.category(raw)
    if column == "status":
        return tr.status(raw)
    if column == "outcome":
        return tr.outcome(raw)
    if column in _FLAGS:
        return tr("是", "Yes")
    if column in _DATES:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    if column in _MOMENTS:
        return raw if isinstance(raw, datetime) else datetime.strptime(str(raw), "%Y-%m-%d %H:%M")
    return _cell(raw)


def localised(rows: Sequence[dict[str, Any]], language: ConsoleLanguage) -> list[list[Any]]:
    """The rows' cells in the console's language, dates as date and datetime objects."""
    tr = Translator(language)
    return [[_value(column, row[column], tr) for column in EXPORT_COLUMNS] for row in rows]


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], language: ConsoleLanguage = "zh") -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly; dates as
    YYYY-MM-DD (and HH:MM), which spreadsheets read as dates."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(language))
    for cells in localised(rows, language):
        writer.writerow([_text(value) for value in cells])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[dict[str, Any]], language: ConsoleLanguage = "zh") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(Translator(language)("案件", "Cases"))
    sheet.append(headers(language))
    for cells in localised(rows, language):
        sheet.append([_xlsx_cell(sheet, value) for value in cells])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MOMENT_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    return value
