"""The case list as CSV and XLSX files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from bot.console.service import EXPORT_COLUMNS

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
