"""Real, public, labelled messages for the scam check: where they come from, how they are cleaned,
and the fixed train/dev/test split of each source.

None of the texts is committed (a rule of this project, whatever the licence). They are read from
a folder given with `--data DIR` or `SCAM_EVAL_DATA`, by default the ignored
`bench/scam_eval/data/`, laid out as `<owner>+<name>/<path in the repository>`. To fill it from a
clone (or a bare mirror) of each repository at the pinned commit:

    python -m bench.scam_eval.real populate --git-dir ChangMianRen/Telecom_Fraud_Texts_5=/path/to/clone ...
    python -m bench.scam_eval.real populate --clone      # git clone from github.com into a temp folder

A bare mirror under `--mirrors DIR` (default /work/.mirror, laid out `<owner>+<name>/repo`, as the
search tool's `fetch` leaves them) is used before cloning.

The split of every source is committed in `splits.json` as the ids of its dev and test messages
(an id is a hash of the cleaned text, so the file says nothing of the texts); everything else is
train. `python -m bench.scam_eval.real split` writes it once, with a fixed seed; it is never
rewritten unless a source changes (then the new ids are reported).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_DATA = HERE / "data"
SPLITS = HERE / "splits.json"
SEED = "shuoshi-scam-eval-2026"
DEV_SHARE, TEST_SHARE = 20, 30  # percent; the rest (50 %) is train


@dataclass(frozen=True)
class Source:
    key: str
    repo: str  # owner/name on GitHub
    commit: str
    paths: tuple[str, ...]
    licence: str
    ships: bool  # whether the licence lets its train split feed the model we ship (Apache-2.0)
    about: str


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "zh_sms_calls",
            "ChangMianRen/Telecom_Fraud_Texts_5",
            "9526a1ee14a800045ee349156f667b6b9cfd9921",
            tuple(f"label0{n}-last.csv" for n in range(5)),
            "LICENSE file: GPL-3.0 (added at ae1a19c); README (at 9526a1e): only for scientific "
            "research by universities and research institutes, no commercial use, cite the paper. "
            "Evaluation only, never committed or shipped",
            False,
            "Chinese SMS and phone-scam scripts in four fraud types (police/government, loans, "
            "customer service, boss or acquaintance) and ordinary, mostly marketing, SMS "
            "(Li, Zhang, Jiang, Appl. Sci. 2024, 14, 11628)",
        ),
        Source(
            "zh_chat_ocr",
            "Zhao-Rigel/ChatFraudRecognizer",
            "df69a251448d7ea9ed32a96c9fe60a33541ef850",
            ("data.txt",),
            "none: no LICENSE file and no licence statement in the README at df69a25 (all rights "
            "reserved). Evaluation only, never committed or shipped",
            False,
            "Chinese chat screenshots (WeChat/QQ) turned to text by OCR, fraud or not",
        ),
        Source(
            "en_sms_phishing",
            "MarazMia/SMISH_DT",
            "7e4b3ef14ae219434dfd49e26e0743721d03674f",
            ("Dataset/Mendeley_Dataset_5971.csv",),
            "CC BY 4.0 as this project recorded it, NOT confirmed from the source: the stored copy of "
            "its Mendeley Data page (Mishra & Soni, 'SMS Phishing Dataset for Machine Learning and "
            "Pattern Recognition', doi:10.17632/f45bkkt8pr.1) shows no licence line, and SMISH_DT (which "
            "carries the original file) states no licence. Check the live page before a release",
            True,
            "English SMS: ham, spam (advertising) and smishing, text taken from screenshots",
        ),
        Source(
            "en_smishtank",
            "MarazMia/SMISH_DT",
            "7e4b3ef14ae219434dfd49e26e0743721d03674f",
            ("Dataset/smishtank.csv",),
            "none: SMISH_DT states no licence for it (Timko & Rahman, CODASPY 2024). Evaluation only",
            False,
            "English smishing reported by the public to smishtank.com (scams only)",
        ),
    )
}


@dataclass(frozen=True)
class Example:
    source: str
    id: str
    text: str
    scam: bool
    fraud_type: str | None  # our rules' key where the source names a type
    kind: str  # the source's own class, e.g. "marketing", "ham", "police"

    @property
    def group(self) -> str:
        return self.fraud_type or ("scam" if self.scam else f"ordinary_{self.kind}")


# -- cleaning ----------------------------------------------------------------------------------
# Each source has artefacts that sit on one side of the label only. Left in, a model learns them
# instead of fraud (a DIGIT placeholder "means" an ordinary SMS, a WeChat risk banner "means" a
# scam). They are removed or filled in the same way on both sides.

_SPACES = re.compile(r"[ \t\u3000]+")
_UNSUBSCRIBE_ZH = re.compile(r"[^，,。！!；;~\n]*(退订|拒收|取消订阅)[^，,。！!；;~\n]*[，,。！!；;~]?")
_UNSUBSCRIBE_EN = re.compile(
    r"[\s.,]*(reply|text|txt|send)\s+(stop|end|no|unsub(scribe)?)\b[^.!\n]{0,40}[.!]?"
    r"|[\s.,]*to (unsubscribe|opt[ -]?out)[^.!\n]{0,40}[.!]?|[\s.,]*\bstop ?to ?(end|opt ?out|quit)\b[.!]?",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"【[^】]{1,20}】")
_URL_PLACEHOLDER = re.compile(r"\[?URL[A-Za-z]*\]?|http:?/*xxx\S*")
_X_NUMBER = re.compile(
    r"(?<![A-Za-z])[xX×]{1,6}(?=\s*(元|块|月|日|号|折|%|次|个|位|MB|G|万|天|小时|分|\.|-|点))|(?<=\d)[xX]{1,4}(?![A-Za-z])"
)
_X_NAME = re.compile(r"(?<![A-Za-z])[xX×]{2,}(?![A-Za-z])")


def _common(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\ufffd", "").replace("\r", "")
    return _SPACES.sub(" ", text).strip()


def clean_zh_sms(text: str) -> str:
    """Placeholders filled (numbers) or dropped (names, places), unsubscribe clauses and the
    sender's 【signature】 removed: in this source they occur almost only in ordinary messages."""
    text = _common(text)
    text = _URL_PLACEHOLDER.sub("http://t.example.cn/a1", text)
    text = re.sub(r"DIGIT[a-z]?|Digit[a-z]?", "8", text)
    text = text.replace("CELLPHONE", "13800000000")
    text = re.sub(r"NAME|PLACE", "", text)
    text = _X_NUMBER.sub(lambda m: "8" * len(m.group(0)), text)
    text = _X_NAME.sub("", text)
    text = _UNSUBSCRIBE_ZH.sub("", text)
    text = _SIGNATURE.sub("", text)
    return text.strip(" \"'")


