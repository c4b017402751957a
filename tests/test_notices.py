"""What the assistant says on its own: every text in both languages, Traditional where needed."""

from __future__ import annotations

import pytest

from bot.language import Language
from bot.notices import _TEXTS, Notice, case_notice, text


@pytest.mark.parametrize("notice", list(Notice))
def test_every_notice_has_simplified_chinese_and_english(notice: Notice) -> None:
    assert {Language.SIMPLIFIED, Language.ENGLISH} <= set(_TEXTS[notice])


def test_a_case_notice_stays_simplified_for_the_delivery_to_convert() -> None:
    notice = case_notice(Notice.CASE_ACCEPTED, language="zh-Hant", number="DT-JF-2026-000001")

    assert notice.startswith("您的事项 DT-JF-2026-000001 已受理") and notice.endswith("办理期限到 —。")


def test_a_staff_reply_heading_is_written_out_in_traditional() -> None:
    assert text(Notice.STAFF_REPLY, Language.TRADITIONAL, number="N") == "【案件 N】綜治中心回覆："
