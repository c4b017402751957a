"""Traditional characters read as Simplified, from rasa_ext/t2s.tsv (a table made from OpenCC's
by scripts/t2s_table.py: Rasa's venv has no OpenCC). Standard library only, so the app's tests
can check the table against OpenCC itself (tests/knowledge/test_t2s_table.py)."""

from __future__ import annotations

import functools
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("t2s.tsv")


@functools.lru_cache(maxsize=1)
def table() -> dict[int, str]:
    """Traditional character (code point) -> Simplified, for str.translate."""
    pairs: dict[int, str] = {}
    for line in TABLE_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            pairs[ord(traditional)] = simplified
    return pairs


def simplified(text: str) -> str:
    """The text with every Traditional character in the table read as its Simplified one."""
    return text.translate(table())
