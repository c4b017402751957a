"""Train the learned half of the scam check and measure the whole check on real held-out data.

    .venv/bin/python -m bench.scam_eval.learn --train       # fit, calibrate, write bot/scams/data/model.json
    .venv/bin/python -m bench.scam_eval.learn               # the tables on the test split (docs/scams.md)
    .venv/bin/python -m bench.scam_eval.learn --split dev   # the same on dev (where thresholds were chosen)
    .venv/bin/python -m bench.scam_eval.learn --misses 20   # a sample of what the check gets wrong on dev
    .venv/bin/python -m bench.scam_eval.learn --research    # a model fitted on every source, never shipped

Needs scikit-learn (the `dev` extra) and the sources in bench/scam_eval/data (see real.py).

What is fitted on what, so that nothing is tuned on test:
- the TF-IDF + logistic-regression model: on the train and dev splits of the sources whose
  licence allows a derived work in this Apache-2.0 project (real.SOURCES[...].ships) and on the
  whole development split of the project's own messages (bench/scam_eval/messages_*.yml);
- the calibration (how model and rules combine into one probability) and the risk thresholds: on
  5-fold out-of-fold margins of the same messages (each scored by a model that never saw it).
  The research-only sources (zh_sms_calls, zh_chat_ocr, en_smishtank) feed nothing that ships:
  their splits are only measured (and read, train and dev only, when the rules are revised);
- test is only read to report. Fixed seed throughout.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.scam_eval import real
from bench.scam_eval import run as own_set
from bot.scams import model, rules, service

SEED = 42
MAX_FEATURES = 40_000
C = 4.0
TARGET_FPR = 0.045  # the issue allows 0.05 overall and on marketing; a small margin under it
HIGH_FPR = 0.01
MARKETING = frozenset({"marketing_or_notice", "advertising", "ordinary_marketing"})
OWN_SHARE = 0.15
LAYER_C = 100.0  # nearly unregularised (C=1 was tried: more false positives on real Chinese SMS)


@dataclass(frozen=True)
class Item:
    source: str
    text: str
    scam: bool
    fraud_type: str | None
    kind: str


def _own(split: str) -> list[Item]:
    """The project's own messages: their test split stays test; their development split is
    divided (by a second hash byte) into two thirds to train on and one third to calibrate on."""
    out = []
    for m in own_set.load():
        digest = hashlib.sha256(m.text.encode("utf-8")).digest()
        part = m.split if m.split == "test" else ("dev" if digest[1] % 3 == 0 else "train")
        if part == split:
            out.append(Item("own", m.text, m.is_scam, m.label if m.is_scam else None, m.label))
    return out


def dataset(data: real.Path) -> dict[str, list[Item]]:
    """pool (what ships is fitted on: licence-clean train and dev, own development split), dev and
    test (real, every source), own_test, research_pool (every source; never shipped)."""
    out: dict[str, list[Item]] = defaultdict(list)
    for key, rows in real.load(data).items():
        for example, split in rows:
            item = Item(key, example.text, example.scam, example.fraud_type, example.kind)
            if split == "train":
                out["research_train"].append(item)
                if real.SOURCES[key].ships:
                    out["train"].append(item)
            else:
                out[split].append(item)
    out["train"].extend(_own("train"))
    out["research_train"].extend(_own("train"))
    # Only licence-clean data decides what ships: the model, the calibration and the thresholds.
    own_dev = _own("train") + _own("dev")
    out["pool"] = [i for i in out["train"] if i.source != "own"]
    out["pool"] += [i for i in out["dev"] if real.SOURCES[i.source].ships] + own_dev
    out["research_pool"] = [i for i in out["research_train"] if i.source != "own"] + out["dev"] + own_dev
    out["own_test"] = _own("test")
    return out


def _normalised(text: str) -> str:
    return rules.normalise(text).lower()


def _rule_score(text: str) -> float:
    return service.rule_score(text)


def fit_model(items: list[Item]):  # -> (vectorizer, classifier)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=model.features, sublinear_tf=True, min_df=2, max_features=MAX_FEATURES
    )
    x = vectorizer.fit_transform([_normalised(i.text) for i in items])
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=SEED)
    classifier.fit(x, [i.scam for i in items])
    return vectorizer, classifier


def export(vectorizer, classifier, combine: dict[str, float], info: dict[str, object]) -> model.ScamModel:
    names = vectorizer.get_feature_names_out()
    idf = {str(g): float(v) for g, v in zip(names, vectorizer.idf_, strict=True)}
    coef = {str(g): float(w) for g, w in zip(names, classifier.coef_[0], strict=True) if abs(w) > 1e-4}
    return model.ScamModel(
        idf=idf, coef=coef, intercept=float(classifier.intercept_[0]), combine=combine, info=info
    )


def _inputs(margin: float, rule_score: float, english: bool) -> list[float]:
    """model.ScamModel.inputs for a margin already computed (out of fold), without the bias."""
    e = float(english)
    return [margin, rule_score, float(rule_score == 0.0), e, e * margin, e * rule_score]


def calibrate(items: list[Item], margins: list[float]) -> dict[str, float]:
    """Fits how margin and rules combine into a probability, and picks the thresholds, from
    out-of-fold margins: each item scored by a model that never saw it."""
    import math

    from sklearn.linear_model import LogisticRegression

    rule_scores = [_rule_score(i.text) for i in items]
    english = [model.is_english(_normalised(i.text)) for i in items]
    labels = [i.scam for i in items]
    x = [_inputs(m, r, e) for m, r, e in zip(margins, rule_scores, english, strict=True)]
    # The own messages are few and short, the public ones many and long: weighted so that the own
    # set counts for a share of the fit, or the layer would calibrate for the public sets alone.
    own = sum(i.source == "own" for i in items)
    weight = OWN_SHARE * (len(items) - own) / max(own, 1) / (1 - OWN_SHARE)
    weights = [weight if i.source == "own" else 1.0 for i in items]
    joint = LogisticRegression(C=LAYER_C, max_iter=5000).fit(x, labels, sample_weight=weights)
    alone = LogisticRegression(C=100.0, max_iter=2000).fit(
        [[m] for m in margins], labels, sample_weight=weights
    )
    combine = dict(zip(model.COMBINE_INPUTS[:-1], (float(w) for w in joint.coef_[0]), strict=True))
    combine["bias"] = float(joint.intercept_[0])
    combine["model_alone_a"] = float(alone.coef_[0][0])
    combine["model_alone_b"] = float(alone.intercept_[0])
    w = [combine[name] for name in model.COMBINE_INPUTS[:-1]]
    scores = [
        1.0 / (1.0 + math.exp(-(sum(a * b for a, b in zip(w, row, strict=True)) + combine["bias"])))
        for row in x
    ]
    # One pair of thresholds, the strictest that keeps every group of ordinary messages (all and
    # marketing, in Chinese and in English) within the budget. Per-script pairs were tried: the
    # own Chinese ordinary messages are too few and too plain to set a Chinese pair on their own
    # (on real Chinese marketing SMS it then flagged a fifth).
    groups = [
        [(i, v) for i, v, e in zip(items, scores, english, strict=True) if e == lang]
        for lang in (False, True)
    ]
    combine["medium"] = max(_threshold([i for i, _ in g], [v for _, v in g], TARGET_FPR) for g in groups)
    combine["high"] = max(
        max(_threshold([i for i, _ in g], [v for _, v in g], HIGH_FPR) for g in groups), combine["medium"]
    )
    return combine


def _threshold(items: list[Item], scores: list[float], fpr: float) -> float:
    """The lowest threshold at which neither the ordinary messages as a whole nor the marketing
    ones among them are flagged more often than `fpr` on these items (the issue's two limits)."""
    groups: dict[str, list[float]] = defaultdict(list)
    for item, score in zip(items, scores, strict=True):
        if not item.scam:
            groups["all"].append(score)
            if item.kind in MARKETING:
                groups["marketing"].append(score)
    needed = 0.0
    for values in groups.values():
        ranked = sorted(values, reverse=True)
        allowed = int(fpr * len(ranked))
        # flag strictly above the (allowed+1)-th highest ordinary score
        needed = max(needed, ranked[allowed] + 1e-6 if allowed < len(ranked) else 0.0)
    return round(needed, 6)


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Tally:
    scam: int = 0
    caught: int = 0
    high: int = 0
    typed: int = 0
    typed_right: int = 0
    type_known: int = 0
    baseline_caught: int = 0
    ordinary: int = 0
    false_flags: int = 0
    baseline_false: int = 0
    scores: list[tuple[float, bool]] = field(default_factory=list)

    def add(self, item: Item, result: service.ScamCheck, baseline: bool) -> None:
        flagged = result.risk is not service.Risk.LOW
        self.scores.append((result.score, item.scam))
        if item.scam:
            self.scam += 1
            self.caught += flagged
            self.high += result.risk is service.Risk.HIGH
            self.baseline_caught += baseline
            if flagged:
                self.typed += result.fraud_type is not None
                if item.fraud_type:
                    self.type_known += 1
                    self.typed_right += result.fraud_type == item.fraud_type
        else:
            self.ordinary += 1
            self.false_flags += flagged
            self.baseline_false += baseline


def _auc(pairs: list[tuple[float, bool]]) -> float | None:
    positives = [s for s, y in pairs if y]
    negatives = [s for s, y in pairs if not y]
    if not positives or not negatives:
        return None
    ranked = sorted(pairs, key=lambda p: p[0])
    # Mann-Whitney with ties averaged
    ranks: dict[int, float] = {}
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(ranks[k] for k, (_, y) in enumerate(ranked) if y)
    n1, n0 = len(positives), len(negatives)
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def _r(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "–"


def measure(items: list[Item]) -> tuple[dict[str, Tally], dict[str, Tally], list[float]]:
    by_source: dict[str, Tally] = defaultdict(Tally)
    by_type: dict[str, Tally] = defaultdict(Tally)
    latencies: list[float] = []
    for item in items:
        started = time.perf_counter()
        result = service.check(item.text)
        latencies.append((time.perf_counter() - started) * 1000)
        baseline = own_set.baseline_flags(item.text)
        by_source[item.source].add(item, result, baseline)
        by_source["all"].add(item, result, baseline)
        if item.scam:
            by_type[item.fraud_type or f"untyped ({item.source})"].add(item, result, baseline)
        elif item.kind in MARKETING:
            by_source["marketing SMS (zh + en)"].add(item, result, baseline)
    return by_source, by_type, latencies


def tables(items: list[Item], title: str) -> str:
    by_source, by_type, latencies = measure(items)
    lines = [
        f"### {title}",
        "",
        "| source | scams | recall | recall (keyword baseline) | ordinary | false positives | FPR (baseline) "
        "| type named (of caught) | ROC-AUC |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in [*sorted(k for k in by_source if k not in {"all"}), "all"]:
        t = by_source[key]
        auc = _auc(t.scores)
        lines.append(
            f"| {'**all**' if key == 'all' else key} | {t.scam} | {_r(t.caught, t.scam)} | "
            f"{_r(t.baseline_caught, t.scam)} | {t.ordinary} | {_r(t.false_flags, t.ordinary)} | "
            f"{_r(t.baseline_false, t.ordinary)} | {_r(t.typed, t.caught)} | "
            f"{'–' if auc is None else f'{auc:.3f}'} |"
        )
    lines += [
        "",
        "| fraud type (as the source labels it) | scams | recall | of which high | recall (baseline) "
        "| type named | type right |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in sorted(by_type):
        t = by_type[key]
        lines.append(
            f"| {key} | {t.scam} | {_r(t.caught, t.scam)} | {_r(t.high, t.scam)} | "
            f"{_r(t.baseline_caught, t.scam)} | {_r(t.typed, t.caught)} | {_r(t.typed_right, t.type_known)} |"
        )
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    lines += [
        "",
        f"Latency of `check` over these {len(ordered)} texts: p50 {statistics.median(ordered):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms.",
    ]
    return "\n".join(lines)


FOLDS = 5


def train(data: real.Path, *, research: bool = False, without: tuple[str, ...] = ()) -> model.ScamModel:
    """Fits and calibrates the model on every licence-clean message outside test: the train and
    dev splits of the shipping sources and the own development split. The calibration layer and
    the thresholds are fitted on out-of-fold margins (5 folds, fixed seed), so they see how the
    model scores texts it was not trained on, and the model that ships is then fitted on all of
    it. `research` uses every source, licence or not: a measure of what more data would do,
    never written where the app reads it."""
    from sklearn.model_selection import StratifiedKFold

    sets = dataset(data)
    chosen = [i for i in sets["research_pool" if research else "pool"] if i.source not in without]
    random.Random(SEED).shuffle(chosen)  # noqa: S311  (a fixed shuffle)
    margins = [0.0] * len(chosen)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for fit_idx, held_idx in folds.split(chosen, [i.scam for i in chosen]):
        vectorizer, classifier = fit_model([chosen[k] for k in fit_idx])
        held = vectorizer.transform([_normalised(chosen[k].text) for k in held_idx])
        for k, m in zip(held_idx, classifier.decision_function(held), strict=True):
            margins[k] = float(m)
    vectorizer, classifier = fit_model(chosen)
    info: dict[str, object] = {
        "trained_on": sorted({i.source for i in chosen}),
        "train_size": len(chosen),
        "calibrated_on": f"{FOLDS}-fold out-of-fold margins of the same messages",
        "seed": SEED,
    }
    combine = calibrate(chosen, margins)
    trained = export(vectorizer, classifier, combine, info)
    if research:
        print(f"research model (not written): {info} {combine}")
        return trained
    model.MODEL_PATH.parent.mkdir(exist_ok=True)
    model.MODEL_PATH.write_text(trained.to_json() + "\n", encoding="utf-8")
    model.shipped.cache_clear()
    print(f"wrote {model.MODEL_PATH} ({model.MODEL_PATH.stat().st_size // 1024} KiB): {info} {combine}")
    return trained


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="folder of the sources (see real.py)")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--research", action="store_true", help="measure a model trained on every source")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=sorted(real.SOURCES),
        help="leave a source out of training (e.g. if its licence turns out not to allow it)",
    )
    args = parser.parse_args()
    data = real.data_dir(args.data)
    if args.research:
        research_model = train(data, research=True)
        model.shipped = lambda: research_model  # type: ignore[assignment]  # for this run only
    elif args.train:
        train(data, without=tuple(args.without))
    sets = dataset(data)
    if args.misses:
        rng = random.Random(SEED)  # noqa: S311
        wrong = [i for i in sets["dev"] if (service.check(i.text).risk is not service.Risk.LOW) != i.scam]
        for item in rng.sample(wrong, min(args.misses, len(wrong))):
            r = service.check(item.text)
            print(
                f"{item.source:16} {'SCAM' if item.scam else 'ok  '} {r.score:.2f} rules {r.rule_score:.2f} "
                f"{r.fraud_type} | {item.text[:110]}"
            )
        return
    print(tables(sets[args.split], f"Real messages, {args.split} split"))
    print()
    print(tables(sets["own_test"], "The project's own messages, test split"))


if __name__ == "__main__":
    main()
