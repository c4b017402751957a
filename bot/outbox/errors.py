"""What a channel raises when an outbox item cannot reach its resident."""

from __future__ import annotations


class Undeliverable(Exception):
    """No way to reach the resident with this item; trying again will not help (the text says
    why, for staff). Raised by any channel; the dispatcher fails the item at once."""
