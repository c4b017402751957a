"""The learned half of the check: TF-IDF over character n-grams and words, a linear model, and a
small calibration layer that turns the model and the rules into one probability.

Trained in bench/ with scikit-learn (`python -m bench.scam_eval.learn --train`), exported to
data/model.json and read here in plain Python: the app needs neither scikit-learn nor numpy. The
features below are the same function the trainer calls, so what ships scores exactly as what was
measured. Links and digits are folded away before the model reads a text: in the public sets a
link or a number says more about who collected the messages than about fraud (the rules judge
links on their own).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "data" / "model.json"

# A link with a scheme, or a dotted name ending in a common top-level domain. The name may only
# start where no other name character precedes it, and each label is matched atomically, so a
# hostile run of "www.www.www…" costs linear time, not quadratic.
_TLD = r"(?:com|cn|net|org|top|xyz|info|cc|vip|app|io|me|shop|site|online|club|ly|co|us|uk|gl|link)"
_LINK = re.compile(
    r"(?i)\b(?:h[tx]{2}ps?|fxp)\[?:\]?//\S+"
    r"|(?<![a-z0-9.\[\]-])(?:[a-z0-9-]++(?:\[\.\]|\.))+" + _TLD + r"\b\S*"
)
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z][a-z']+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A sender's 【signature】 and opt-out line ("回复TD退订", "reply STOP"): the public sets had them
# removed from one side of the label only (real.py), and a scammer can fake them, so the model
# judges a text without them.
_SIGNATURE = re.compile(r"【[^】]{1,20}】")
_OPT_OUT = re.compile(
    r"[^，,。！!；;~\n]*(退订|拒收|取消订阅)[^，,。！!；;~\n]*[，,。！!；;~]?"
    r"|(reply|text|txt|send)\s+(stop|end|unsub(scribe)?)\b[^.!\n]{0,40}[.!]?"
    r"|to (unsubscribe|opt[ -]?out)[^.!\n]{0,40}[.!]?"
)
COMBINE_INPUTS = (
    "model",
    "rules",
    "no_rule",
    "english",
    "english_model",
    "english_rules",
    "bias",
)


def prepare(text: str) -> str:
    """The text as the model reads it: the sender's signature and opt-out line out, links out,
    every number written 0, spaces collapsed.
    `text` is already normalised as the rules read it (Simplified, half-width, lower case)."""
    text = _OPT_OUT.sub(" ", _SIGNATURE.sub(" ", text))
    return _SPACE.sub(" ", _DIGITS.sub("0", _LINK.sub(" ", text))).strip()


def features(text: str) -> list[str]:
    """Character 1- to 3-grams and whole Latin words (prefixed w:) of the prepared text."""
    flat = prepare(text)
    grams = [
        flat[i : i + n] for n in (1, 2, 3) for i in range(len(flat) - n + 1) if not flat[i : i + n].isspace()
    ]
    grams.extend("w:" + word for word in _WORD.findall(flat))
    return grams


@dataclass(frozen=True)
class ScamModel:
    idf: dict[str, float]
    coef: dict[str, float]
    intercept: float
    # How the final score is formed from the rules' score and the model's margin (a logistic layer
    # fitted on the development split, over `inputs`), plus the two risk thresholds.
    combine: dict[str, float]
    info: dict[str, object]

    def margin(self, text: str) -> float:
        """The linear model's raw output for an already normalised text."""
        counts: dict[str, int] = {}
        for gram in features(text):
            if gram in self.idf:
                counts[gram] = counts.get(gram, 0) + 1
        if not counts:
            return self.intercept
        weights = {gram: (1.0 + math.log(count)) * self.idf[gram] for gram, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in weights.values()))
        return self.intercept + sum(self.coef.get(g, 0.0) * v for g, v in weights.items()) / norm

    def evidence(self, text: str, *, limit: int = 3) -> list[tuple[int, int]]:
        """Where in the (normalised) text the n-grams that pushed the score up the most are, as
        spans, strongest first and none overlapping: what to quote when only the model fired."""
        counts: dict[str, int] = {}
        for gram in features(text):
            if self.coef.get(gram, 0.0) > 0:
                counts[gram] = counts.get(gram, 0) + 1
        ranked = sorted(counts, key=lambda g: -(1.0 + math.log(counts[g])) * self.idf[g] * self.coef[g])
        spans: list[tuple[int, int]] = []
        for gram in ranked:
            if gram.startswith("w:"):
                found = re.search(rf"\b{re.escape(gram[2:])}\b", text)
            elif len(gram.strip()) >= 2 and "0" not in gram:
                found = re.search(re.escape(gram), text)
            else:
                continue
            if found and not any(s < found.end() and found.start() < e for s, e in spans):
                spans.append((found.start(), found.end()))
            if len(spans) >= limit:
                break
        return spans

    def thresholds(self, text: str) -> tuple[float, float]:
        """(medium, high) for this text: chosen on the development split per script."""
        suffix = "_en" if is_english(text) and "medium_en" in self.combine else ""
        return self.combine["medium" + suffix], self.combine["high" + suffix]

    def probability(self, text: str) -> float:
        """The model alone, calibrated (used where there are no rules to combine with)."""
        return _sigmoid(self.combine["model_alone_a"] * self.margin(text) + self.combine["model_alone_b"])

    def score(self, text: str, rule_score: float) -> float:
        """The check's calibrated probability that a text is a scam, from the model and the rules."""
        return _sigmoid(
            sum(w * x for w, x in zip(self._weights(), self.inputs(text, rule_score), strict=True))
        )

    def inputs(self, text: str, rule_score: float) -> list[float]:
        """What the calibration layer reads. English gets its own slope and offset: the rules
        know Chinese scams far better, so one set of weights would over-trust them in English."""
        margin = self.margin(text)
        english = float(is_english(text))
        return [
            margin,
            rule_score,
            float(rule_score == 0.0),
            english,
            english * margin,
            english * rule_score,
            1.0,
        ]

    def _weights(self) -> list[float]:
        return [self.combine.get(name, 0.0) for name in COMBINE_INPUTS]

    def to_json(self) -> str:
        return json.dumps(
            {
                "info": self.info,
                "intercept": self.intercept,
                "combine": self.combine,
                "vocabulary": {g: [round(self.idf[g], 4), round(self.coef.get(g, 0.0), 5)] for g in self.idf},
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str) -> ScamModel:
        data = json.loads(raw)
        vocabulary = data["vocabulary"]
        return cls(
            idf={gram: pair[0] for gram, pair in vocabulary.items()},
            coef={gram: pair[1] for gram, pair in vocabulary.items() if pair[1]},
            intercept=float(data["intercept"]),
            combine={key: float(value) for key, value in data["combine"].items()},
            info=data.get("info", {}),
        )


def is_english(text: str) -> bool:
    """No Chinese character at all: the English thresholds and calibration apply."""
    return not _HAN.search(text)


def _sigmoid(z: float) -> float:
    if z < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


@cache
def shipped() -> ScamModel | None:
    """The model that ships with the package; None if it was never trained (rules alone then)."""
    if not MODEL_PATH.exists():
        return None
    return ScamModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
