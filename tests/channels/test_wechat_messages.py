"""Reading WeChat's pushes, and the one key per push that retries share."""

from __future__ import annotations

import pytest

from bot.channels.wechat.messages import InvalidPush, parse

TEXT = (
    "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oResident_1]]></FromUserName>"
    "<CreateTime>1733200000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[有人让我转账到安全账户]]></Content><MsgId>24000000000000001</MsgId></xml>"
)


def event(name: str, create_time: int = 1733200000, key: str = "") -> str:
    return (
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oResident_1]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{name}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>"
    )


def test_a_text_message_is_read() -> None:
    pushed = parse(TEXT)

    assert (pushed.from_user, pushed.msg_type, pushed.content) == (
        "oResident_1",
        "text",
        "有人让我转账到安全账户",
    )
    assert pushed.msg_id == "24000000000000001"


def test_the_same_message_has_the_same_key_and_no_openid_in_it() -> None:
    assert parse(TEXT).dedupe_key == parse(TEXT).dedupe_key
    assert "oResident_1" not in parse(TEXT).dedupe_key


def test_events_without_msgid_are_told_apart_by_sender_and_time() -> None:
    first, retried, later = parse(event("CLICK")), parse(event("CLICK")), parse(event("CLICK", 1733200001))

    assert first.dedupe_key == retried.dedupe_key
    assert first.dedupe_key != later.dedupe_key


def test_a_voice_message_brings_wechats_recognition() -> None:
    voice = TEXT.replace(
        "<MsgType><![CDATA[text]]></MsgType>", "<MsgType><![CDATA[voice]]></MsgType>"
    ).replace(
        "<Content><![CDATA[有人让我转账到安全账户]]></Content>",
        "<Recognition><![CDATA[我要登记矛盾纠纷。]]></Recognition>",
    )

    assert parse(voice).recognition == "我要登记矛盾纠纷。"


@pytest.mark.parametrize(
    "body",
    [
        "not xml",
        '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><FromUserName>&a;</FromUserName></xml>',
        "<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType></xml>",  # no CreateTime
        "<message><FromUserName>o1</FromUserName></message>",
    ],
)
def test_what_is_not_a_wechat_message_is_refused(body: str) -> None:
    with pytest.raises(InvalidPush):
        parse(body)
