"""Replies as Telegram messages: the length limit, keyboards, elder mode."""

from telegram import ReplyKeyboardMarkup

from bot.channels.telegram.rendering import (
    MAX_CALLBACK_DATA,
    MAX_TEXT,
    keyboard,
    messages,
    split_text,
    typed_answer,
)
from bot.conversation import payloads
from bot.conversation.relay import Button, Reply


def test_a_long_reply_is_split_at_line_breaks_within_the_limit() -> None:
    text = "\n".join(f"第{i}行：" + "说" * 90 for i in range(120))
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_TEXT for piece in pieces)
    assert "\n".join(pieces) == text


def test_a_reply_without_breaks_is_cut_hard() -> None:
    pieces = split_text("骗" * (MAX_TEXT * 2 + 10))
    assert [len(p) for p in pieces] == [MAX_TEXT, MAX_TEXT, 10]


def test_buttons_go_under_the_last_piece_only() -> None:
    reply = Reply(text="说" * (MAX_TEXT + 5), buttons=(Button("好", "/a~x"),))
    out = messages([reply], elder_mode=False)
    assert [m.keyboard is not None for m in out] == [False, True]


def test_a_turns_plain_replies_run_into_the_message_with_the_buttons() -> None:
    turn = [
        Reply(text="已登记，编号 DT-JF-2026-000001。"),
        Reply(text="工作人员会在 3 个工作日内联系您。"),
        Reply(text="还有什么可以帮您？", buttons=(Button("没有了", "/a~1"),)),
        Reply(text="（这一条在按钮之后，单独发）"),
    ]
    out = messages(turn, elder_mode=False)
    assert [m.text for m in out] == [
        "已登记，编号 DT-JF-2026-000001。\n\n工作人员会在 3 个工作日内联系您。\n\n还有什么可以帮您？",
        "（这一条在按钮之后，单独发）",
    ]
    assert [m.keyboard is not None for m in out] == [True, False]


def test_buttons_without_text_go_under_the_text_before_them() -> None:
    out = messages([Reply(text="请选择："), Reply(buttons=(Button("好", "/a~x"),))], elder_mode=False)
    assert [(m.text, m.keyboard is not None) for m in out] == [("请选择：", True)]


def test_replies_are_not_joined_past_the_length_limit_nor_in_elder_mode() -> None:
    long = [Reply(text="说" * (MAX_TEXT - 10)), Reply(text="再说二十个字" * 4)]
    assert len(messages(long, elder_mode=False)) == 2
    short = [Reply(text="第一条"), Reply(text="第二条")]
    assert [m.text for m in messages(short, elder_mode=True)] == ["第一条", "第二条"]
    assert [m.text for m in messages(short, elder_mode=False)] == ["第一条\n\n第二条"]


def test_the_phone_question_is_not_joined_to_what_follows() -> None:
    turn = [Reply(text="请留个电话", custom={"ask": "phone"}), Reply(text="也可以直接输入号码")]
    out = messages(turn, elder_mode=False)
    assert len(out) == 2 and isinstance(out[0].keyboard, ReplyKeyboardMarkup)


def test_short_buttons_pair_up_and_elder_mode_puts_one_per_row() -> None:
    buttons = (Button("是", "/a~1"), Button("否", "/b~2"), Button("我想找工作人员", "/c~3"))
    normal = keyboard(buttons, elder_mode=False)
    elder = keyboard(buttons, elder_mode=True)
    assert normal is not None and elder is not None
    assert [len(row) for row in normal.inline_keyboard] == [2, 1]
    assert [len(row) for row in elder.inline_keyboard] == [1, 1, 1]


def test_text_is_sent_as_it_is_without_markup() -> None:
    out = messages([Reply(text="<b>*粗体*</b> _x_ [链接](http://a)")], elder_mode=False)
    assert out[0].text == "<b>*粗体*</b> _x_ [链接](http://a)"


def test_the_phone_question_offers_a_one_tap_share_button() -> None:
    out = messages([Reply(text="请留个电话", custom={"ask": "phone"})], elder_mode=False)
    markup = out[0].keyboard
    assert isinstance(markup, ReplyKeyboardMarkup)
    assert markup.keyboard[0][0].request_contact is True
    english = messages([Reply(text="Your phone?", custom={"ask": "phone"})], elder_mode=False, language="en")
    assert isinstance(english[0].keyboard, ReplyKeyboardMarkup)
    assert english[0].keyboard.keyboard[0][0].text == "📱 Share my phone number"


def _signed(payload: str) -> str:
    return payloads.sign(key="k" * 32, conversation_id="telegram:42", payload=payload)


def test_no_button_ever_carries_more_than_telegrams_64_bytes() -> None:
    long_payload = _signed('/inform{"township": "大通区上窑镇", "village": "上窑村第二村民组"}')
    assert len(long_payload.encode()) > MAX_CALLBACK_DATA
    buttons = (
        Button("上窑村", long_payload),
        Button("好", _signed("/affirm")),
        Button("长" * 30, long_payload),
    )

    markup = keyboard(buttons, elder_mode=False)

    assert markup is not None
    sent = [key for row in markup.inline_keyboard for key in row]
    assert all(len(str(key.callback_data).encode()) <= MAX_CALLBACK_DATA for key in sent)
    # A payload that fits goes as it is; a long one as its title typed back; a title that does
    # not fit either is left out rather than make Telegram refuse the whole reply.
    assert [key.text for key in sent] == ["上窑村", "好"]
    assert typed_answer(str(sent[0].callback_data)) == "上窑村"
    assert sent[1].callback_data == _signed("/affirm")
    assert typed_answer(str(sent[1].callback_data)) is None


def test_a_reply_whose_only_button_cannot_fit_is_sent_without_a_keyboard() -> None:
    out = messages([Reply(text="请选择", buttons=(Button("长" * 30, "/x" + "y" * 80),))], elder_mode=False)
    assert [(m.text, m.keyboard) for m in out] == [("请选择", None)]
