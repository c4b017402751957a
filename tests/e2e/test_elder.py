"""Elder mode through /api/chat with the real model: a resident who turned it on gets the short,
plain replies, with the same buttons, in Chinese and in English."""

from __future__ import annotations

import pytest

from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e

POLICE_SCAM = "我是市公安局的警官，你涉嫌洗钱案件，请把钱转到安全账户配合调查，不要告诉家人"


def titles(reply: dict) -> list[str]:
    return [button["title"] for message in reply["replies"] for button in message.get("buttons", [])]


def test_elder_mode_shortens_a_knowledge_answer_and_the_intake_questions_in_chinese(stack: Stack) -> None:
    sender = "elder-short-zh"
    assert "长辈模式打开了" in texts(stack.chat(sender, text="打开长辈模式"))

    answer = stack.chat(sender, text="让我把钱转到安全账户")
    assert '没有什么"安全账户"' in texts(answer)
    assert "真相：" not in texts(answer) and "来源：" not in texts(answer)  # the normal answer's parts
    assert "找工作人员" in titles(answer)

    consent = stack.chat(sender, text="我要登记纠纷")
    assert "先说一声" in texts(consent)
    category = stack.press(sender, consent, "1 同意")
    assert "是哪种事？点一下按钮" in texts(category)
    assert "1 邻里纠纷" in titles(category)  # the same buttons as in the normal question
    township = stack.press(sender, category, "1 邻里纠纷")
    assert "您住在哪个镇？点一下就行" in texts(township)
    assert "乡、街道" not in texts(township)


def test_elder_mode_shortens_a_knowledge_answer_and_the_intake_questions_in_english(stack: Stack) -> None:
    sender = "elder-short-en"
    stack.chat(sender, text="hello there, good morning")
    assert "Elder mode is on" in texts(stack.chat(sender, text="elder mode on"))

    # A question about the trick (told as it happens, "they told me to move my money…", it gets
    # the scam-now warning first: tests/e2e/test_scams.py).
    answer = stack.chat(sender, text="is there really such a thing as a safe account?")
    assert answer["language"] == "en"
    assert 'There is no "safe account".' in texts(answer)
    assert "The truth:" not in texts(answer) and "Source:" not in texts(answer)
    assert "Talk to a person" in titles(answer)

    consent = stack.chat(sender, text="I want to register a dispute")
    assert "First: to register" in texts(consent)
    category = stack.press(sender, consent, "1 I agree")
    assert "What kind of trouble is it?" in texts(category)
    assert "1 Neighbours" in titles(category)


def test_elder_mode_gives_the_scam_risk_in_one_sentence_and_the_first_thing_to_do(stack: Stack) -> None:
    sender = "elder-scam-zh"
    stack.chat(sender, text="打开长辈模式")
    stack.chat(sender, text="帮我看看这条短信是不是诈骗")
    checked = stack.chat(sender, text=POLICE_SCAM)
    assert "这很可能是骗子" in texts(checked) and "先做一件事：别转钱，别说验证码" in texts(checked)
    assert "危险信号" not in texts(checked)

    cheated = stack.press(sender, checked, "转了，或说了")
    assert "别慌，先打110报警" in texts(cheated)
    assert "登记紧急求助" not in titles(cheated) and "要，请人联系我" in titles(cheated)
