"""Exports in the console's language with real date cells (issue 24)."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from bot.console import exports

ROW = {
    "number": "DT-JF-2026-000001",
    "kind": "dispute",
    "category": "neighbours",
    "status": "registered",
    "township": "洛河镇",
    "village": "",
    "title": "=HYPERLINK(1)",
    "received": "2026-12-03 10:15",
    "accept_due": "2026-12-08",
    "handle_due": "",
    "assigned_to": "",
    "urgent": "yes",
    "elderly": "",
    "outcome": "",
    "resolved": "",
}


def test_a_chinese_console_exports_chinese_headers_and_values() -> None:
    text = exports.to_csv([ROW], "zh").decode("utf-8-sig")
    header, line = text.splitlines()[:2]
    assert header.startswith("编号,类型,类别,状态,乡镇（街道）")
    assert "矛盾纠纷" in line and "待受理" in line and ",是," in line
    assert "dispute" not in line and "registered" not in line
    assert "'=HYPERLINK" in line  # still never a formula


def test_an_english_console_exports_english_headers_and_values() -> None:
    text = exports.to_csv([ROW], "en").decode("utf-8-sig")
    header, line = text.splitlines()[:2]
    assert header.startswith("Case number,Kind,Category,Status")
    assert ",Dispute," in line and ",Registered," in line and ",Yes," in line
    assert "2026-12-08" in line and "2026-12-03 10:15" in line


def test_the_xlsx_export_has_real_date_cells() -> None:
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([ROW], "zh"))).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))

    assert sheet.title == "案件"
    assert cells["受理期限"].value == datetime(2026, 12, 8) and cells["受理期限"].is_date
    assert cells["受理期限"].number_format == exports.DATE_FORMAT
    assert cells["登记时间"].value == datetime(2026, 12, 3, 10, 15) and cells["登记时间"].is_date
    assert cells["类型"].value == "矛盾纠纷" and cells["状态"].value == "待受理"
    assert cells["办理期限"].value in (None, "")


def test_dates_may_already_be_dates() -> None:
    row = {**ROW, "accept_due": date(2026, 12, 8), "received": datetime(2026, 12, 3, 10, 15)}
    assert exports.localised([row], "en")[0][8] == date(2026, 12, 8)
