"""A walk-in case, resolved, whose phone survey is due: what the survey-task tests start from."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.cases import on_behalf
from bot.cases.enums import CaseStatus
from bot.config import Settings
from bot.db.clock import db_now
from bot.db.session import session_scope
from bot.flows.status import change_status
from bot.followups.models import Survey
from bot.staff import service as staff_service


def resolved_walk_in(
    settings: Settings, *, by: str, township: str = "洛河镇", phone: str = "13912345678"
) -> tuple[str, int]:
    """Registers a walk-in case as `by`, resolves it, makes its survey due; (case number, survey id)."""
    with session_scope(settings) as session:
        staff = staff_service.get(session=session, username=by)
        case = on_behalf.register(
            session=session,
            staff=staff,
            case_in=on_behalf.StaffCaseIn(
                kind="dispute",
                category="neighbours",
                township=township,
                description="邻居在公共楼道堆放杂物，影响通行。",
                contact_phone=phone,
                resident_name="李桂兰",
                source="walk_in",
                consent="in_person",
            ),
        ).case
        for to in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
            change_status(session=session, case=case, to=to, actor=staff.actor)
        change_status(
            session=session,
            case=case,
            to=CaseStatus.RESOLVED,
            actor=staff.actor,
            note="双方同意清理楼道",
            outcome="agreement",
        )
        survey = session.scalars(select(Survey).where(Survey.case_id == case.id)).one()
        session.execute(
            update(Survey)
            .where(Survey.id == survey.id)
            .values(due_at=db_now(session=session) - timedelta(seconds=1))
        )
        return case.number, survey.id
