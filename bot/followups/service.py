"""Status notices and satisfaction surveys: what happens after a case changes status.

`on_status_change` is called by `bot.flows.status.change_status` for every status change, so
every path (console, staff API, resident, dispatcher) notifies the same way. Surveys follow
FixMyStreet's questionnaires: a row created when the case is resolved, before anything is sent;
asked once per resolution; at most one open survey per resident; at most two reminders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.actors import Actor
from bot.cases import deadlines, figures, transitions
from bot.cases.enums import CaseStatus
from bot.cases.figures import Period
from bot.cases.models import Case
from bot.db.clock import db_now
from bot.db.errors import DomainError
from bot.district import profile_of
from bot.followups.enums import Rating, Solved, SurveyMethod, SurveyStatus
from bot.followups.models import Survey, SurveyOptOut
from bot.notices import Notice, case_notice
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind
from bot.residents.enums import Channel
from bot.residents.models import Resident
from bot.residents.reach import reachable_identity

SURVEY_INTENT = "followup_survey"
SURVEY_ACTOR = Actor.system("follow-up survey")
# A resident in the middle of a form is asked again this much later.
BUSY_POSTPONE = timedelta(minutes=10)


class NoOpenSurvey(DomainError):
    code = "no_open_survey"


# -- notices ------------------------------------------------------------------------------------


def on_status_change(
    *, session: Session, case: Case, old: CaseStatus, new: CaseStatus, actor: Actor, note: str | None
) -> None:
    """Tells the resident about the change, and schedules the survey once a case is resolved."""
    if new is CaseStatus.ACCEPTED:
        notify(session=session, case=case, kind=Notice.CASE_ACCEPTED)
    elif new is CaseStatus.REJECTED:
        notify(session=session, case=case, kind=Notice.CASE_REJECTED, note=note)
    elif new is CaseStatus.RESOLVED:
        notify(session=session, case=case, kind=Notice.CASE_RESOLVED, note=case.resolution)
        schedule_survey(session=session, case=case)
    elif old is CaseStatus.RESOLVED and new is CaseStatus.IN_PROGRESS and actor != SURVEY_ACTOR:
        # Reopened by staff; a reopening after the survey is answered in the same conversation.
        notify(session=session, case=case, kind=Notice.CASE_REOPENED)


def notify(*, session: Session, case: Case, kind: Notice, note: str | None = None) -> bool:
    """Queues a notice to the resident on the case's channel; False if they cannot be reached."""
    address = _address(case)
    if address is None:
        return False
    channel, recipient = address
    text = case_notice(
        kind,
        language=case.resident.language,
        number=case.number,
        note=note or "",
        due=deadlines.due_text(case.handle_due, case.resident.language) if case.handle_due else "",
    )
    outbox.enqueue(
        session=session,
        resident=case.resident,
        kind=OutboxKind.STATUS_NOTICE,
        body={"replies": [{"text": text, "buttons": []}]},
        channel=channel,
        recipient=recipient,
        case=case,
    )
    return True


def _address(case: Case) -> tuple[Channel, str] | None:
    """Where the resident can be reached: the case's own channel first (bot.residents.reach)."""
    return reachable_identity(case.resident, prefer=case.channel)


# -- surveys ------------------------------------------------------------------------------------


def schedule_survey(*, session: Session, case: Case) -> Survey | None:
    """Creates the survey about this resolution, due after the profile's delay (once per resolution)."""
    if case.resolved_at is None or _opted_out(session, case.resident_id):
        return None
    existing = session.scalar(
        select(Survey).where(Survey.case_id == case.id, Survey.resolved_at == case.resolved_at)
    )
    if existing is not None:
        return existing
    rules = profile_of(session).followups
    survey = Survey(
        case=case,
        resident=case.resident,
        resolved_at=case.resolved_at,
        status=SurveyStatus.SCHEDULED,
        due_at=db_now(session=session) + rules.survey_delay,
        # A resident without a chat (a walk-in, a call, a letter) is called by staff instead.
        method=SurveyMethod.CHAT if _address(case) is not None else SurveyMethod.PHONE,
    )
    session.add(survey)
    session.flush()
    return survey