# The WeChat/QQ client's own risk banners ("对方帐号信用度较低…谨防网骗") appear only in the
# screenshots of scams: the label written on the picture, not the scam.
_CHAT_BANNERS = re.compile(
    r"(对方(帐|账)号[^。]{0,30}(风险|投诉|不活跃|信用度)[^。]{0,60}?(谨防网骗|安全|确认)[。.]?"
    r"|与对方发生资金往来可能存在风险[^。]{0,40}(诈骗|确认)[。.]?"
    r"|请注[意薏蒽]核实(对方)?身份[^。]{0,40}(诈骗|网骗|确认)[。.]?"
    r"|建议回复前先核对他的个人主页信息|如发现对方通过私信向你索要帐号[^。]{0,30}请勿轻信"
    r"|查看异常|我要投诉|投诉义|注意隐私安全?|与群里其他人都不是微信朋友关系[;；]?"
    r"|对方向你发起聊天请求,得到回复后对方才可与你对话。?\*?)"
)


def clean_chat(text: str) -> str:
    return _SPACES.sub(" ", _CHAT_BANNERS.sub(" ", _common(text))).strip()


def clean_en_sms(text: str) -> str:
    text = _common(text)
    text = _UNSUBSCRIBE_EN.sub("", text)
    return text.strip()


_SMISHTANK_HEADER = re.compile(
    r"^(<|\+?\d[\d ()-]{6,}>?|text message|(mon|tue|wed|thu|fri|sat|sun|today|yesterday)\b.*)$", re.I
)


# -- reading each source -----------------------------------------------------------------------


def _read(data: Path, source: Source, path: str) -> bytes:
    file = data / source.repo.replace("/", "+") / path
    if not file.exists():
        raise FileNotFoundError(
            f"{file} is missing: run `python -m bench.scam_eval.real populate` (see the module docstring)"
        )
    return file.read_bytes()


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")  # label04 of zh_sms_calls is GBK


_ZH_SMS_TYPES = {
    "label01-last.csv": ("fraud_police", "police"),
    "label02-last.csv": ("fraud_loan", "loan"),
    "label03-last.csv": ("fraud_cs", "customer_service"),
    "label04-last.csv": ("fraud_boss", "boss_acquaintance"),
}


