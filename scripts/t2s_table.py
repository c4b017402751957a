"""Writes rasa_ext/t2s.tsv: every CJK character that OpenCC's Traditional-to-Simplified
conversion (config t2s) changes, one `traditional<TAB>simplified` pair a line.

    .venv/bin/python scripts/t2s_table.py

Rasa's venv has no OpenCC (the app's venv has it, for bot/language.py); rasa_ext/t2s.py reads
this table for rasa_ext/tfidf.py, which reads Traditional as Simplified before it makes its
features. Character by
character, not OpenCC's phrases: the features are characters, character pairs and jieba's words,
and Traditional to Simplified is almost always one character to one. The table is data derived
from OpenCC's dictionaries (Apache License 2.0, https://github.com/BYVoid/OpenCC).
"""

from __future__ import annotations

from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parents[1] / "rasa_ext" / "t2s.tsv"
# CJK Unified Ideographs, Extension A, Compatibility Ideographs.
RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))


def table() -> dict[str, str]:
    converter = opencc.OpenCC("t2s")
    pairs = {}
    for low, high in RANGES:
        for code in range(low, high + 1):
            character = chr(code)
            simplified = converter.convert(character)
            if simplified != character and len(simplified) == 1:
                pairs[character] = simplified
    return pairs


def main() -> None:
    pairs = table()
    header = (
        "# Traditional -> Simplified, one character each;"
        " made by scripts/t2s_table.py from OpenCC (Apache-2.0)\n"
    )
    OUT.write_text(header + "".join(f"{t}\t{s}\n" for t, s in sorted(pairs.items())), encoding="utf-8")
    print(f"{len(pairs)} characters -> {OUT}")


if __name__ == "__main__":
    main()
