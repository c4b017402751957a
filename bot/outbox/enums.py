from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting until due
    SENDING = "sending"  # claimed by a dispatcher
    AWAITING_PICKUP = "awaiting_pickup"  # rendered for web chat; the page has not fetched it yet
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; staff see it


class OutboxKind(StrEnum):
    STATUS_NOTICE = "status_notice"
    STAFF_REPLY = "staff_reply"
    SURVEY = "survey"
    SURVEY_REMINDER = "survey_reminder"
    SCAM_ALERT = "scam_alert"
    GUARDIAN_NOTICE = "guardian_notice"