def _zh_sms_calls(data: Path, source: Source) -> Iterator[tuple[str, bool, str | None, str]]:
    for path in source.paths:
        rows = list(csv.reader(io.StringIO(_decode(_read(data, source, path)))))[1:]
        for row in rows:
            if not row:
                continue
            if path == "label00-last.csv":
                # Label shift: the file is the label (a handful of rows carry none or another).
                yield clean_zh_sms(row[0]), False, None, "marketing_or_notice"
            else:
                fraud_type, kind = _ZH_SMS_TYPES[path]
                yield clean_zh_sms(row[0]), True, fraud_type, kind


def _zh_chat_ocr(data: Path, source: Source) -> Iterator[tuple[str, bool, str | None, str]]:
    for line in _decode(_read(data, source, "data.txt")).splitlines():
        text, _, label = line.rstrip().rpartition(" ")
        if label not in {"0", "1"}:
            continue
        yield clean_chat(text), label == "1", None, "chat"


_SMISHTANK_TYPES = {
    "Account Alert": ("fraud_phishing", "account_alert"),
    "Delivery": ("fraud_phishing", "delivery"),
    "Prize/Contest": ("fraud_phishing", "prize"),
    "Wrong Number/Romance Scam": ("fraud_romance", "wrong_number_romance"),
    "Finance/Crypto": ("fraud_invest", "finance_crypto"),
    "Job Advertisement": ("fraud_brush", "job"),
    "Loans/Credit": ("fraud_loan", "loan"),
    "Lawsuits/Settlements": (None, "lawsuit"),
    "Other": (None, "other"),
}


def _en_smishtank(data: Path, source: Source) -> Iterator[tuple[str, bool, str | None, str]]:
    for row in csv.DictReader(io.StringIO(_decode(_read(data, source, source.paths[0])))):
        category = row.get("Message Categories", "")
        if category not in _SMISHTANK_TYPES:
            continue  # "Advertisement": reported as smishing, but often plain advertising
        text = row.get("MainText") or "\n".join(
            line for line in row.get("Fulltext", "").splitlines() if not _SMISHTANK_HEADER.match(line.strip())
        )
        fraud_type, kind = _SMISHTANK_TYPES[category]
        yield clean_en_sms(text), True, fraud_type, kind


def _en_sms_phishing(data: Path, source: Source) -> Iterator[tuple[str, bool, str | None, str]]:
    for row in csv.DictReader(io.StringIO(_decode(_read(data, source, source.paths[0])))):
        label = row["LABEL"].strip().lower()  # "Spam"/"spam", "Smishing"/"smishing"
        text = clean_en_sms(row["TEXT"])
        if label == "smishing":
            yield text, True, None, "smishing"
        elif label == "spam":
            yield text, False, None, "advertising"
        elif label == "ham":
            yield text, False, None, "personal"


READERS: dict[str, Callable[[Path, Source], Iterator[tuple[str, bool, str | None, str]]]] = {
    "zh_sms_calls": _zh_sms_calls,
    "zh_chat_ocr": _zh_chat_ocr,
    "en_sms_phishing": _en_sms_phishing,
    "en_smishtank": _en_smishtank,
}


def example_id(source: str, text: str) -> str:
    flat = re.sub(r"\s+", "", re.sub(r"\d", "0", text.lower()))
    return hashlib.sha256(f"{source}\x00{flat}".encode()).hexdigest()[:12]


@dataclass
class Report:
    read: int = 0
    too_short: int = 0
    duplicates: int = 0
    conflicting: int = 0


def load_source(key: str, data: Path) -> tuple[list[Example], Report]:
    """A source's cleaned examples, each once; texts that occur with both labels are dropped."""
    source = SOURCES[key]
    report = Report()
    seen: dict[str, Example] = {}
    conflicting: set[str] = set()
    for text, scam, fraud_type, kind in READERS[key](data, source):
        report.read += 1
        if len(text) < 8:
            report.too_short += 1
            continue
        ident = example_id(key, text)
        if ident in seen:
            report.duplicates += 1
            if seen[ident].scam != scam:
                conflicting.add(ident)
            continue
        seen[ident] = Example(key, ident, text, scam, fraud_type, kind)
    report.conflicting = len(conflicting)
    return [e for i, e in seen.items() if i not in conflicting], report


def data_dir(given: str | None = None) -> Path:
    return Path(given or os.environ.get("SCAM_EVAL_DATA") or DEFAULT_DATA)


# -- the split ---------------------------------------------------------------------------------


def _bucket(ident: str) -> int:
    return int(hashlib.sha256(f"{SEED}:{ident}".encode()).hexdigest()[:8], 16) % 100


