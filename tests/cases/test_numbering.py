"""Case numbers: prefix, kind, year and a sequence without gaps, also under concurrency."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.deadlines import local_date
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.district import DistrictProfile
from bot.residents import service as residents
from tests.conftest import build_case_input


def _year(case: Case, profile: DistrictProfile) -> int:
    return local_date(case.created_at, profile.zone).year


def _sequence(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_a_dispute_is_numbered_with_prefix_kind_year_and_sequence(
    make_case: Callable[..., Case], session: Session, profile: DistrictProfile
) -> None:
    case = make_case("dispute")
    session.refresh(case)

    assert case.number == f"DT-JF-{_year(case, profile)}-000001"


def test_each_kind_has_its_own_sequence(make_case: Callable[..., Case]) -> None:
    numbers = [make_case(kind).number for kind in ("dispute", "petition", "consultation", "petition")]

    assert [re.sub(r"-\d{4}-", "-", number) for number in numbers] == [
        "DT-JF-000001",
        "DT-XF-000001",
        "DT-ZX-000001",
        "DT-XF-000002",
    ]


def test_a_case_that_is_rolled_back_gives_its_number_back(committed: Settings) -> None:
    with session_scope(committed) as session:
        owner = residents.for_channel(session=session, channel="web", external_id="r")
        first = cases.create(session=session, case_in=build_case_input(), resident=owner).number
    with pytest.raises(RuntimeError), session_scope(committed) as session:
        owner = residents.for_channel(session=session, channel="web", external_id="r")
        cases.create(session=session, case_in=build_case_input(), resident=owner)
        raise RuntimeError("the intake action failed after numbering")
    with session_scope(committed) as session:
        owner = residents.for_channel(session=session, channel="web", external_id="r")
        third = cases.create(session=session, case_in=build_case_input(), resident=owner).number

    assert (_sequence(first), _sequence(third)) == (1, 2)


def test_200_cases_from_8_concurrent_workers_get_200_numbers_without_gaps(committed: Settings) -> None:
    workers, per_worker = 8, 25
    with session_scope(committed) as session:
        owners = [
            residents.for_channel(session=session, channel="telegram", external_id=f"w{index}").id
            for index in range(workers)
        ]
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(owner_id: int) -> None:
        try:
            start.wait()
            for _ in range(per_worker):
                with session_scope(committed) as session:
                    owner = residents.get(session=session, resident_id=owner_id)
                    cases.create(session=session, case_in=build_case_input("petition"), resident=owner)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(owner,)) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with session_scope(committed) as session:
        numbers = session.scalars(select(Case.number)).all()
    assert errors == []
    assert sorted(_sequence(number) for number in numbers) == list(range(1, workers * per_worker + 1))
