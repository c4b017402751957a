"""A case's title: the first sentence of what happened, short enough for a list (chat intake and
staff registration both use it)."""

from __future__ import annotations

import re

MAX_TITLE = 60


def title_of(text: str, prefix: str = "") -> str:
    """`prefix` and the first sentence of `text`, cut to 60 characters with an ellipsis."""
    first = re.split(r"[。！？!?\n]", text.strip(), maxsplit=1)[0].strip() or text.strip()
    title = f"{prefix}{first}"
    return title if len(title) <= MAX_TITLE else f"{title[: MAX_TITLE - 1]}…"
