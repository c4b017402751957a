"""Reads a backlog spreadsheet (XLSX with openpyxl, or CSV) into rows of cells keyed by column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.cases.importing.columns import BY_KEY, COLUMNS, column_for
from bot.cases.importing.report import Problem

Cell = str | date | datetime
# More rows than a centre's backlog has; a bigger file is refused rather than read into memory.
MAX_ROWS = 20_000


@dataclass
class SheetRow:
    number: int
    cells: dict[str, Cell]


@dataclass
class Sheet:
    # Column key → the header as the file spells it (for the report).
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def header(self, key: str) -> str:
        return self.headers.get(key) or BY_KEY[key].zh


def read(path: Path) -> Sheet:
    """The file's rows (blank rows skipped) and what is wrong with its header row."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _xlsx(path)
    elif suffix in (".csv", ".txt"):
        table = _csv(path)
    else:
        return Sheet(problems=[Problem(0, "", f"{path.name}: not an .xlsx or .csv file")])
    return _sheet(table)


def _xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [
            list(row) for _, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)
        ]
    finally:
        workbook.close()


def _csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    # Excel in a Chinese Windows saves CSV as GBK (GB18030 covers it); everything else as UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        text = data.decode("utf-8", errors="replace")
    return [row for _, row in zip(range(MAX_ROWS + 2), csv.reader(io.StringIO(text)), strict=False)]


def _sheet(table: list[list[Any]]) -> Sheet:
    sheet = Sheet()
    if not table:
        sheet.problems.append(Problem(0, "", "the file is empty"))
        return sheet
    positions: dict[int, str] = {}
    for index, raw in enumerate(table[0]):
        header = _text(raw)
        if not header:
            continue
        column = column_for(header)
        if column is None:
            sheet.problems.append(Problem(1, header, "unknown column (README lists the columns)"))
        elif column.key in sheet.headers:
            sheet.problems.append(Problem(1, header, f"the same column as {sheet.headers[column.key]!r}"))
        else:
            sheet.headers[column.key] = header
            positions[index] = column.key
    for column in COLUMNS:
        if column.required and column.key not in sheet.headers:
            sheet.problems.append(Problem(1, column.zh, f"missing column ({column.en})"))
    if len(table) > MAX_ROWS + 1:
        sheet.problems.append(Problem(0, "", f"more than {MAX_ROWS} rows: split the file"))
    for number, raw_row in enumerate(table[1:], start=2):
        cells: dict[str, Cell] = {}
        for index, key in positions.items():
            value = raw_row[index] if index < len(raw_row) else None
            cell = value if isinstance(value, date) else _text(value)
            if cell != "":
                cells[key] = cell
        if cells:
            sheet.rows.append(SheetRow(number, cells))
    return sheet


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A phone number or an old case number typed into a number cell.
        return str(int(value))
    return str(value).strip()
