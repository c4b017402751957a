"""NLU evaluation on a held-out split of the project's own examples, with a baseline.

    .venv-rasa/bin/python bench/nlu_eval/run.py            # split, train, test, baseline, table
    .venv-rasa/bin/python bench/nlu_eval/run.py --split-only
    .venv-rasa/bin/python bench/nlu_eval/run.py --baseline-only   # seconds: the baseline alone
    .venv-rasa/bin/python bench/nlu_eval/run.py --answers 42,1,2,3,4   # answers only, five splits

Runs with the Rasa venv's Python (Rasa, scikit-learn and jieba are there; nothing of `bot` is
imported). Steps:
1. Split nlu_data/*.yml (hand-written examples; the generated faq_generated.yml always goes to
   training): per label (an intent, or faq/<key> for the retrieval intent), a fixed
   share of the examples (20%, seed 42) is held out; labels with fewer than 5 examples stay in
   training. Writes <out>/train.yml and <out>/test.yml.
2. `rasa train nlu` on train.yml with the project's config.yml and domain, then `rasa test nlu`
   on test.yml: intent and response-selection reports.
3. Baseline on the same split: TF-IDF (jieba words + character 1-4-grams) and logistic regression
   over the full labels; intents are scored with faq/* folded into faq, responses on the held-out
   faq examples with the best faq/* label.
4. Prints a markdown table (also <out>/report.md) with macro-F1 and the most confused pairs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
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
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    train: dict[str, list[str]] = {}
    test: dict[str, list[str]] = {}
    for label in sorted(examples):
        items = sorted(examples[label])
        rng.shuffle(items)
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
        "intent_confused": [
            (e["intent"], e["intent_prediction"]["name"]) for e in intent_errors
        ],
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


def report(rasa_result: dict, baseline: dict, sizes: tuple[int, int, int, int]) -> str:
    train_n, test_n, labels, faq_test = sizes
    lines = [
        f"Held-out split: {test_n} test / {train_n} training examples, {labels} labels "
        f"({faq_test} test examples of the `faq` retrieval intent).",
        "",
        "| model | intent macro-F1 | intent accuracy | response macro-F1 | response accuracy |",
        "|---|---|---|---|---|",
    ]
    models = (("Rasa (DIET + ResponseSelector)", rasa_result), ("TF-IDF + logistic regression", baseline))
    for name, scores in models:
        lines.append(
            f"| {name} | {scores['intent_f1']:.3f} | {scores['intent_acc']:.3f} | "
            f"{scores['response_f1']:.3f} | {scores['response_acc']:.3f} |"
        )
    lines += [
        "",
        f"Most confused (Rasa, intents): {top_confusions(rasa_result['intent_confused'])}",
        "",
        f"Most confused (Rasa, answers): {top_confusions(rasa_result['response_confused'])}",
        "",
        f"Most confused (baseline, answers): {top_confusions(baseline['response_confused'])}",
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
    rasa("train", "nlu", "--config", str(config), "--domain", "domain", "--nlu", str(out / "train.yml"),
         "--out", str(model.parent), "--fixed-model-name", "eval")
    rasa("test", "nlu", "--model", str(model), "--nlu", str(out / "test.yml"),
         "--out", str(out / "results"), "--no-plot", "--successes")
    return rasa_scores(out / "results")


def answers_config(path: Path) -> dict:
    """The config cut to what the ResponseSelector reads: the tokenizer, the featurizers its
    `featurizers` list names, and the selector itself. Its answers do not depend on DIET, the
    fallback or the policies, and it trains in a fraction of the time."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    selector = next(c for c in config["pipeline"] if c["name"] == "ResponseSelector")
    wanted = set(selector.get("featurizers") or [])
    if not wanted:
        raise SystemExit("--answers needs the ResponseSelector's `featurizers` list in the config")
    pipeline = [
        c for c in config["pipeline"]
        if c is selector or c["name"].endswith("Tokenizer") or c.get("alias") in wanted
    ]
    return {**config, "pipeline": pipeline, "policies": []}


def answers_report(rows: list[tuple[int, dict, dict]]) -> str:
    """Answer macro-F1 per split and the mean and range over them, Rasa beside the baseline."""
    lines = [
        "| split seed | Rasa answer macro-F1 | baseline answer macro-F1 | Rasa accuracy "
        "| baseline accuracy |",
        "|---|---|---|---|---|",
    ]
    for seed, ours, base in rows:
        lines.append(
            f"| {seed} | {ours['response_f1']:.3f} | {base['response_f1']:.3f} | "
            f"{ours['response_acc']:.3f} | {base['response_acc']:.3f} |"
        )
    columns = [  # in the table's order: macro-F1 of both, then accuracy of both
        [(ours if side == "rasa" else base)[key] for _, ours, base in rows]
        for key in ("response_f1", "response_acc")
        for side in ("rasa", "baseline")
    ]
    for name, pick in (("mean", lambda xs: sum(xs) / len(xs)), ("lowest", min), ("highest", max)):
        lines.append(f"| {name} | " + " | ".join(f"{pick(column):.3f}" for column in columns) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="NLU evaluation on a held-out split")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "nlu_eval" / "out")
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--split-only", action="store_true")
    parser.add_argument(
        "--baseline-only", action="store_true",
        help="only the TF-IDF baseline (seconds, no training): a quick check while writing phrasings",
    )
    parser.add_argument(
        "--answers", metavar="SEEDS",
        help="answers only, on several splits (comma-separated seeds, e.g. 42,1,2,3,4): the "
        "ResponseSelector and what it reads, beside the baseline; mean and range over the splits",
    )
    args = parser.parse_args()
    config = ROOT / args.config  # one path for both modes

    if args.answers:
        seeds = [int(seed) for seed in args.answers.split(",")]
        args.out.mkdir(parents=True, exist_ok=True)
        cut = args.out / "answers-config.yml"
        cut.write_text(
            yaml.safe_dump(answers_config(config), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        rows = []
        for seed in seeds:
            folder = args.out / f"answers-seed-{seed}"
            train, test, _ = prepare(folder, args.share, seed)
            rows.append((seed, train_and_test(cut, folder), baseline_scores(train, test, seed)))
        text = answers_report(rows)
        (args.out / "answers-report.md").write_text(text, encoding="utf-8")
        print(text)
        return 0

    train, test, sizes = prepare(args.out, args.share, args.seed)
    if args.split_only:
        return 0
    if args.baseline_only:
        baseline = baseline_scores(train, test, args.seed)
        print(
            f"baseline: intent macro-F1 {baseline['intent_f1']:.3f}, "
            f"answer macro-F1 {baseline['response_f1']:.3f}\n"
            f"most confused intents: {top_confusions(baseline['intent_confused'], 10)}\n"
            f"most confused answers: {top_confusions(baseline['response_confused'], 10)}"
        )
        return 0

    scores = train_and_test(config, args.out)
    text = report(scores, baseline_scores(train, test, args.seed), sizes)
    (args.out / "report.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
