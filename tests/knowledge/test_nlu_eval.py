"""The NLU evaluation's report (bench/nlu_eval): each split's intent and answer macro-F1 beside
the baseline's, then the mean and range, and the most confused pairs over all splits."""

from __future__ import annotations

from bench.nlu_eval.run import report, split


def _scores(intent: float, answer: float, confused: list[tuple[str, str]]) -> dict:
    return {"intent_f1": intent, "response_f1": answer, "intent_confused": confused, "response_confused": []}


def test_the_report_gives_each_split_and_the_mean_and_range() -> None:
    rows = [
        (42, _scores(0.90, 0.91, [("deny", "faq")]), _scores(0.80, 0.85, [])),
        (1, _scores(0.70, 0.75, [("deny", "faq"), ("greet", "greet")]), _scores(0.84, 0.83, [])),
    ]
    lines = report(rows, (100, 20, 5, 10)).splitlines()
    table = lines[lines.index("|---|---|---|---|---|") + 1 :]
    assert table[0] == "| 42 | 0.900 | 0.800 | 0.910 | 0.850 |"
    assert table[1] == "| 1 | 0.700 | 0.840 | 0.750 | 0.830 |"
    assert table[2] == "| mean | 0.800 | 0.820 | 0.830 | 0.840 |"
    assert table[3] == "| lowest | 0.700 | 0.800 | 0.750 | 0.830 |"
    assert table[4] == "| highest | 0.900 | 0.840 | 0.910 | 0.850 |"
    assert "Most confused (Rasa, intents): deny → faq (2)" in lines


def test_a_split_holds_out_a_fifth_of_each_label_and_keeps_small_labels_in_training() -> None:
    examples = {"big": [f"b{i}" for i in range(10)], "small": ["s1", "s2", "s3"]}
    train, test = split(examples, 0.2, seed=42)
    assert len(test["big"]) == 2 and len(train["big"]) == 8
    assert set(test["big"]).isdisjoint(train["big"])
    assert "small" not in test and set(train["small"]) == {"s1", "s2", "s3"}
    assert split(examples, 0.2, seed=42) == (train, test)  # the same seed, the same split


def test_examples_added_to_one_label_leave_every_other_labels_split_as_it_was() -> None:
    examples = {label: [f"{label}{i}" for i in range(40)] for label in ("ask", "faq/a", "faq/b")}
    train, test = split(examples, 0.2, seed=1)
    grown = {**examples, "ask": examples["ask"] + [f"new{i}" for i in range(15)]}
    train_after, test_after = split(grown, 0.2, seed=1)

    assert (test_after["faq/a"], test_after["faq/b"]) == (test["faq/a"], test["faq/b"])
    assert (train_after["faq/a"], train_after["faq/b"]) == (train["faq/a"], train["faq/b"])
    # within the label that grew, most of what was held out stays held out
    assert len(set(test_after["ask"]) & set(test["ask"])) >= 6
    assert split(examples, 0.2, seed=2)[1] != test  # another seed, another split
