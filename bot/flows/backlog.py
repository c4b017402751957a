"""Importing the backlog: a spreadsheet's cases and their survey answers, all or nothing.

`import_cases` checks every row (the case's fields as any case's, its status and dates, its
survey answer, that its original number was not imported before) and creates what passes, each
row in a savepoint so that one bad row cannot spoil another's check. The caller commits only if
`report.ok` and it is not a dry run; otherwise it rolls everything back, so a dry run and a real
run find exactly the same problems.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from bot.cases.importing import rows, sheet
from bot.cases.importing.report import Problem, Report
from bot.cases.importing.service import already_imported, create_imported
from bot.db.clock import db_now
from bot.db.errors import DomainError
from bot.district import profile_of
from bot.followups import imported as imported_surveys

_CASE_PREFIX = re.compile(r"^case [A-Z0-9-]+: ")


def import_cases(*, session: Session, path: Path) -> Report:
    """Reads `path` and creates its cases in the session; every problem is in the report."""
    read = sheet.read(path)
    report = Report(rows=len(read.rows), problems=list(read.problems))
    if any(problem.message.startswith("missing column") or problem.row == 0 for problem in read.problems):
        return report
    profile = profile_of(session)
    now = db_now(session=session)
    first_row: dict[str, int] = {}
    for row in read.rows:
        checked = rows.check(read, row, profile=profile, now=now)
        status = checked.status if isinstance(checked, rows.BacklogRow) else None
        answer = imported_surveys.check(
            row=row.number, cells=row.cells, status=status, header=read.header, zone=profile.zone
        )
        problems = [
            *(checked if isinstance(checked, list) else []),
            *(answer if isinstance(answer, list) else []),
        ]
        reference = str(row.cells.get("reference", "")).strip()
        if reference:
            if reference in first_row:
                problems.append(
                    Problem(row.number, read.header("reference"), f"the same as row {first_row[reference]}")
                )
            else:
                first_row[reference] = row.number
                number = already_imported(session=session, reference=reference)
                if number is not None:
                    problems.append(
                        Problem(row.number, read.header("reference"), f"already imported, as {number}")
                    )
        if problems or not isinstance(checked, rows.BacklogRow):
            report.problems.extend(problems)
            continue
        savepoint = session.begin_nested()
        try:
            case = create_imported(session=session, row=checked)
            if isinstance(answer, imported_surveys.ImportedAnswer):
                imported_surveys.record(session=session, case=case, answer=answer)
            session.flush()
        except DomainError as error:
            savepoint.rollback()
            report.problems.append(_refused(read, row.number, str(error)))
            continue
        savepoint.commit()
        report.imported.append((row.number, checked.reference, case.number))
    return report


def _refused(read: sheet.Sheet, row: int, message: str) -> Problem:
    """A case rule's refusal, put in the column it is about."""
    message = _CASE_PREFIX.sub("", message)
    if "outcome" in message:
        key = "outcome"
    elif "resolution" in message or "reason" in message:
        key = "resolution"
    else:
        key = "status"
    return Problem(row, read.header(key), message)
