"""Opens a real satisfaction survey for each evaluation resident, for the survey cases of run.py.

    echo '[{"sender": "deval-1a2b-s-hans-01", "lang": "zh-Hans"}]' \
        | .venv/bin/python bench/dialogue_eval/seed_survey.py
    → {"deval-1a2b-s-hans-01": "DT-JF-2026-000123"}

Runs with the project's Python and settings (the same case store as the running stack): for each
web sender, the resident (created as the gateway would), a dispute filed for them, accepted,
handled and resolved by a staff actor, and its survey due now instead of three days after the
resolution (the Datong profile's delay): the running stack's dispatcher then asks it within a few
seconds, exactly as it asks a real one. With `--mark-sent` the survey is marked sent instead, as
the dispatcher marks it when it asks, for an evaluation that starts the survey in Rasa itself
(run.py --direct). Only for a throwaway stack: it writes cases.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actors import Actor, ActorRole
from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.cases.schemas import CaseCreate
from bot.db.clock import db_now
from bot.district import profile_of
from bot.flows.status import change_status
from bot.followups.enums import SurveyStatus
from bot.followups.models import Survey
from bot.residents import service as residents

DISPUTE = {
    "kind": "dispute",
    "category": "neighbours",
    "township": "洛河镇",
    "title": "评测用：邻居噪音",
    "description": "评测用的事项（bench/dialogue_eval），不是真实居民的事。",
    "other_party": "楼上住户",
    "request": "希望调解",
    "contact_phone": "13800000000",
    "channel": "web",
}
STAFF = Actor(role=ActorRole.SUPERVISOR, label="dialogue evaluation")


def open_survey_for(
    session: Session, sender: str, language: str | None = None, *, mark_sent: bool = False
) -> str:
    """The number of a resolved case of this web resident whose survey is due now (or, with
    `mark_sent`, waits for an answer)."""
    resident = residents.for_channel(session=session, channel="web", external_id=sender)
    if language:
        residents.set_language(session=session, resident=resident, language=language)
    case = cases.create(session=session, case_in=CaseCreate.model_validate(DISPUTE), resident=resident)
    change_status(session=session, case=case, to=CaseStatus.ACCEPTED, actor=STAFF)
    change_status(session=session, case=case, to=CaseStatus.IN_PROGRESS, actor=STAFF)
    change_status(
        session=session,
        case=case,
        to=CaseStatus.RESOLVED,
        actor=STAFF,
        note="评测用",
        resolution="评测用：双方达成调解协议",
        outcome="agreement",
    )
    survey = session.scalars(select(Survey).where(Survey.case_id == case.id)).one()
    now = db_now(session=session)
    if mark_sent:
        survey.status, survey.sent_at = SurveyStatus.SENT, now
        survey.due_at = now + profile_of(session).followups.reminder_every
    else:
        survey.due_at = now
    session.flush()
    return case.number


def main() -> int:
    from bot.config import load_settings
    from bot.db.session import session_scope

    parser = argparse.ArgumentParser(description="open surveys for the senders read from stdin (JSON)")
    parser.add_argument("--mark-sent", action="store_true", help="mark them sent (run.py --direct)")
    args = parser.parse_args()
    wanted: list[dict[str, Any]] = json.loads(sys.stdin.read() or "[]")
    numbers: dict[str, str] = {}
    with session_scope(load_settings()) as session:
        for item in wanted:
            numbers[item["sender"]] = open_survey_for(
                session, item["sender"], item.get("lang"), mark_sent=args.mark_sent
            )
    print(json.dumps(numbers, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
