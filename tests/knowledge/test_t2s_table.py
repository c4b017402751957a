"""rasa_ext/t2s.tsv, the table Rasa's featurizer reads Traditional as Simplified with (Rasa's
venv has no OpenCC): it must convert every training example as OpenCC itself does, or a
zh-Hant message would miss the features its zh-Hans twin taught (docs/understanding.md)."""

import re
from pathlib import Path

import opencc
import yaml

PROJECT = Path(__file__).resolve().parents[2]


def _table() -> dict[int, str]:
    table = {}
    for line in (PROJECT / "rasa_ext" / "t2s.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


def _examples() -> list[str]:
    texts = []
    for path in sorted((PROJECT / "nlu_data").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
    return texts


def test_the_table_reads_every_training_example_as_opencc_does() -> None:
    table, converter = _table(), opencc.OpenCC("t2s")
    texts = _examples()
    traditional = [t for t in texts if converter.convert(t) != t]
    assert len(traditional) > 300  # the zh-Hant examples are there to be read
    wrong = [t for t in texts if t.translate(table) != converter.convert(t)]
    assert wrong == []


def test_the_table_changes_only_traditional_characters() -> None:
    table = _table()
    assert "测试没解决，发防骗提醒".translate(table) == "测试没解决，发防骗提醒"
    assert "沒解決，發防騙提醒".translate(table) == "没解决，发防骗提醒"
    assert all(re.fullmatch(r"\S", s) for s in table.values())