def send_due(*, session: Session, is_busy: set[int] | None = None) -> int:
    """Asks the due surveys and their reminders through the outbox; marks the silent ones unanswered.

    `is_busy` holds residents in the middle of a form: they are asked later. Returns how many
    outbox items were queued.
    """
    rules = profile_of(session).followups
    now = db_now(session=session)
    queued = 0
    for survey in session.scalars(
        select(Survey)
        .where(Survey.status.in_([SurveyStatus.SCHEDULED, SurveyStatus.SENT]), Survey.due_at <= now)
        .order_by(Survey.due_at, Survey.id)
    ).all():
        reason = _cancel_reason(session, survey, now)
        if reason is not None:
            survey.status, survey.cancel_reason = SurveyStatus.CANCELLED, reason
            continue
        if survey.method is SurveyMethod.PHONE:
            # Staff call from the console's task list (bot.followups.phone) unless the resident
            # has since claimed the case in a chat and no call was tried: then the chat asks.
            if survey.status is not SurveyStatus.SCHEDULED or _address(survey.case) is None:
                continue
            survey.method = SurveyMethod.CHAT
        if survey.status is SurveyStatus.SENT and survey.reminders_sent >= rules.reminders:
            survey.status = SurveyStatus.UNANSWERED
            continue
        if is_busy and survey.resident_id in is_busy:
            survey.due_at = now + BUSY_POSTPONE
            continue
        if survey.status is SurveyStatus.SCHEDULED and _has_open_survey(session, survey):
            survey.due_at = now + rules.reminder_every
            continue
        step = "ask" if survey.status is SurveyStatus.SCHEDULED else f"reminder-{survey.reminders_sent + 1}"
        address = _address(survey.case)
        if address is None:
            if survey.status is SurveyStatus.SCHEDULED and survey.case.contact_phone:
                survey.method = SurveyMethod.PHONE  # the chat is gone: staff call instead
            else:
                survey.status, survey.cancel_reason = SurveyStatus.CANCELLED, "resident cannot be reached"
            continue
        item = outbox.enqueue(
            session=session,
            resident=survey.resident,
            kind=OutboxKind.SURVEY if step == "ask" else OutboxKind.SURVEY_REMINDER,
            body={
                "intent": SURVEY_INTENT,
                "entities": {"case_number": survey.case.number},
            },
            channel=address[0],
            recipient=address[1],
            case=survey.case,
            dedupe_key=f"survey:{survey.id}:{step}",
        )
        queued += item is not None
        if survey.status is SurveyStatus.SCHEDULED:
            survey.status, survey.sent_at = SurveyStatus.SENT, now
        else:
            survey.reminders_sent += 1
        survey.due_at = now + rules.reminder_every
    session.flush()
    return queued


def _cancel_reason(session: Session, survey: Survey, now: datetime) -> str | None:
    if _opted_out(session, survey.resident_id):
        return "resident asked not to be surveyed"
    if survey.case.status is not CaseStatus.RESOLVED or survey.case.resolved_at != survey.resolved_at:
        return f"case is {survey.case.status.value} now"
    if now - survey.resolved_at > profile_of(session).followups.too_old:
        return "case was resolved too long ago"
    return None


def _has_open_survey(session: Session, survey: Survey) -> bool:
    return (
        session.scalar(
            select(Survey.id).where(
                Survey.resident_id == survey.resident_id,
                Survey.status == SurveyStatus.SENT,
                Survey.method == SurveyMethod.CHAT,
                Survey.id != survey.id,
            )
        )
        is not None
    )


def _opted_out(session: Session, resident_id: int) -> bool:
    return session.get(SurveyOptOut, resident_id) is not None