def make_splits(examples: list[Example]) -> dict[str, list[str]]:
    """Dev and test ids of one source, from a seeded hash of each id (stable as sources grow)."""
    dev = sorted(e.id for e in examples if _bucket(e.id) < DEV_SHARE)
    test = sorted(e.id for e in examples if DEV_SHARE <= _bucket(e.id) < DEV_SHARE + TEST_SHARE)
    return {"dev": dev, "test": test}


def committed_splits() -> dict[str, dict[str, list[str]]]:
    return json.loads(SPLITS.read_text(encoding="utf-8")) if SPLITS.exists() else {}


def split_of(example: Example, splits: dict[str, dict[str, list[str]]]) -> str:
    ids = splits.get(example.source, {})
    if example.id in set(ids.get("test", ())):
        return "test"
    if example.id in set(ids.get("dev", ())):
        return "dev"
    return "train"


def load(data: Path, *, sources: list[str] | None = None) -> dict[str, list[tuple[Example, str]]]:
    """Every available source: its examples with their committed split (train, dev or test)."""
    splits = committed_splits()
    out: dict[str, list[tuple[Example, str]]] = {}
    for key in sources or list(SOURCES):
        examples, _ = load_source(key, data)
        dev, test = set(splits.get(key, {}).get("dev", ())), set(splits.get(key, {}).get("test", ()))
        out[key] = [(e, "test" if e.id in test else "dev" if e.id in dev else "train") for e in examples]
    return out


# -- populate ----------------------------------------------------------------------------------


DEFAULT_MIRRORS = Path("/work/.mirror")


def _mirror(mirrors: Path, repo: str, commit: str) -> str | None:
    """A local bare mirror of the repository that holds the pinned commit, if there is one."""
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        return None
    found = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
    )
    return str(git_dir) if found.returncode == 0 else None


def populate(data: Path, git_dirs: dict[str, str], clone: bool, mirrors: Path = DEFAULT_MIRRORS) -> None:
    for repo in sorted({s.repo for s in SOURCES.values()}):
        paths = sorted({p for s in SOURCES.values() if s.repo == repo for p in s.paths})
        commit = next(s.commit for s in SOURCES.values() if s.repo == repo)
        with tempfile.TemporaryDirectory() as tmp:
            git_dir = git_dirs.get(repo) or _mirror(mirrors, repo, commit)
            if git_dir is None:
                if not clone:
                    print(f"skipped {repo}: give --git-dir {repo}=PATH or --clone", file=sys.stderr)
                    continue
                subprocess.run(
                    ["git", "clone", "--quiet", "--bare", f"https://github.com/{repo}", tmp], check=True
                )
                git_dir = tmp
            for path in paths:
                target = data / repo.replace("/", "+") / path
                target.parent.mkdir(parents=True, exist_ok=True)
                blob = subprocess.run(
                    ["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True, capture_output=True
                ).stdout
                target.write_bytes(blob)
                print(f"{repo}@{commit[:10]}:{path} -> {target} ({len(blob)} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["populate", "split", "stats"])
    parser.add_argument(
        "--data", help="folder of the sources (default: $SCAM_EVAL_DATA or bench/scam_eval/data)"
    )
    parser.add_argument("--git-dir", action="append", default=[], help="OWNER/NAME=PATH of a clone or mirror")
    parser.add_argument("--clone", action="store_true", help="git clone missing repositories from GitHub")
    parser.add_argument(
        "--mirrors", default=str(DEFAULT_MIRRORS), help="bare mirrors <owner>+<name>/repo, used first"
    )
    args = parser.parse_args()
    data = data_dir(args.data)
    if args.command == "populate":
        populate(data, dict(item.split("=", 1) for item in args.git_dir), args.clone, Path(args.mirrors))
        return
    splits = committed_splits()
    for key in SOURCES:
        examples, report = load_source(key, data)
        if args.command == "split":
            fresh = make_splits(examples)
            if key in splits and splits[key] != fresh:
                print(f"{key}: the committed split differs from a fresh one; keeping the committed one")
                continue
            splits[key] = fresh
        per_split = Counter((split_of(e, splits), e.scam) for e in examples)
        print(
            f"{key}: read {report.read}, kept {len(examples)} (short {report.too_short}, duplicates "
            f"{report.duplicates}, conflicting labels {report.conflicting}); "
            + ", ".join(
                f"{s} {per_split[(s, True)]} scam / {per_split[(s, False)]} ordinary"
                for s in ("train", "dev", "test")
            )
        )
    if args.command == "split":
        SPLITS.write_text(json.dumps(splits, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {SPLITS}")


if __name__ == "__main__":
    main()
