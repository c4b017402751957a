"""A fast replica of bench/nlu_eval's Rasa side, for trying settings and phrasings in seconds.

    .venv-rasa/bin/python bench/nlu_eval/replica.py --seeds 42,1            # two splits
    .venv-rasa/bin/python bench/nlu_eval/replica.py --seeds 42 --show 1     # per-label F1, errors
    DATA_ROOT=/work/main .venv-rasa/bin/python bench/nlu_eval/replica.py    # another checkout's data

The same splits as run.py (its `prepare`), the same features, made by rasa_ext/tfidf.py's own
`fit_vectorizers` and `rows` (jieba words, character and Latin-letter n-grams, TF-IDF), the
linear SVM of rasa_ext/linear.py with its softmax, and FallbackClassifier's threshold and
ambiguity rule, in scikit-learn without Rasa: about ten
seconds of CPU per split instead of minutes. It is not the measure: on the data of 2026-12-03 it
read 0.868 intent macro-F1 where run.py (Rasa) read 0.878; compare its numbers with each other,
and run run.py for the figures in docs/understanding.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from pathlib import Path

import jieba
import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.nlu_eval import run as harness
from rasa_ext import tfidf

jieba.setLogLevel(logging.WARNING)


def words(texts: list[str]) -> list[list[str]]:
    """Jieba's words, lowercased (Rasa's JiebaTokenizer cuts the same)."""
    return [[w.lower() for w in jieba.lcut(text)] for text in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="42,1")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--chars-weight", type=float, default=2.0)
    parser.add_argument("--max-ngram", type=int, default=2)  # config.yml's
    parser.add_argument("--temperature", type=float, default=6.0)
    parser.add_argument(
        "--no-simplified", dest="simplified", action="store_false", help="keep Traditional characters"
    )
    parser.add_argument(
        "--long-numbers",
        type=int,
        default=6,
        help="digits left out from this length (0: never)",
    )
    parser.add_argument(
        "--latin-ngrams",
        default="3,5",
        help="config.yml's latin_ngrams as LOW,HIGH (0: no block of Latin letters' n-grams)",
    )
    parser.add_argument("--latin-weight", type=float, default=1.0)
    parser.add_argument("--pairs-weight", type=float, default=0.5, help="0: no block of neighbouring words")
    parser.add_argument("--threshold", type=float, default=0.55)
    parser.add_argument("--ambiguity", type=float, default=0.1)
    parser.add_argument("--show", type=int, default=0, help="1: the errors and the 25 weakest labels")
    parser.add_argument("--out", type=Path, default=harness.ROOT / "bench" / "nlu_eval" / "out-replica")
    args = parser.parse_args()
    if os.environ.get("DATA_ROOT"):
        harness.ROOT = Path(os.environ["DATA_ROOT"])

    results, confused, per_label = [], Counter(), {}
    for seed in map(int, args.seeds.split(",")):
        train, test, _ = harness.prepare(args.out / f"seed-{seed}", 0.2, seed)
        x_train = [harness.plain(t) for label in train for t in train[label]]
        y_train = [label for label in train for _ in train[label]]
        x_test = [harness.plain(t) for label in test for t in test[label]]
        y_test = [label for label in test for _ in test[label]]
        # config.yml's SentenceTfidf settings, fitted and read by rasa_ext/tfidf.py's own functions
        config = {
            **tfidf.SentenceTfidf.get_default_config(),
            "max_ngram": args.max_ngram,
            "chars_weight": args.chars_weight,
            "simplified": args.simplified,
            "long_numbers": args.long_numbers,
            "latin_ngrams": None if args.latin_ngrams == "0" else args.latin_ngrams.split(","),
            "latin_weight": args.latin_weight,
            "pairs_weight": args.pairs_weight,
        }
        vectorizers = tfidf.fit_vectorizers(config, words(x_train), x_train)

        def features(texts: list[str], v: dict = vectorizers, c: dict = config) -> sp.csr_matrix:
            return tfidf.rows(c, v, words(texts), texts)

        model = LinearSVC(C=args.C, random_state=42).fit(features(x_train), y_train)
        scores = model.decision_function(features(x_test)) * args.temperature
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        classes = list(model.classes_)
        intents = sorted({c.split("/")[0] for c in classes})
        folding = np.zeros((len(classes), len(intents)))
        for i, c in enumerate(classes):
            folding[i, intents.index(c.split("/")[0])] = 1
        by_intent = probabilities @ folding
        predicted = []
        for k in range(len(x_test)):
            best = classes[int(probabilities[k].argmax())].split("/")[0]
            ordered = np.sort(by_intent[k])[::-1]
            low = by_intent[k, intents.index(best)] < args.threshold
            predicted.append("nlu_fallback" if low or ordered[0] - ordered[1] < args.ambiguity else best)
        truth = [y.split("/")[0] for y in y_test]
        labels = sorted(set(truth))
        intent_f1 = f1_score(truth, predicted, labels=labels, average="macro")
        rows = [i for i, y in enumerate(y_test) if y.startswith("faq/")]
        faq = [i for i, c in enumerate(classes) if c.startswith("faq/")]
        answers = [classes[faq[int(np.argmax(probabilities[i, faq]))]] for i in rows]
        answer_f1 = f1_score([y_test[i] for i in rows], answers, average="macro")
        results.append((intent_f1, answer_f1))
        confused.update((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
        for label, *values in zip(
            labels,
            *precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0),
            strict=True,
        ):
            per_label.setdefault(label, []).append(values)
        if args.show:
            for t, p, x in zip(truth, predicted, x_test, strict=True):
                if t != p:
                    print(f"  {t} -> {p}: {x}")
        print(f"seed {seed}: intent {intent_f1:.3f} answer {answer_f1:.3f}", flush=True)
    print(
        f"mean: intent {np.mean([r[0] for r in results]):.4f} answer {np.mean([r[1] for r in results]):.4f}"
    )
    print("most confused:", confused.most_common(12))
    if args.show:
        for label, values in sorted(per_label.items(), key=lambda kv: np.mean([v[2] for v in kv[1]]))[:25]:
            f1 = np.mean([v[2] for v in values])
            precision, recall = (np.mean([v[i] for v in values]) for i in (0, 1))
            print(f"{label:28s} F1 {f1:.2f} P {precision:.2f} R {recall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
