"""What is wrong with a backlog file: every problem, by row and column, as the sheet numbers them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    # The spreadsheet's row number (the header is row 1); 0 for the file as a whole.
    row: int
    # The column's header as the file spells it; "" for the row or the file as a whole.
    column: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Report:
    """A dry run's or an import's result: the rows read, the problems, the cases made."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    # (row, original number, new number) of each case imported (a dry run: that would be).
    imported: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def rows_with_problems(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})

    def lines(self) -> list[str]:
        return [str(problem) for problem in sorted(self.problems)]
