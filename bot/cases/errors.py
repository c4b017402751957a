"""Errors of the case rules. Messages name the case number and the rule, nothing personal."""

from __future__ import annotations

from bot.db.errors import DomainError, NotFound


class CaseNotFound(NotFound):
    code = "case_not_found"


class InvalidCase(DomainError):
    """A case cannot be registered as given (an unknown township, a bad field)."""

    code = "invalid_case"


class IllegalTransition(DomainError):
    """The status change is not in the rules, or not for this actor."""

    code = "illegal_transition"


class MissingReason(DomainError):
    """The change needs a reason, a resolution or an outcome that was not given."""

    code = "missing_reason"


class NotPermitted(DomainError):
    """The actor may not do this to this case (wrong role, outside their township, not their case)."""

    code = "not_permitted"


class DeadlineError(DomainError):
    code = "deadline_error"
