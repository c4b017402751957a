"""rasa_ext/t2s.tsv, the table Rasa's featurizer reads Traditional as Simplified with (Rasa's
venv has no OpenCC): it must convert every training example as OpenCC itself does, or a
zh-Hant message would miss the features its zh-Hans twin taught (docs/understanding.md)."""

import re

import opencc

from bench.nlu_eval.run import load_examples
from rasa_ext.t2s import TABLE_FILE, table

NLU_DATA = TABLE_FILE.parents[1] / "nlu_data"


def _examples() -> list[str]:
    both = [load_examples(NLU_DATA), load_examples(NLU_DATA, generated=True)]
    return [text for examples in both for texts in examples.values() for text in texts]


def test_the_table_reads_every_training_example_as_opencc_does() -> None:
    converter = opencc.OpenCC("t2s")
    texts = _examples()
    traditional = [t for t in texts if converter.convert(t) != t]
    assert len(traditional) > 300  # the zh-Hant examples are there to be read
    wrong = [t for t in texts if t.translate(table()) != converter.convert(t)]
    assert wrong == []


def test_the_table_changes_only_traditional_characters() -> None:
    assert "测试没解决，发防骗提醒".translate(table()) == "测试没解决，发防骗提醒"
    assert "沒解決，發防騙提醒".translate(table()) == "没解决，发防骗提醒"
    assert all(re.fullmatch(r"\S", s) for s in table().values())
