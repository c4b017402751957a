"""The statistical half of the check: a small naive Bayes model over character n-grams.

Multinomial naive Bayes, scam against ordinary, on character unigrams and bigrams of the text
as the rules read it (Simplified, lower case) with every digit written as 0. It is trained only
on the development split of the project's own labelled set (bench/scam_eval, written for the
project, no outside data): `python -m bench.scam_eval.run --train` writes data/model.json, which
ships with the package. Plain Python, no dependency: the model is a table of log probabilities.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
LABELS = ("scam", "ordinary")
SLOPE = 4.0
_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


def features(text: str) -> Counter[str]:
    """Character unigrams and bigrams of the normalised text, digits folded into 0."""
    flat = _SPACE.sub(" ", _DIGITS.sub("0", text.lower())).strip()
    grams: Counter[str] = Counter(flat)
    grams.update(flat[i : i + 2] for i in range(len(flat) - 1))
    grams.pop(" ", None)
    return grams


@dataclass(frozen=True)
class NaiveBayes:
    log_prior: dict[str, float]
    log_prob: dict[str, dict[str, float]]
    log_unseen: dict[str, float]

    def probability(self, text: str) -> float:
        """How scam-like the text reads, 0..1.

        Plain naive Bayes sums one log-likelihood ratio per n-gram and is wildly overconfident on
        long texts (every message comes out 0 or 1). We average the ratio over the n-grams the
        model knows and squash it with a fixed slope instead: a score that ranks like naive Bayes
        but stays usable beside the rules.
        """
        grams = features(text)
        known = [(gram, count) for gram, count in grams.items() if self._known(gram)]
        if not known:
            return 0.5
        ratio = sum(
            count
            * (
                self.log_prob["scam"].get(gram, self.log_unseen["scam"])
                - self.log_prob["ordinary"].get(gram, self.log_unseen["ordinary"])
            )
            for gram, count in known
        ) / sum(count for _, count in known)
        return 1.0 / (1.0 + math.exp(-SLOPE * ratio))

    def _known(self, gram: str) -> bool:
        # n-grams never seen in training say nothing either way (and keep long texts calibrated).
        return any(gram in self.log_prob[label] for label in LABELS)

    @classmethod
    def train(
        cls, examples: Iterable[tuple[str, bool]], *, alpha: float = 0.5, min_count: int = 2
    ) -> NaiveBayes:
        counts: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
        documents: Counter[str] = Counter()
        for text, is_scam in examples:
            label = "scam" if is_scam else "ordinary"
            counts[label].update(features(text))
            documents[label] += 1
        overall = counts["scam"] + counts["ordinary"]
        vocabulary = {gram for gram, count in overall.items() if count >= min_count}
        log_prob: dict[str, dict[str, float]] = {}
        log_unseen: dict[str, float] = {}
        for label in LABELS:
            total = sum(counts[label][gram] for gram in vocabulary) + alpha * len(vocabulary)
            log_prob[label] = {
                gram: round(math.log((counts[label][gram] + alpha) / total), 4)
                for gram in vocabulary
                if counts[label][gram]
            }
            log_unseen[label] = round(math.log(alpha / total), 4)
        size = sum(documents.values())
        log_prior = {label: math.log(documents[label] / size) for label in LABELS}
        return cls(log_prior=log_prior, log_prob=log_prob, log_unseen=log_unseen)

    def to_json(self) -> str:
        return json.dumps(
            {"log_prior": self.log_prior, "log_prob": self.log_prob, "log_unseen": self.log_unseen},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str) -> NaiveBayes:
        data = json.loads(raw)
        return cls(log_prior=data["log_prior"], log_prob=data["log_prob"], log_unseen=data["log_unseen"])


@cache
def shipped() -> NaiveBayes | None:
    """The model that ships with the package; None if it was never trained (rules alone then)."""
    if not MODEL_PATH.exists():
        return None
    return NaiveBayes.from_json(MODEL_PATH.read_text(encoding="utf-8"))
