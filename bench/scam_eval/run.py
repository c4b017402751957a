"""Scam-check evaluation: recall per fraud type and false positives on ordinary messages, for the
check (rules + naive Bayes) and a keyword baseline, on the project's own labelled set.

    .venv/bin/python bench/scam_eval/run.py                 # held-out test split (the reported table)
    .venv/bin/python bench/scam_eval/run.py --split dev     # the split the rules were tuned on

The learned model is trained, and the check measured on real public messages, by
bench/scam_eval/learn.py (see real.py for the sources).

The set (messages_*.yml) was written for this project: every message is made up, numbers are
fake, domains are example domains. Each message goes to the development split (60%) or the test
split (40%) by a hash of its text, so the split never changes when messages are added. The rules
were tuned and the model trained and calibrated on the development split only (learn.py divides
it further); the test split is read only to report. "Flagged" means a risk of medium or high.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.scams import rules, service  # noqa: E402

HERE = Path(__file__).parent

# What a naive filter would look for: the words every anti-fraud poster mentions.
BASELINE_KEYWORDS = (
    "转账",
    "汇款",
    "验证码",
    "中奖",
    "贷款",
    "投资",
    "客服",
    "公安",
    "刷单",
    "退款",
    "链接",
    "安全账户",
    "保证金",
    "手续费",
    "征信",
    "返利",
    "理赔",
    "冻结",
    "补贴",
    "养老",
    "保健品",
    "抵押",
    "兼职",
    "transfer",
    "code",
    "prize",
    "loan",
    "invest",
    "refund",
    "police",
    "fee",
)


@dataclass(frozen=True)
class Message:
    label: str  # a fraud type key, or ordinary_<kind>
    text: str

    @property
    def is_scam(self) -> bool:
        return not self.label.startswith("ordinary")

    @property
    def split(self) -> str:
        digest = hashlib.sha256(self.text.encode("utf-8")).digest()
        return "dev" if digest[0] % 10 < 6 else "test"


def load() -> list[Message]:
    messages: list[Message] = []
    for path in sorted(HERE.glob("messages_*.yml")):
        for label, texts in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            messages.extend(Message(label, str(text)) for text in texts)
    return messages


def baseline_flags(text: str) -> bool:
    lowered = rules.normalise(text).lower()
    return any(word in lowered for word in BASELINE_KEYWORDS)


@dataclass
class Tally:
    total: int = 0
    flagged: int = 0
    high: int = 0
    typed: int = 0
    baseline: int = 0


def evaluate(messages: list[Message]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for message in messages:
        result = service.check(message.text)
        tally = tallies[message.label]
        tally.total += 1
        tally.flagged += result.risk is not service.Risk.LOW
        tally.high += result.risk is service.Risk.HIGH
        tally.typed += result.fraud_type == message.label
        tally.baseline += baseline_flags(message.text)
    return tallies


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "–"


def table(tallies: dict[str, Tally]) -> str:
    names = {item.key: item.zh for item in rules.FRAUD_TYPES}
    lines = [
        "| fraud type | messages | recall (check) | of which high | type right | recall (keyword baseline) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    scam = Tally()
    for item in rules.FRAUD_TYPES:
        t = tallies.get(item.key, Tally())
        scam.total += t.total
        scam.flagged += t.flagged
        scam.high += t.high
        scam.typed += t.typed
        scam.baseline += t.baseline
        lines.append(
            f"| {names[item.key]} `{item.key}` | {t.total} | {_rate(t.flagged, t.total)} | "
            f"{_rate(t.high, t.total)} | {_rate(t.typed, t.total)} | {_rate(t.baseline, t.total)} |"
        )
    lines.append(
        f"| **all fraud** | {scam.total} | **{_rate(scam.flagged, scam.total)}** | {_rate(scam.high, scam.total)} | "  # noqa: E501
        f"{_rate(scam.typed, scam.total)} | **{_rate(scam.baseline, scam.total)}** |"
    )
    lines += [
        "",
        "| ordinary messages | messages | false positives (check) | of which high | false positives (keyword baseline) |",  # noqa: E501
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    ordinary = Tally()
    for label in sorted(key for key in tallies if key.startswith("ordinary")):
        t = tallies[label]
        ordinary.total += t.total
        ordinary.flagged += t.flagged
        ordinary.high += t.high
        ordinary.baseline += t.baseline
        lines.append(
            f"| {label.removeprefix('ordinary_')} | {t.total} | {_rate(t.flagged, t.total)} | "
            f"{_rate(t.high, t.total)} | {_rate(t.baseline, t.total)} |"
        )
    lines.append(
        f"| **all ordinary** | {ordinary.total} | **{_rate(ordinary.flagged, ordinary.total)}** | "
        f"{_rate(ordinary.high, ordinary.total)} | **{_rate(ordinary.baseline, ordinary.total)}** |"
    )
    return "\n".join(lines)


def misses(messages: list[Message]) -> list[str]:
    out = []
    for message in messages:
        result = service.check(message.text)
        flagged = result.risk is not service.Risk.LOW
        if flagged != message.is_scam or (message.is_scam and result.fraud_type != message.label):
            out.append(
                f"{message.label:18} {result.risk.value:6} {result.score:.2f} "
                f"(rules {result.rule_score:.2f}, model {result.model_score}) {result.fraud_type}  {message.text[:60]}"  # noqa: E501
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--misses", action="store_true", help="list the messages the check got wrong")
    args = parser.parse_args()
    messages = load()
    chosen = messages if args.split == "all" else [m for m in messages if m.split == args.split]
    print(f"## split: {args.split} ({len(chosen)} of {len(messages)} messages)\n")
    print(table(evaluate(chosen)))
    if args.misses:
        print("\n" + "\n".join(misses(chosen)))


if __name__ == "__main__":
    main()
