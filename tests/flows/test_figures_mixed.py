"""The figures over a mixed set of cases match a hand count: chat cases with chat survey answers,
walk-in and phone cases with phone survey answers, and backlog cases imported with their old
dates and survey answers, each counted in the month it was received."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.cases import on_behalf
from bot.cases.enums import CaseStatus
from bot.cases.figures import Figures, Period
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.district import profile_of
from bot.flows import backlog
from bot.flows.figures import figures, figures_by
from bot.flows.status import change_status
from bot.followups import phone
from bot.followups import service as followups
from bot.followups.enums import Rating, Solved
from bot.staff.models import StaffUser
from tests.cases.importing.backlog_file import write_csv
from tests.followups.test_surveys import make_due, resolve, survey_of


def _old(reference: str, kind: str, status: str, received: str, **more: str) -> dict[str, Any]:
    return {
        "原编号": reference,
        "类型": kind,
        "来源": more.pop("来源", "来访"),
        "乡镇（街道）": "洛河镇",
        "事项描述": "旧案：因宅基地边界发生争执。",
        "联系电话": "13800001234",
        "状态": status,
        "登记时间": received,
        **more,
    }


# March 2025, by hand: 7 received; accepted 4 (rows 1, 2, 3, 5); rejected 1; withdrawn 1;
# resolved 3 (rows 1-3) → 办结率 3/7 = 42.86; disputes concluded 2, settled 1 → 化解率 50.00;
# answers 3, satisfied 2 (满意, 基本满意; not 不满意) → 满意率 66.67; overdue 2 (row 5 in progress
# since March, row 6 never decided on). April 2025: one closed dispute, settled, 满意.
BACKLOG = [
    _old(
        "OLD-1",
        "纠纷",
        "已结案",
        "2025-03-03",
        受理时间="2025-03-04",
        办结时间="2025-03-10",
        结案时间="2025-03-15",
        处理情况="调解达成协议",
        办理结果="调解成功",
        满意度="满意",
    ),
    _old(
        "OLD-2",
        "纠纷",
        "已办结",
        "2025-03-05",
        受理时间="2025-03-05",
        办结时间="2025-03-20",
        处理情况="调解未成，告知诉讼途径",
        办理结果="调解不成",
        满意度="不满意",
        是否解决="未解决",
    ),
    _old(
        "OLD-3",
        "信访",
        "已办结",
        "2025-03-08",
        来源="来信",
        受理时间="2025-03-09",
        办结时间="2025-03-30",
        处理情况="已书面答复",
        办理结果="已答复",
        满意度="基本满意",
    ),
    _old("OLD-4", "纠纷", "不予受理", "2025-03-10", 结案时间="2025-03-11", 处理情况="属法院管辖"),
    _old("OLD-5", "纠纷", "正在办理", "2025-03-12", 来源="网格排查", 受理时间="2025-03-13"),
    _old("OLD-6", "咨询", "待受理", "2025-03-20", 来源="电话"),
    _old("OLD-7", "纠纷", "已撤回", "2025-03-25", 结案时间="2025-03-26", 处理情况="双方自行和解"),
    _old(
        "OLD-8",
        "纠纷",
        "已结案",
        "2025-04-02",
        受理时间="2025-04-02",
        办结时间="2025-04-09",
        结案时间="2025-04-12",
        处理情况="调解达成协议",
        办理结果="调解成功",
        满意度="满意",
    ),
]


def _counts(row: Figures) -> tuple[Any, ...]:
    return (
        row.received,
        row.accepted,
        row.rejected,
        row.withdrawn,
        row.resolved,
        row.overdue,
        row.banjie_rate,
        row.huajie_rate,
        row.followups_answered,
        row.followups_satisfied,
        row.manyi_rate,
    )


@pytest.fixture
def supervisor(make_staff: Callable[..., StaffUser]) -> StaffUser:
    return make_staff("supervisor")


def _staff_case(session: Session, staff: StaffUser, source: str) -> Case:
    return on_behalf.register(
        session=session,
        staff=staff,
        case_in=on_behalf.StaffCaseIn(
            kind="dispute",
            category="neighbours",
            township="洛河镇",
            description="楼道堆放杂物。",
            contact_phone="13912345678",
            resident_name="李桂兰",
            source=source,
            consent="in_person",
        ),
    ).case


def test_the_figures_match_a_hand_count_over_chat_walk_in_phone_and_imported_cases(
    session: Session, make_case: Callable[..., Case], supervisor: StaffUser, tmp_path: Path
) -> None:
    report = backlog.import_cases(session=session, path=write_csv(BACKLOG, tmp_path / "old.csv"))
    assert report.ok, report.lines()
    actor = supervisor.actor
    # This month: a chat case answered in the chat (满意); a chat case still registered; a walk-in
    # answered by phone (不满意: reopened, so no longer resolved); a phone case answered by phone
    # (满意, no agreement); a walk-in rejected.
    chat = resolve(session, make_case(), actor)
    make_due(session, survey_of(session, chat))
    followups.send_due(session=session)
    followups.record_answer(
        session=session,
        survey=survey_of(session, chat),
        rating=Rating.SATISFIED,
        solved=Solved.YES,
        comment=None,
    )
    make_case()
    walk_in = resolve(session, _staff_case(session, supervisor, "walk_in"), actor)
    phoned = _staff_case(session, supervisor, "phone")
    for to in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
        change_status(session=session, case=phoned, to=to, actor=actor)
    change_status(
        session=session,
        case=phoned,
        to=CaseStatus.RESOLVED,
        actor=actor,
        note="未达成协议",
        outcome="no_agreement",
    )
    change_status(
        session=session,
        case=_staff_case(session, supervisor, "walk_in"),
        to=CaseStatus.REJECTED,
        actor=actor,
        note="不属于受理范围",
    )
    for case, rating, solved in (
        (walk_in, Rating.NOT_SATISFIED, Solved.NO),
        (phoned, Rating.SATISFIED, Solved.YES),
    ):
        make_due(session, survey_of(session, case))
        phone.record_phone_answer(
            session=session, survey=survey_of(session, case), staff=supervisor, rating=rating, solved=solved
        )

    d = Decimal
    assert _counts(figures(session=session, period=Period.month(2025, 3))) == (
        7,
        4,
        1,
        1,
        3,
        2,
        d("42.86"),
        d("50.00"),
        3,
        2,
        d("66.67"),
    )
    assert _counts(figures(session=session, period=Period.month(2025, 4))) == (
        1,
        1,
        0,
        0,
        1,
        0,
        d("100.00"),
        d("100.00"),
        1,
        1,
        d("100.00"),
    )
    now = db_now(session=session).astimezone(profile_of(session).zone)
    this_month = Period.month(now.year, now.month)
    assert _counts(figures(session=session, period=this_month)) == (
        5,
        3,
        1,
        0,
        2,
        0,
        d("40.00"),
        d("50.00"),
        3,
        2,
        d("66.67"),
    )
    by_source = {row.group: row for row in figures_by(session=session, by="source", period=this_month)}
    assert (by_source["chat"].received, by_source["chat"].followups_satisfied) == (2, 1)
    assert (by_source["walk_in"].received, by_source["walk_in"].followups_answered) == (2, 1)
    assert by_source["walk_in"].manyi_rate == d("0.00")
    assert (by_source["phone"].received, by_source["phone"].manyi_rate) == (1, d("100.00"))
    year = {row.group: row for row in figures_by(session=session, by="source", period=Period.year(2025))}
    assert (year["walk_in"].received, year["letter"].received, year["patrol"].received) == (5, 1, 1)
