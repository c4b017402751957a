"""`shuoshi import cases FILE [--dry-run]`: a 200-row backlog with errors in known rows is reported
row by row and column by column, nothing is written; the corrected file is imported whole, with
its old dates, statuses and survey answers; a second import of it is refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.cases.enums import CaseSource, CaseStatus
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.district import profile_of
from bot.followups.enums import SurveyMethod, SurveyStatus
from bot.followups.models import Survey
from tests.cases.importing.backlog_file import EXPECTED, ROWS, backlog, write_csv, write_xlsx


@pytest.fixture
def shuoshi(committed: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    monkeypatch.setattr(cli, "load_settings", lambda: committed)

    def run(*argv: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        return cli.main(list(argv))

    return run


def _cases(settings: Settings) -> int:
    with session_scope(settings) as session:
        return session.scalar(select(func.count(Case.id))) or 0


def _reported(output: str) -> dict[int, set[str]]:
    """`row N, COLUMN: message` lines → the columns named for each row."""
    found: dict[int, set[str]] = {}
    for line in output.splitlines():
        where, _, _ = line.partition(": ")
        row, _, column = where.removeprefix("row ").partition(", ")
        found.setdefault(int(row), set()).add(column)
    return found


def test_the_dry_run_reports_every_problem_by_row_and_column_and_writes_nothing(
    shuoshi: Callable[..., int], committed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(backlog(errors=True), tmp_path / "backlog.xlsx")

    code = shuoshi("import", "cases", str(path), "--dry-run")

    out, err = capsys.readouterr()
    assert code == 1
    assert _reported(out) == EXPECTED
    assert f"{ROWS} rows read, {len(EXPECTED)} with problems" in err
    assert "row 150, 来源: '传真' is not a source" in out
    assert "row 150, 事项描述: empty" in out
    assert "row 5, 联系电话: not a mainland mobile or landline number" in out
    assert "row 19, 办结时间: empty, but a case that is resolved needs it" in out
    assert "row 88, 原编号: the same as row 87" in out
    assert "row 98, 办理结果: a resolved dispute needs an outcome" in out
    assert _cases(committed) == 0


def test_the_real_run_refuses_a_file_with_errors(
    shuoshi: Callable[..., int], committed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(backlog(errors=True), tmp_path / "backlog.xlsx")

    assert shuoshi("import", "cases", str(path)) == 1
    assert _reported(capsys.readouterr().out) == EXPECTED
    assert _cases(committed) == 0  # all or nothing: the 188 good rows are not imported either


def test_the_corrected_file_is_imported_with_its_old_dates_statuses_and_surveys_and_only_once(
    shuoshi: Callable[..., int], committed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = backlog(errors=False)
    path = write_xlsx(rows, tmp_path / "backlog.xlsx")
    assert shuoshi("import", "cases", str(path), "--dry-run") == 0
    assert _cases(committed) == 0

    assert shuoshi("import", "cases", str(path)) == 0

    assert f"{ROWS} cases imported" in capsys.readouterr().out
    with session_scope(committed) as session:
        zone = profile_of(session).zone
        cases = {case.reference: case for case in session.scalars(select(Case))}
        assert len(cases) == ROWS
        first = cases["DTZZ-2025-0001"]  # 已结案, a dispute from a walk-in, received 2025-01-01
        assert first.number.startswith("DT-JF-2025-")
        assert first.status is CaseStatus.CLOSED and first.source is CaseSource.WALK_IN
        assert first.created_at.astimezone(zone).date() == date(2025, 1, 1)
        assert first.accepted_at is not None and first.accepted_at.astimezone(zone).date() == date(2025, 1, 2)
        assert first.resolved_at is not None
        assert first.resolved_at.astimezone(zone).date() == date(2025, 1, 11)
        assert first.closed_at is not None and first.closed_at.astimezone(zone).date() == date(2025, 1, 16)
        assert first.handle_due is not None and first.handle_due > date(2025, 1, 2)
        assert first.resident.name == "张1" and first.contact_phone == "13800000000"
        assert [event.created_at.astimezone(zone).date() for event in first.events] == [
            date(2025, 1, 1),
            date(2025, 1, 2),
            date(2025, 1, 2),
            date(2025, 1, 11),
            date(2025, 1, 16),
        ]
        rejected = cases["DTZZ-2025-0006"]
        assert rejected.status is CaseStatus.REJECTED and rejected.accepted_at is None
        assert rejected.events[-1].note == "不属于受理范围，已告知向法院起诉。"
        surveys = session.scalars(select(Survey)).all()
        expected_surveys = sum(1 for row in rows if "满意度" in row)
        assert len(surveys) == expected_surveys > 0
        assert {(s.method, s.status) for s in surveys} == {(SurveyMethod.IMPORTED, SurveyStatus.ANSWERED)}
        numbers = sorted(case.number for case in cases.values() if case.number.startswith("DT-JF-2025-"))
        assert numbers[0] == "DT-JF-2025-000001"  # the normal numbering, in the year received

    assert shuoshi("import", "cases", str(path)) == 1
    out = capsys.readouterr().out
    assert "row 2, 原编号: already imported, as DT-" in out
    assert len(_reported(out)) == ROWS
    assert _cases(committed) == ROWS


def test_a_csv_saved_by_a_chinese_excel_with_english_headers_is_read(
    shuoshi: Callable[..., int], committed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(backlog(errors=False)[:5], tmp_path / "backlog.csv", encoding="gb18030", english=True)
    assert path.read_bytes().startswith(b"Original number,Kind")

    assert shuoshi("import", "cases", str(path)) == 0, capsys.readouterr()
    assert _cases(committed) == 5


def test_a_file_without_the_required_columns_is_refused_before_any_row(
    shuoshi: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "backlog.csv"
    path.write_text("原编号,标题,联系电活\nA-1,旧案,13800000000\n", encoding="utf-8")

    assert shuoshi("import", "cases", str(path), "--dry-run") == 1

    out = capsys.readouterr().out
    assert "row 1, 联系电活: unknown column" in out
    assert "row 1, 类型: missing column (Kind)" in out
    assert "row 2" not in out