def open_survey(*, session: Session, resident: Resident, case_number: str | None = None) -> Survey:
    """The survey waiting for this resident's answer (about `case_number`, if given)."""
    statement = (
        select(Survey)
        .join(Case)
        .where(
            Survey.resident_id == resident.id,
            Survey.status == SurveyStatus.SENT,
            Survey.method == SurveyMethod.CHAT,
        )
    )
    if case_number:
        statement = statement.where(Case.number == case_number)
    survey = session.scalar(statement.order_by(Survey.sent_at.desc()))
    if survey is None:
        raise NoOpenSurvey("no survey is waiting for this resident's answer")
    return survey


def record_answer(
    *, session: Session, survey: Survey, rating: Rating, solved: Solved, comment: str | None
) -> Survey:
    """Stores the answer; an unhappy or unsolved answer reopens the case, a happy one closes it."""
    if survey.status is not SurveyStatus.SENT:
        raise NoOpenSurvey(f"survey {survey.id} is {survey.status.value}, not waiting for an answer")
    case = survey.case
    survey.rating, survey.solved = rating, solved
    survey.comment = (comment or "").strip()[:2000] or None
    survey.answered_at = db_now(session=session)
    survey.status = SurveyStatus.ANSWERED
    survey.old_status = case.status
    if case.status is CaseStatus.RESOLVED:
        if rating is Rating.NOT_SATISFIED or solved is Solved.NO:
            reason = (
                f"reopened: resident not satisfied ({rating.value}, solved: {solved.value}); for a supervisor"
            )
            _change_status(session=session, case=case, to=CaseStatus.IN_PROGRESS, note=reason)
        else:
            _change_status(
                session=session,
                case=case,
                to=CaseStatus.CLOSED,
                note=f"closed after the follow-up ({rating.value}, solved: {solved.value})",
            )
    survey.new_status = case.status
    session.flush()
    return survey


def _change_status(*, session: Session, case: Case, to: CaseStatus, note: str) -> None:
    """The survey's own status change: the rule, then what follows from it (as bot.flows.status
    does for everyone else; the follow-ups domain cannot call a flow)."""
    old = case.status
    event = transitions.transition(session=session, case=case, to=to, actor=SURVEY_ACTOR, note=note)
    on_status_change(
        session=session, case=case, old=old, new=case.status, actor=SURVEY_ACTOR, note=event.note
    )


def opt_out(*, session: Session, resident: Resident) -> int:
    """The resident is never surveyed again; open and scheduled surveys are cancelled. Returns how many."""
    if not _opted_out(session, resident.id):
        session.add(SurveyOptOut(resident_id=resident.id))
    pending = session.scalars(
        select(Survey).where(
            Survey.resident_id == resident.id, Survey.status.in_([SurveyStatus.SCHEDULED, SurveyStatus.SENT])
        )
    ).all()
    for survey in pending:
        survey.status, survey.cancel_reason = SurveyStatus.CANCELLED, "resident asked not to be surveyed"
    session.flush()
    return len(pending)


def answers(
    *, session: Session, period: Period, township: str | None = None, limit: int = 200
) -> list[Survey]:
    """Answered surveys about the cases received in `period` (the figures' cohort), newest first."""
    start, end = figures.bounds(session, period)
    statement = (
        select(Survey)
        .join(Case, Survey.case_id == Case.id)
        .where(Survey.status == SurveyStatus.ANSWERED, Case.created_at >= start, Case.created_at < end)
    )
    if township is not None:
        statement = statement.where(Case.township == township)
    return list(session.scalars(statement.order_by(Survey.answered_at.desc()).limit(limit)).all())


def forget_resident(*, session: Session, resident: Resident) -> None:
    """Erasure, this domain's part: never surveyed again; open and scheduled surveys cancelled;
    the comments of answered ones and staff's call notes blanked (the rating and answer stay
    for 满意率)."""
    opt_out(session=session, resident=resident)
    session.execute(
        update(Survey).where(Survey.resident_id == resident.id).values(comment=None, last_call_note=None)
    )
