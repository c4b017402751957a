from __future__ import annotations

from enum import StrEnum


class SurveyStatus(StrEnum):
    SCHEDULED = "scheduled"  # created when the case was resolved; not asked yet
    SENT = "sent"  # asked; waiting for the answer
    ANSWERED = "answered"
    UNANSWERED = "unanswered"  # no answer after the reminders
    CANCELLED = "cancelled"  # not asked: opted out, case gone, or too old


class Rating(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    NOT_SATISFIED = "not_satisfied"  # 不满意

    @property
    def counts_as_satisfied(self) -> bool:
        """满意率 counts 满意 and 基本满意 as satisfied, as such surveys usually do."""
        return self is not Rating.NOT_SATISFIED


class Solved(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class SurveyMethod(StrEnum):
    """How the survey is asked. 满意率 counts every answered survey alike, whichever way it came."""

    CHAT = "chat"  # the assistant asks in the resident's chat
    PHONE = "phone"  # staff call the contact phone (a task in the console, the 12345 way)
    IMPORTED = "imported"  # answered before Shuoshi: came with the backlog
