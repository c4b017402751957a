"""Family guardians: a resident links one with a one-time code and chooses what they hear.

The resident asks for a code (`create_invite`) and gives it to the family member, who sends it
to the assistant from their own chat (`redeem`). Giving the code is the resident's consent, so
the link is confirmed at once (bot.residents' Guardianship, confirmed_at set), and the resident
is told that someone linked (`linked_notice`), so a link they did not make does not go unseen.

A code is 10 digits (nine thousand million), lives 24 hours and works once; wrong codes are
limited per chat identity (5 a day) and for everyone together (200 an hour), counted in the
case store (bot.limits), so guessing a live code is hopeless. Afterwards a
high-risk check, or the resident saying they paid, sends each guardian who chose to hear it a
short message through the outbox. The message names the fraud type, never the checked text.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot import limits
from bot.db.clock import db_now
from bot.db.errors import DomainError
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind
from bot.residents import service as residents
from bot.residents.models import Guardianship, Resident
from bot.residents.reach import is_english, reachable_identity
from bot.scams import rules
from bot.scams.models import AlertSubscription, GuardianInvite, GuardianNoticeSetting

CODE_DIGITS = 10
CODE_VALID_FOR = timedelta(hours=24)
# Wrong codes one would-be guardian may send, and everyone together.
FAILURES_PER_GUARDIAN = limits.Limit("guardian_code", 5, 24 * 3600)
FAILURES_OVERALL = limits.Limit("guardian_code_all", 200, 3600)
_OVERALL = "everyone"


class InvalidGuardianCode(DomainError):
    code = "invalid_guardian_code"


class TooManyWrongCodes(DomainError):
    """This sender (or everyone together) sent too many wrong codes lately; the code is not read."""

    code = "too_many_wrong_codes"


class GuardianEvent(StrEnum):
    HIGH_RISK = "high_risk"  # a check of the resident's came back high
    PAID = "paid"  # the resident said they had paid or shared a code


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isdigit())


def create_invite(
    *, session: Session, resident: Resident, notify_high_risk: bool = True, notify_paid: bool = True
) -> tuple[GuardianInvite, str]:
    """A new code for the resident (earlier unused ones stop working); returns it once, unhashed."""
    now = db_now(session=session)
    session.execute(
        update(GuardianInvite)
        .where(GuardianInvite.resident_id == resident.id, GuardianInvite.used_at.is_(None))
        .values(expires_at=now)
    )
    # No leading 0: a code must not look like a landline number (0554…) to the masking.
    code = secrets.choice("123456789") + "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS - 1))
    invite = GuardianInvite(
        resident_id=resident.id,
        code_hash=_hash(code),
        notify_high_risk=notify_high_risk,
        notify_paid=notify_paid,
        expires_at=now + CODE_VALID_FOR,
    )
    session.add(invite)
    session.flush()
    return invite, code


def check_attempts(*, session: Session, guardian: Resident) -> None:
    """Raises TooManyWrongCodes if this sender, or everyone together, is past the limit."""
    if limits.exceeded(
        session=session, limit=FAILURES_PER_GUARDIAN, subject=str(guardian.id)
    ) or limits.exceeded(session=session, limit=FAILURES_OVERALL, subject=_OVERALL):
        raise TooManyWrongCodes("too many wrong guardian codes; try again later")


def record_wrong_code(*, session: Session, guardian: Resident) -> None:
    """Counts a wrong code against the sender and against everyone (in its own transaction: the
    failed redeem's is rolled back)."""
    limits.record(session=session, limit=FAILURES_PER_GUARDIAN, subject=str(guardian.id))
    limits.record(session=session, limit=FAILURES_OVERALL, subject=_OVERALL)


def redeem(*, session: Session, guardian: Resident, code: str) -> Guardianship:
    """Links the resident who made the code to `guardian`, confirmed, with the chosen notices,
    and tells the resident. Raises TooManyWrongCodes before reading the code when the sender
    (or everyone) sent too many wrong ones; InvalidGuardianCode for a wrong one."""
    check_attempts(session=session, guardian=guardian)
    digits = normalise_code(code)
    invite = session.scalar(select(GuardianInvite).where(GuardianInvite.code_hash == _hash(digits)))
    now = db_now(session=session)
    if invite is None or invite.used_at is not None or invite.expires_at <= now or len(digits) != CODE_DIGITS:
        raise InvalidGuardianCode("the code is wrong, used or expired")
    resident = invite.resident
    if resident.id == guardian.id:
        raise InvalidGuardianCode("a resident cannot be their own guardian")
    link = residents.guardianship(session=session, resident=resident, guardian=guardian)
    if link is None:
        link = residents.add_guardian(session=session, resident=resident, guardian=guardian)
    residents.confirm_guardian(session=session, guardianship=link)
    setting = session.get(GuardianNoticeSetting, link.id)
    if setting is None:
        setting = GuardianNoticeSetting(guardianship_id=link.id)
        session.add(setting)
    setting.notify_high_risk = invite.notify_high_risk
    setting.notify_paid = invite.notify_paid
    invite.used_at = now
    session.flush()
    _tell_resident_of_link(session=session, link=link)
    return link


def linked_notice(*, english: bool) -> str:
    """What the resident hears when someone links as their guardian with their code."""
    if english:
        return (
            "Shuoshi: someone has just linked as your family guardian with your code. They will hear "
            "when you check a message that looks like a scam. If you did not give anyone a code, "
            'send "remove my guardian" to unlink them.'
        )
    return "【说事·家人守护】刚刚有人用您的绑定码绑定成了您的守护家人，您检查到高风险诈骗消息时TA会收到提醒。如果您没有把绑定码告诉过别人，请发送「解除绑定」。"  # noqa: E501


def _tell_resident_of_link(*, session: Session, link: Guardianship) -> None:
    reach = reachable_identity(link.resident)
    if reach is None:
        return
    channel, recipient = reach
    outbox.enqueue(
        session=session,
        resident=link.resident,
        kind=OutboxKind.GUARDIAN_NOTICE,
        body={"replies": [{"text": linked_notice(english=is_english(link.resident))}]},
        channel=channel,
        recipient=recipient,
        dedupe_key=f"guardian:linked:{link.id}:{link.confirmed_at.isoformat() if link.confirmed_at else ''}"[
            :200
        ],
    )


def guardians_of(*, session: Session, resident: Resident) -> Sequence[Guardianship]:
    """The resident's confirmed guardians."""
    return residents.confirmed_guardians(session=session, resident=resident)


def remove_guardians(*, session: Session, resident: Resident) -> int:
    """Unlinks every guardian of the resident; returns how many there were."""
    return residents.remove_guardians(session=session, resident=resident)


def _wants(setting: GuardianNoticeSetting | None, event: GuardianEvent) -> bool:
    if setting is None:  # linked before settings existed (or by staff): hears both
        return True
    return setting.notify_high_risk if event is GuardianEvent.HIGH_RISK else setting.notify_paid


def notice_text(*, resident: Resident, event: GuardianEvent, fraud_type: str | None, english: bool) -> str:
    known = rules.BY_KEY.get(fraud_type or "")
    who_zh = f"您的家人{resident.name}" if resident.name else "您绑定守护的家人"
    who_en = resident.name or "the family member you look after"
    if english:
        kind = f" (looks like: {known.en})" if known else ""
        if event is GuardianEvent.HIGH_RISK:
            return (
                f"Shuoshi guardian notice: {who_en} just asked us to check a message and it looks like a scam{kind}. "  # noqa: E501
                "Please call them soon and remind them not to pay or share any code."
            )
        return (
            f"Shuoshi guardian notice: {who_en} says they have already paid or shared a code with a suspected scammer{kind}. "  # noqa: E501
            "Please contact them now: call 110 together and their bank to stop the payment."
        )
    kind = f"（疑似{known.zh}）" if known else ""
    if event is GuardianEvent.HIGH_RISK:
        return f"【说事·家人守护】{who_zh}刚让我们检查了一条消息，诈骗风险很高{kind}。请尽快给TA打个电话，提醒不要转账、不要说验证码。"  # noqa: E501
    return f"【说事·家人守护】{who_zh}说已经给疑似骗子转了钱或说了验证码{kind}。请马上联系TA，一起拨打110报警，并打银行客服电话止付。"  # noqa: E501


def notify(
    *, session: Session, resident: Resident, event: GuardianEvent, fraud_type: str | None, occasion: str
) -> int:
    """Queues a short message to each guardian who chose to hear this; `occasion` makes it once
    per event (a second call with the same occasion queues nothing). Returns how many were queued."""
    queued = 0
    for link in guardians_of(session=session, resident=resident):
        if not _wants(session.get(GuardianNoticeSetting, link.id), event):
            continue
        reach = reachable_identity(link.guardian)
        if reach is None:
            continue
        channel, recipient = reach
        text = notice_text(
            resident=resident, event=event, fraud_type=fraud_type, english=is_english(link.guardian)
        )
        item = outbox.enqueue(
            session=session,
            resident=link.guardian,
            kind=OutboxKind.GUARDIAN_NOTICE,
            body={"replies": [{"text": text}]},
            channel=channel,
            recipient=recipient,
            dedupe_key=f"guardian:{event.value}:{link.id}:{occasion}"[:200],
        )
        queued += item is not None
    return queued


def forget_resident(*, session: Session, resident: Resident) -> None:
    """Erasure, this domain's part: warning subscriptions and guardian codes."""
    session.execute(delete(AlertSubscription).where(AlertSubscription.resident_id == resident.id))
    session.execute(delete(GuardianInvite).where(GuardianInvite.resident_id == resident.id))
