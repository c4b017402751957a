"""A fast replica of bench/nlu_eval's Rasa side, for trying settings and phrasings in seconds.

    .venv-rasa/bin/python bench/nlu_eval/replica.py --seeds 42,1            # two splits
    .venv-rasa/bin/python bench/nlu_eval/replica.py --seeds 42 --show 1     # per-label F1, errors
    DATA_ROOT=/work/main .venv-rasa/bin/python bench/nlu_eval/replica.py    # another checkout's data

The same splits as run.py (its `prepare`), the same features as rasa_ext/tfidf.py (jieba words
and character n-grams, TF-IDF), the linear SVM of rasa_ext/linear.py with its softmax, and
FallbackClassifier's threshold and ambiguity rule, in scikit-learn without Rasa: about ten
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
from collections.abc import Callable
from pathlib import Path

import jieba
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.nlu_eval import run as harness
from rasa_ext.tfidf import latin, reader

jieba.setLogLevel(logging.WARNING)


def words(text: str, read: Callable[[str], str]) -> list[str]:
    return [read(w.lower()) for w in jieba.lcut(text)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="42,1")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--chars-weight", type=float, default=2.0)
    parser.add_argument("--max-ngram", type=int, default=2)  # config.yml's
    parser.add_argument("--temperature", type=float, default=6.0)
    parser.add_argument("--analyzer", default="char_wb")
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
        # config.yml's `simplified` and `long_numbers`, read as rasa_ext/tfidf.py reads them
        read = reader({"simplified": args.simplified, "long_numbers": args.long_numbers})
        word_vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True).fit(
            [words(x, read) for x in x_train]
        )
        char_vec = TfidfVectorizer(
            analyzer=args.analyzer, ngram_range=(1, args.max_ngram), sublinear_tf=True, lowercase=True
        ).fit([read(x) for x in x_train])

        # config.yml's `latin_ngrams`: the Latin letters' character n-grams, as a third block
        latin_vec = None
        if args.latin_ngrams != "0":
            low, high = (int(n) for n in args.latin_ngrams.split(","))
            latin_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True).fit(
                [latin(x) for x in x_train]
            )

        def features(texts: list[str], wv=word_vec, cv=char_vec, lv=latin_vec, r=read) -> sp.csr_matrix:
            blocks = [
                wv.transform([words(x, r) for x in texts]),
                cv.transform([r(x) for x in texts]) * args.chars_weight,
            ]
            if lv is not None:
                blocks.append(lv.transform([latin(x) for x in texts]) * args.latin_weight)
            return sp.hstack(blocks).tocsr()

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
