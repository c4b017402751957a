"""NLU evaluation on held-out splits of the project's own examples, beside a baseline.

    .venv-rasa/bin/python bench/nlu_eval/run.py                     # five splits: train, test, table
    .venv-rasa/bin/python bench/nlu_eval/run.py --seeds 42          # one split
    .venv-rasa/bin/python bench/nlu_eval/run.py --baseline-only     # the baseline alone
    .venv-rasa/bin/python bench/nlu_eval/run.py --split-only

Runs with the Rasa venv's Python (Rasa, scikit-learn and jieba are there; nothing of `bot` is
imported). For each split seed:
1. Split nlu_data/*.yml (hand-written examples; the generated faq_generated.yml always goes to
   training): per label (an intent, or faq/<key> for the retrieval intent), a fixed share of the
   examples (20%) is held out; labels with fewer than 5 examples stay in training. Writes
   <out>/seed-<n>/train.yml and test.yml.
2. `rasa train nlu` on train.yml with the project's config.yml and domain, then `rasa test nlu`
   on test.yml: intent and response-selection reports.
3. Baseline on the same split: TF-IDF (jieba words + character 1-4-grams) and logistic regression
   over the full labels; intents are scored with faq/* folded into faq, responses on the held-out
   faq examples with the best faq/* label.
4. Prints a markdown table (also <out>/report.md): intent and answer macro-F1 per split, their
   mean and range, and the most confused pairs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
ENTITY = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
RETRIEVAL = "faq"


# Made from key terms by bot/knowledge/build.py, not written as a resident would: training only.
TRAIN_ONLY = ("faq_generated.yml",)


def load_examples(folder: Path, *, generated: bool = False) -> dict[str, list[str]]:
    """Every labelled example line (raw, annotations kept) by label: hand-written ones, or
    (generated=True) the train-only generated ones."""
    examples: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.glob("*.yml")):
        if (path.name in TRAIN_ONLY) != generated:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if "intent" not in item:
                continue  # synonyms, lookups, regexes stay out of the split
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples[item["intent"]].append(line[2:].strip())
    return examples


def split(examples: dict[str, list[str]], share: float, seed: int) -> tuple[dict, dict]:
    """Each label's examples in an order drawn from the seed and the example's own text, the
    first `share` of them held out. An example's place in that order does not depend on any other
    example, so adding or removing examples moves at most a few others of the same label across
    the line (with one shuffle over all labels, an example added to one label redrew the test
    items of every label after it, answers included, 2026-12-04)."""
    train: dict[str, list[str]] = {}
    test: dict[str, list[str]] = {}
    for label in sorted(examples):
        items = sorted(examples[label], key=lambda text: hashlib.sha256(f"{seed}\0{text}".encode()).digest())
        held = round(len(items) * share) if len(items) >= 5 else 0
        test[label], train[label] = items[:held], items[held:]
    return train, {label: items for label, items in test.items() if items}


def write_nlu(path: Path, data: dict[str, list[str]]) -> None:
    lines = ['version: "3.1"', "nlu:"]
    for label, items in data.items():
        lines.append(f"  - intent: {label}")
        lines.append("    examples: |")
        lines.extend(f"      - {item}" for item in items)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def plain(text: str) -> str:
    return ENTITY.sub(lambda m: m.group(1) or m.group(2), text)


def rasa(*args: str) -> None:
    # PYTHONPATH: config.yml names components in rasa_ext/, which Rasa imports from the root.
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    subprocess.run([str(RASA), *args], cwd=ROOT, env=env, check=True)


def _json_or_empty(path: Path) -> list:
    return json.loads(path.read_text()) if path.exists() else []


def rasa_scores(results: Path) -> dict:
    intent = json.loads((results / "intent_report.json").read_text())
    response = json.loads((results / "response_selection_report.json").read_text())
    intent_errors = _json_or_empty(results / "intent_errors.json")
    response_errors = _json_or_empty(results / "response_selection_errors.json")
    return {
        "intent_f1": intent["macro avg"]["f1-score"],
        "intent_acc": intent.get("accuracy"),
        "response_f1": response["macro avg"]["f1-score"],
        "response_acc": response.get("accuracy"),
        "intent_confused": [(e["intent"], e["intent_prediction"]["name"]) for e in intent_errors],
        "response_confused": [
            (e["intent_response_key_target"], e["intent_response_key_prediction"]["name"])
            for e in response_errors
        ],
    }


def baseline_scores(train: dict[str, list[str]], test: dict[str, list[str]], seed: int) -> dict:
    import jieba
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    jieba.setLogLevel(logging.WARNING)
    x_train = [plain(t) for label in train for t in train[label]]
    y_train = [label for label in train for _ in train[label]]
    x_test = [plain(t) for label in test for t in test[label]]
    y_test = [label for label in test for _ in test[label]]

    words = TfidfVectorizer(tokenizer=lambda t: jieba.lcut(t.lower()), token_pattern=None, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, lowercase=True)
    features_train = hstack([words.fit_transform(x_train), chars.fit_transform(x_train)]).tocsr()
    features_test = hstack([words.transform(x_test), chars.transform(x_test)]).tocsr()
    model = LogisticRegression(C=20.0, max_iter=3000, random_state=seed)
    model.fit(features_train, y_train)
    probabilities = model.predict_proba(features_test)
    classes = list(model.classes_)

    def intent_of(label: str) -> str:
        return label.split("/", 1)[0]

    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    intent_true = [intent_of(y) for y in y_test]
    intent_pred = [intent_of(y) for y in predicted]

    faq_columns = [i for i, c in enumerate(classes) if c.startswith(f"{RETRIEVAL}/")]
    rows = [i for i, y in enumerate(y_test) if y.startswith(f"{RETRIEVAL}/")]
    response_true = [y_test[i] for i in rows]
    response_pred = [classes[faq_columns[int(np.argmax(probabilities[i, faq_columns]))]] for i in rows]
    return {
        "intent_f1": f1_score(intent_true, intent_pred, average="macro"),
        "intent_acc": accuracy_score(intent_true, intent_pred),
        "response_f1": f1_score(response_true, response_pred, average="macro"),
        "response_acc": accuracy_score(response_true, response_pred),
        "intent_confused": list(zip(intent_true, intent_pred, strict=True)),
        "response_confused": list(zip(response_true, response_pred, strict=True)),
    }


def top_confusions(pairs: list[tuple[str, str]], top: int = 5) -> str:
    counts = Counter((a, b) for a, b in pairs if a != b)
    if not counts:
        return "none"
    return "; ".join(f"{a} → {b} ({n})" for (a, b), n in counts.most_common(top))


def report(rows: list[tuple[int, dict, dict]], sizes: tuple[int, int, int, int]) -> str:
    """Intent and answer macro-F1 per split, and their mean and range, Rasa beside the baseline."""
    train_n, test_n, labels, faq_test = sizes
    lines = [
        f"Held-out splits: {test_n} test / {train_n} training examples each, {labels} labels "
        f"({faq_test} test examples of the `faq` retrieval intent); seeds "
        + ", ".join(str(seed) for seed, _, _ in rows)
        + ".",
        "",
        "| split seed | Rasa intent macro-F1 | baseline intent macro-F1 | Rasa answer macro-F1 "
        "| baseline answer macro-F1 |",
        "|---|---|---|---|---|",
    ]
    for seed, ours, base in rows:
        lines.append(
            f"| {seed} | {ours['intent_f1']:.3f} | {base['intent_f1']:.3f} | "
            f"{ours['response_f1']:.3f} | {base['response_f1']:.3f} |"
        )
    columns = [  # in the table's order
        [(ours if side == "rasa" else base)[key] for _, ours, base in rows]
        for key in ("intent_f1", "response_f1")
        for side in ("rasa", "baseline")
    ]
    for name, pick in (("mean", lambda xs: sum(xs) / len(xs)), ("lowest", min), ("highest", max)):
        lines.append(f"| {name} | " + " | ".join(f"{pick(column):.3f}" for column in columns) + " |")
    every = lambda side, key: [pair for row in rows for pair in row[side][key]]  # noqa: E731
    lines += [
        "",
        f"Most confused (Rasa, intents): {top_confusions(every(1, 'intent_confused'))}",
        "",
        f"Most confused (Rasa, answers): {top_confusions(every(1, 'response_confused'))}",
        "",
        f"Most confused (baseline, intents): {top_confusions(every(2, 'intent_confused'))}",
    ]
    return "\n".join(lines) + "\n"


def prepare(out: Path, share: float, seed: int) -> tuple[dict, dict, tuple[int, int, int, int]]:
    """The split for one seed, written to <out>/train.yml and <out>/test.yml."""
    out.mkdir(parents=True, exist_ok=True)
    train, test = split(load_examples(ROOT / "nlu_data"), share, seed)
    for label, items in load_examples(ROOT / "nlu_data", generated=True).items():
        train.setdefault(label, []).extend(items)
    write_nlu(out / "train.yml", train)
    write_nlu(out / "test.yml", test)
    sizes = (
        sum(map(len, train.values())),
        sum(map(len, test.values())),
        len(train),
        sum(len(v) for k, v in test.items() if k.startswith(f"{RETRIEVAL}/")),
    )
    print(f"split (seed {seed}): {sizes[0]} train, {sizes[1]} test, {sizes[2]} labels", file=sys.stderr)
    return train, test, sizes


def train_and_test(config: Path, out: Path) -> dict:
    model = out / "models" / "eval.tar.gz"
    rasa(
        "train",
        "nlu",
        "--config",
        str(config),
        "--domain",
        "domain",
        "--nlu",
        str(out / "train.yml"),
        "--out",
        str(model.parent),
        "--fixed-model-name",
        "eval",
    )
    rasa(
        "test",
        "nlu",
        "--model",
        str(model),
        "--nlu",
        str(out / "test.yml"),
        "--out",
        str(out / "results"),
        "--no-plot",
        "--successes",
    )
    return rasa_scores(out / "results")


def main() -> int:
    parser = argparse.ArgumentParser(description="NLU evaluation on held-out splits")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "nlu_eval" / "out")
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seeds", default="42,1,2,3,4", help="comma-separated split seeds")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--split-only", action="store_true")
    parser.add_argument(
        "--baseline-only",
        action="store_true",
        help="only the TF-IDF baseline (seconds, no training): a quick check while writing phrasings",
    )
    args = parser.parse_args()
    config = ROOT / args.config
    seeds = [int(seed) for seed in args.seeds.split(",")]

    rows = []
    sizes = (0, 0, 0, 0)
    for seed in seeds:
        folder = args.out / f"seed-{seed}"
        train, test, sizes = prepare(folder, args.share, seed)
        if args.split_only:
            continue
        baseline = baseline_scores(train, test, seed)
        if args.baseline_only:
            print(
                f"seed {seed} baseline: intent macro-F1 {baseline['intent_f1']:.3f}, "
                f"answer macro-F1 {baseline['response_f1']:.3f}\n"
                f"most confused intents: {top_confusions(baseline['intent_confused'], 10)}\n"
                f"most confused answers: {top_confusions(baseline['response_confused'], 10)}"
            )
            continue
        rows.append((seed, train_and_test(config, folder), baseline))
    if rows:
        text = report(rows, sizes)
        (args.out / "report.md").write_text(text, encoding="utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
