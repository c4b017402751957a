"""Errors the store's services raise when a rule is broken.

Their messages name the rule and the value that broke it, and never contain personal data, so a
transport may show them to staff and write them to logs as they are.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the store's rules do not allow; nothing was changed."""

    code = "domain_error"


class NotFound(DomainError):
    code = "not_found"


class NotPermitted(DomainError):
    """The actor may not do this (wrong role, outside their township, not their case, their own account)."""

    code = "not_permitted"
