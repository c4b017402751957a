"""The answers-only evaluation (bench/nlu_eval --answers): the config it trains is the project's
ResponseSelector with exactly what it reads, and its table averages the splits it ran."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.nlu_eval.run import answers_config, answers_report

ROOT = Path(__file__).resolve().parents[2]


def test_the_answers_config_is_the_selector_and_what_it_reads() -> None:
    project = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    cut = answers_config(ROOT / "config.yml")

    selector = next(c for c in project["pipeline"] if c["name"] == "ResponseSelector")
    assert cut["pipeline"][-1] == selector  # the same settings, untouched
    names = [c.get("alias", c["name"]) for c in cut["pipeline"]]
    assert names == ["JiebaTokenizer", *selector["featurizers"], "ResponseSelector"]
    assert cut["policies"] == []
    assert cut["language"] == project["language"]


def test_a_selector_without_a_featurizer_list_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "language: zh\npipeline:\n  - name: JiebaTokenizer\n  - name: CountVectorsFeaturizer\n"
        "  - name: ResponseSelector\n    retrieval_intent: faq\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="featurizers"):
        answers_config(config)


def test_the_report_gives_each_split_and_the_mean_and_range() -> None:
    rows = [
        (42, {"response_f1": 0.90, "response_acc": 0.91}, {"response_f1": 0.80, "response_acc": 0.85}),
        (1, {"response_f1": 0.70, "response_acc": 0.75}, {"response_f1": 0.84, "response_acc": 0.83}),
    ]
    lines = answers_report(rows).splitlines()
    assert lines[2] == "| 42 | 0.900 | 0.800 | 0.910 | 0.850 |"
    assert lines[3] == "| 1 | 0.700 | 0.840 | 0.750 | 0.830 |"
    assert lines[4] == "| mean | 0.800 | 0.820 | 0.830 | 0.840 |"
    assert lines[5] == "| lowest | 0.700 | 0.800 | 0.750 | 0.830 |"
    assert lines[6] == "| highest | 0.900 | 0.840 | 0.910 | 0.850 |"
