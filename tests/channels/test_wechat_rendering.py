"""Replies on WeChat: buttons as numbered options that a typed number answers."""

from __future__ import annotations

from bot.channels.wechat.rendering import MAX_BYTES, messages, split_text
from bot.conversation.answers import pressed_by_typing
from bot.conversation.relay import Button, Reply


def test_buttons_become_numbered_options_and_the_typed_number_is_the_press() -> None:
    reply = Reply(
        "问题解决了吗？", (Button("已解决", "/survey_solved~x"), Button("没解决", "/survey_unsolved~y"))
    )

    [text] = messages([reply], language="zh-Hans")

    assert text == "问题解决了吗？\n\n1. 已解决\n2. 没解决\n（回复数字即可）"
    offered = [
        {"title": "已解决", "payload": "/survey_solved"},
        {"title": "没解决", "payload": "/survey_unsolved"},
    ]
    assert pressed_by_typing("2", offered) == "/survey_unsolved"


def test_titles_that_carry_their_number_are_not_numbered_twice() -> None:
    reply = Reply("您同意吗？", (Button("1 同意", "/affirm~x"), Button("2 不同意", "/deny~y")))

    assert messages([reply], language="zh-Hans") == ["您同意吗？\n\n1. 同意\n2. 不同意\n（回复数字即可）"]


def test_english_options_say_so_in_english() -> None:
    [text] = messages([Reply("Solved?", (Button("Yes", "/a"),))], language="en")

    assert text.endswith("1. Yes\n(reply with the number)")


def test_a_long_answer_is_cut_within_wechats_limit_at_line_breaks() -> None:
    text = "\n".join(f"第{n}条：遇到陌生来电要求转账，先挂断，再拨打官方电话核实。" for n in range(80))

    pieces = split_text(text)

    assert len(pieces) > 1
    assert all(len(piece.encode()) <= MAX_BYTES for piece in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
