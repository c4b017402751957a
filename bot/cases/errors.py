"""Errors of the case rules. Messages name the case number and the rule, nothing personal."""

from __future__ import annotations

from bot.db.errors import DomainError, NotFound, NotPermitted

# NotPermitted is the kernel's (staff accounts raise it too); named here with the case rules.
__all__ = [
    "CaseNotFound",
    "DeadlineError",
    "IllegalTransition",
    "InvalidCase",
    "MissingReason",
    "NotPermitted",
]


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


class DeadlineError(DomainError):
    code = "deadline_error"
