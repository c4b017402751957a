"""A 200-row backlog as a centre's sheet would hold it, with errors in known rows.

`backlog(errors=True)` gives the rows (Chinese headers) and `EXPECTED`, the (row, column) of every
problem the dry run must report; `errors=False` gives the same file corrected.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.cases.importing.columns import COLUMNS

HEADERS = [column.zh for column in COLUMNS]
ROWS = 200
TOWNSHIPS = [("大通街道", "居南社区"), ("洛河镇", ""), ("上窑镇", ""), ("九龙岗镇", ""), ("孔店乡", "毛郢村")]
SOURCES = ["来访", "电话", "网格排查", "来信", "来访"]
# Statuses in a cycle; the dates each needs are filled in below.
STATUSES = ["已结案", "已办结", "正在办理", "已受理", "待受理", "不予受理", "已撤回", "已结案"]
KINDS = ["矛盾纠纷", "矛盾纠纷", "信访事项", "矛盾纠纷", "咨询"]
CATEGORIES = {"矛盾纠纷": "邻里纠纷", "信访事项": "社会保障", "咨询": "其他"}

# Sheet row → the columns the dry run must name for it (row 1 is the header).
EXPECTED: dict[int, set[str]] = {
    5: {"联系电话"},  # too short for a phone number
    12: {"乡镇（街道）"},  # not a township of the district
    19: {"办结时间"},  # resolved without the day it was
    33: {"登记时间"},  # not a date
    47: {"类型"},  # not a kind
    58: {"办结时间"},  # resolved before it was accepted
    71: {"身份证号"},  # wrong check digit
    88: {"原编号"},  # the same original number as row 87
    98: {"办理结果"},  # a resolved dispute without its result: the transition rule refuses it
    122: {"满意度"},  # not an answer
    150: {"来源", "事项描述"},  # two problems in one row
    196: {"满意度"},  # a survey answer for a case still in progress
}


def _row(index: int) -> dict[str, Any]:
    """The index-th case (0-based), correct; sheet row index + 2."""
    kind = KINDS[index % len(KINDS)]
    status = STATUSES[index % len(STATUSES)]
    township, village = TOWNSHIPS[index % len(TOWNSHIPS)]
    received = date(2025, 1 + index % 12, 1 + index % 27)
    row: dict[str, Any] = {
        "原编号": f"DTZZ-2025-{index + 1:04d}",
        "类型": kind,
        "类别": CATEGORIES[kind],
        "来源": SOURCES[index % len(SOURCES)],
        "乡镇（街道）": township,
        "村（社区）": village,
        "标题": f"旧案第{index + 1}件",
        "事项描述": f"第{index + 1}件：双方因排水沟堵塞发生争执，多次协商未果。",
        "对方当事人": "邻居" if kind == "矛盾纠纷" else "",
        "诉求": "希望尽快处理",
        "当事人姓名": f"张{index + 1}",
        "联系电话": f"1380000{index:04d}",
        "身份证号": "11010519491231002X" if kind == "信访事项" else "",
        "紧急": "是" if index % 17 == 0 else "",
        "涉老": "是" if index % 9 == 0 else "否",
        "状态": status,
        "登记时间": received.isoformat(),
    }
    accepted = received + timedelta(days=1)
    resolved = received + timedelta(days=10)
    if status in ("已受理", "正在办理", "已办结", "已结案"):
        row["受理时间"] = accepted.isoformat()
    if status in ("已办结", "已结案"):
        row["办结时间"] = resolved.isoformat()
        row["处理情况"] = "经村调委会调解，双方达成协议。"
        row["办理结果"] = "调解成功" if index % 3 else "调解不成"
        if kind != "矛盾纠纷":
            row["办理结果"] = "已答复"
        if index % 2 == 0:
            row["满意度"] = ["满意", "基本满意", "不满意"][index % 3]
            row["是否解决"] = "已解决"
            row["回访时间"] = (resolved + timedelta(days=3)).isoformat()
    if status == "已结案":
        row["结案时间"] = (resolved + timedelta(days=5)).isoformat()
    if status in ("不予受理", "已撤回"):
        row["结案时间"] = (received + timedelta(days=2)).isoformat()
        row["处理情况"] = "不属于受理范围，已告知向法院起诉。" if status == "不予受理" else "当事人自行和解"
    return row


def backlog(*, errors: bool) -> list[dict[str, Any]]:
    rows = [_row(index) for index in range(ROWS)]
    if not errors:
        return rows

    def at(sheet_row: int) -> dict[str, Any]:
        return rows[sheet_row - 2]

    at(5)["联系电话"] = "1381234"
    at(12)["乡镇（街道）"] = "不存在镇"
    assert at(19)["状态"] in ("已办结", "已结案")
    del at(19)["办结时间"]
    at(33)["登记时间"] = "2025-13-45"
    at(47)["类型"] = "投诉"
    assert "受理时间" in at(58) and "办结时间" in at(58)
    at(58)["办结时间"] = "2024-12-01"
    at(71)["身份证号"] = "110105194912310021"
    at(88)["原编号"] = at(87)["原编号"]
    assert at(98)["类型"] == "矛盾纠纷" and at(98)["状态"] in ("已办结", "已结案")
    del at(98)["办理结果"]
    assert "满意度" in at(122)
    at(122)["满意度"] = "还行"
    at(150)["来源"] = "传真"
    at(150)["事项描述"] = ""
    assert at(196)["状态"] == "正在办理"
    at(196)["满意度"] = "满意"
    return rows


def write_xlsx(rows: list[dict[str, Any]], path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header, "") for header in HEADERS])
    workbook.save(path)
    return path


def write_csv(
    rows: list[dict[str, Any]], path: Path, encoding: str = "utf-8-sig", *, english: bool = False
) -> Path:
    """The rows as CSV; `english`: with the English headers."""
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow([column.en for column in COLUMNS] if english else HEADERS)
        for row in rows:
            writer.writerow([row.get(header, "") for header in HEADERS])
    return path
