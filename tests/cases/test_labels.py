"""Staff and residents call a case's status and kind by the same words."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.cases import labels
from bot.cases.enums import CaseKind, CaseStatus
from bot.cases.models import Case
from bot.console.i18n import Translator
from bot.intake import service as intake


def test_every_status_and_kind_has_a_label() -> None:
    assert set(labels.STATUS) == set(CaseStatus)
    assert set(labels.KIND) == set(CaseKind)


def test_a_closed_case_is_called_the_same_in_the_console_and_in_the_chat(
    session: Session, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    case.status = CaseStatus.CLOSED

    assert Translator("zh").status(CaseStatus.CLOSED) == "已结案"
    assert "已结案" in intake.describe(case, "zh-Hans")


def test_the_console_and_the_chat_use_the_same_kind_words(make_case: Callable[..., Case]) -> None:
    case = make_case("petition")

    assert Translator("zh").kind(case.kind) in intake.describe(case, "zh-Hans")
    assert Translator("en").kind(case.kind).lower() in intake.describe(case, "en")
