"""The scripted conversations the simulated residents run: the mix of the load bench.

A turn is typed text or a button press (by the button's title). Through the gateway a press sends
the signed payload the gateway issued; against bare Rasa it sends the raw payload Rasa offered,
or the title as text when bare Rasa offered no such button (without the action server a form
takes another path), so both runs send the same number of turns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    text: str | None = None
    press: str | None = None  # the title of a button in the previous reply
    # A button title that may be missing (e.g. a village suggestion); typed as text if so.
    fallback: str | None = None


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]
    files_a_case: bool = False  # ends with one registered case (checked after the run)
    scam_check_api: str | None = None  # also calls POST /api/scam-check with this text


def t(text: str) -> Turn:
    return Turn(text=text)


def press(title: str) -> Turn:
    return Turn(press=title)


QUESTIONS_ZH = Script(
    "questions (zh)",
    (
        t("你好"),
        press("我能做什么"),
        t("接到自称公安的电话说我涉嫌洗钱，要我转账到安全账户怎么办"),
        t("邻居家漏水到我家，可以找谁调解"),
        t("谢谢，再见"),
    ),
)

QUESTIONS_EN = Script(
    "questions (en)",
    (
        t("hello there"),
        press("What can you do?"),
        t("How do I report a scam?"),
        t("What is a people's mediation committee?"),
        t("thank you, bye"),
    ),
)

SMS = "【国家医保局】您的医保卡已被冻结，请立即点击 http://yb-gov.cn.vip/jd 验证身份，逾期将停用"

SCAM_CHECK = Script(
    "scam check",
    (
        t("你好"),
        t(SMS),
        t("我应该怎么办"),
        t("谢谢"),
    ),
    scam_check_api=SMS,
)

# The whole dispute intake of tests/e2e/test_intake.py's first test, then a look at the case.
DISPUTE_INTAKE = Script(
    "dispute intake + lookup",
    (
        t("我要登记纠纷"),
        press("1 同意"),
        press("1 邻里纠纷"),
        t("孔店"),
        t("毛郢村"),
        t("楼上邻居每天晚上十一点以后还在装修，吵得老人睡不着"),
        t("楼上302的住户"),
        t("晚上十点以后停止施工"),
        t("13812345678"),
        t("1"),
        press("1 确认提交"),
        t("查询进度"),
    ),
    files_a_case=True,
)

CASE_LOOKUP = Script(
    "case lookup (none)",
    (
        t("查询进度"),
        t("查询 DT-TJ-2099-99999 的进度"),
        t("好的"),
    ),
)

MIX: tuple[Script, ...] = (QUESTIONS_ZH, QUESTIONS_EN, SCAM_CHECK, DISPUTE_INTAKE, CASE_LOOKUP)


def script_for(resident: int, mix: tuple[Script, ...] = MIX) -> Script:
    """Residents take the scripts in turn, so every level runs the same mix."""
    return mix[resident % len(mix)]
