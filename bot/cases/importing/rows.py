"""One backlog row → a case to import, or every problem with it by column.

The case's own fields go through `CaseCreate` and `service.check_place`, exactly as a chat or a
staff-registered case does; what only an old case has (its status and the dates it got there) is
checked here: each status needs the dates of the steps before it, in order, none in the future.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.cases import service
from bot.cases.enums import CaseKind, CaseSource, CaseStatus, ResolutionOutcome
from bot.cases.errors import InvalidCase
from bot.cases.importing import values
from bot.cases.importing.report import Problem
from bot.cases.importing.sheet import Sheet, SheetRow
from bot.cases.schemas import CaseCreate
from bot.cases.titles import title_of
from bot.district import DistrictProfile

# Which dates a case in each status must have: the steps it went through.
NEEDS: dict[CaseStatus, tuple[str, ...]] = {
    CaseStatus.REGISTERED: (),
    CaseStatus.ACCEPTED: ("accepted",),
    CaseStatus.REJECTED: ("closed",),
    CaseStatus.WITHDRAWN: ("closed",),
    CaseStatus.IN_PROGRESS: ("accepted",),
    CaseStatus.RESOLVED: ("accepted", "resolved"),
    CaseStatus.CLOSED: ("accepted", "resolved", "closed"),
}
# Dates a case in that status cannot have yet.
CANNOT_HAVE: dict[CaseStatus, tuple[str, ...]] = {
    CaseStatus.REGISTERED: ("accepted", "resolved", "closed"),
    CaseStatus.ACCEPTED: ("resolved", "closed"),
    CaseStatus.REJECTED: ("accepted", "resolved"),
    CaseStatus.WITHDRAWN: ("resolved",),
    CaseStatus.IN_PROGRESS: ("resolved", "closed"),
    CaseStatus.RESOLVED: ("closed",),
    CaseStatus.CLOSED: (),
}
DATE_ORDER = ("received", "accepted", "resolved", "closed")


@dataclass
class BacklogRow:
    """A row that passed every check: what `importing.service.create_imported` needs."""

    row: int
    case_in: CaseCreate
    name: str | None
    status: CaseStatus
    # Aware instants; None where the case never got there.
    dates: dict[str, datetime]
    resolution: str | None
    outcome: ResolutionOutcome | None
    # The cells for other domains (the survey columns), as read.
    cells: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        assert self.case_in.reference is not None
        return self.case_in.reference


def check(
    sheet: Sheet, row: SheetRow, *, profile: DistrictProfile, now: datetime
) -> BacklogRow | list[Problem]:
    """The row as a case to import, or all of its problems."""
    problems: list[Problem] = []
    cells = row.cells

    def problem(key: str, message: str) -> None:
        problems.append(Problem(row.number, sheet.header(key), message))

    def text(key: str) -> str:
        value = cells.get(key, "")
        return value if isinstance(value, str) else value.isoformat()

    def pick(key: str, table: dict[str, Any], what: str, *, required: bool = True) -> Any:
        if not text(key):
            if required:
                problem(key, "empty")
            return None
        try:
            return values.choice(text(key), table, what)
        except ValueError as error:
            problem(key, str(error))
            return None

    kind = pick("kind", values.KINDS, "kind of case (矛盾纠纷, 信访事项, 咨询)")
    category = pick("category", values.CATEGORIES, "category (邻里纠纷, 婚姻家庭纠纷, …)", required=False)
    source = pick("source", values.SOURCES, "source (来访, 电话, 网格排查, 来信, 网上)")
    status = pick(
        "status", values.STATUSES, "status (待受理, 已受理, 不予受理, 已撤回, 正在办理, 已办结, 已结案)"
    )
    outcome = pick("outcome", values.OUTCOMES, "result (调解成功, 调解不成, 已答复, 已转办)", required=False)
    flags = {}
    for key in ("urgent", "elderly"):
        try:
            flags[key] = values.flag(text(key))
        except ValueError as error:
            problem(key, str(error))
    dates: dict[str, datetime] = {}
    for key in DATE_ORDER:
        if key in cells:
            try:
                dates[key] = values.moment(cells[key], profile.zone)
            except ValueError as error:
                problem(key, str(error))
            else:
                if dates[key] > now:
                    problem(key, "in the future")
        elif key == "received":
            problem(key, "empty")

    fields: dict[str, Any] = {
        "kind": kind or CaseKind.CONSULTATION,
        "category": category,
        "township": text("township"),
        "village": text("village"),
        "title": text("title") or (title_of(text("description")) if text("description") else ""),
        "description": text("description"),
        "other_party": text("other_party"),
        "request": text("request"),
        "contact_phone": text("contact_phone"),
        "id_number": text("id_number"),
        "channel": None,
        "source": source or CaseSource.WALK_IN,
        "reference": text("reference"),
        **flags,
    }
    if category is None:
        del fields["category"]
    case_in: CaseCreate | None = None
    try:
        case_in = CaseCreate.model_validate(fields)
    except ValidationError as error:
        for item in error.errors():
            key = str(item["loc"][0]) if item["loc"] else "reference"
            problem(key, _message(item))
    if not text("reference"):
        problem("reference", "empty")
    if text("township"):
        try:
            service.check_place(profile, township=text("township"), village=text("village") or None)
        except InvalidCase as error:
            key, _, message = str(error).partition(": ")
            problem(key if key in ("township", "village") else "township", message)

    if status is not None:
        for key in NEEDS[status]:
            if key not in cells:
                problem(key, f"empty, but a case that is {status.value} needs it")
        for key in CANNOT_HAVE[status]:
            if key in cells:
                problem(key, f"given, but the case is {status.value}")
    ordered = [(key, dates[key]) for key in DATE_ORDER if key in dates]
    for (earlier, first), (later, second) in itertools.pairwise(ordered):
        if second < first:
            problem(later, f"before the {sheet.header(earlier)} ({first.date().isoformat()})")

    if problems or case_in is None or status is None:
        return problems
    name = text("name") or None
    if name is not None and len(name) > 100:
        return [Problem(row.number, sheet.header("name"), "longer than 100 characters")]
    return BacklogRow(
        row=row.number,
        case_in=case_in,
        name=name,
        status=status,
        dates=dates,
        resolution=text("resolution") or None,
        outcome=outcome,
        cells=cells,
    )


def _message(item: Any) -> str:
    """Pydantic's message, as short as the report needs (the column is already named)."""
    if item.get("type") in ("missing", "string_too_short") and not item.get("input"):
        return "empty"
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
    # The privacy checks name their field ("phone: …"); the report names the column instead.
    return re.sub(r"^[a-z_]+: ", "", message)
