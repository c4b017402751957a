"""A satisfaction survey about one resolution of one case (after FixMyStreet's questionnaires)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.cases.enums import CaseStatus
from bot.cases.models import Case
from bot.db.base import Base
from bot.db.types import enum_column, utcnow
from bot.followups.enums import Rating, Solved, SurveyMethod, SurveyStatus
from bot.residents.models import Resident
from bot.staff.models import StaffUser


class Survey(Base):
    __tablename__ = "surveys"
    # One survey per resolution: a resident is never asked twice about the same thing.
    __table_args__ = (UniqueConstraint("case_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    # The case's resolved_at when the survey was created: which resolution it asks about.
    resolved_at: Mapped[datetime]
    status: Mapped[SurveyStatus] = mapped_column(enum_column(SurveyStatus), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None]
    rating: Mapped[Rating | None] = mapped_column(enum_column(Rating))
    solved: Mapped[Solved | None] = mapped_column(enum_column(Solved))
    comment: Mapped[str | None] = mapped_column(Text)
    # The case's status before and after the answer (resolved → closed, or → in_progress).
    old_status: Mapped[CaseStatus | None] = mapped_column(enum_column(CaseStatus))
    new_status: Mapped[CaseStatus | None] = mapped_column(enum_column(CaseStatus))
    cancel_reason: Mapped[str | None] = mapped_column(String(100))
    # Chat, or a phone task when the resident has no chat to be asked in (a walk-in, a call).
    method: Mapped[SurveyMethod] = mapped_column(
        enum_column(SurveyMethod),
        default=SurveyMethod.CHAT,
        server_default=SurveyMethod.CHAT.value,
        index=True,
    )
    # Phone tasks: calls that did not reach the resident, the last one's time and staff's note.
    call_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_call_at: Mapped[datetime | None]
    last_call_note: Mapped[str | None] = mapped_column(Text)
    # The staff member who recorded a phone answer.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())

    case: Mapped[Case] = relationship()
    resident: Mapped[Resident] = relationship()
    recorded_by: Mapped[StaffUser | None] = relationship()


class SurveyOptOut(Base):
    """A resident who said "stop asking me": never surveyed again."""

    __tablename__ = "survey_opt_outs"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
