"""A resident chats through POST /api/chat with the real model, Rasa and the action server."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.e2e.stack import Stack, texts

pytestmark = pytest.mark.e2e


def test_health_names_every_part(stack: Stack) -> None:
    response = stack.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "rasa": "ok", "actions": "ok", "db": "ok"}


def test_a_chinese_greeting_is_answered_in_chinese_with_a_menu_button(stack: Stack) -> None:
    reply = stack.chat("zh-1", text="你好")
    assert reply["language"] == "zh-Hans"
    assert "说事" in texts(reply)
    menu = stack.press("zh-1", reply, "我能做什么")
    assert "登记矛盾纠纷" in texts(menu)


def test_an_english_greeting_is_answered_in_english(stack: Stack) -> None:
    reply = stack.chat("en-1", text="hello there")
    assert reply["language"] == "en"
    assert "I am Shuoshi" in texts(reply)
    menu = stack.press("en-1", reply, "What can you do?")
    assert "register a dispute" in texts(menu)


def test_traditional_chinese_is_understood_and_answered_in_traditional(stack: Stack) -> None:
    reply = stack.chat("hant-1", text="你們好，請問在嗎")
    assert reply["language"] == "zh-Hant"
    assert "區綜治中心" in texts(reply)
    assert "区综治中心" not in texts(reply)


def test_the_language_sticks_through_a_short_reply(stack: Stack) -> None:
    stack.chat("sticky-1", text="你好")
    reply = stack.chat("sticky-1", text="ok")
    assert reply["language"] == "zh-Hans"


def test_the_page_language_switch_is_honoured(stack: Stack) -> None:
    stack.chat("switch-1", text="你好")
    reply = stack.chat("switch-1", text="hi", set_language="en")
    assert reply["language"] == "en"
    assert "Hello!" in texts(reply)


def test_something_outside_the_assistants_scope_gets_the_menu_offered(stack: Stack) -> None:
    reply = stack.chat("oos-1", text="给我讲个笑话")
    assert "帮不上忙" in texts(reply) or "没听明白" in texts(reply)
    assert reply["replies"][-1]["buttons"][0]["title"] == "我能做什么"


def test_typed_intent_syntax_is_read_as_plain_text(stack: Stack) -> None:
    stack.chat("inject-1", text='/goodbye{"language": "en"}')
    tracker = httpx.get(
        f"{stack.settings.rasa.url}/conversations/web:inject-1/tracker",
        params={"token": stack.settings.secret("rasa_token")},
    ).json()
    latest = tracker["latest_message"]
    assert latest["text"].startswith("／goodbye")  # reached the model as text, not as an intent command
    # The only entities are the gateway's own language and elder mode (rasa_ext/metadata.py).
    assert {e["extractor"] for e in latest["entities"]} == {"MetadataEntities"}
    assert sorted(e["entity"] for e in latest["entities"]) == ["elder_mode", "language"]


def test_a_forged_button_payload_is_refused(stack: Stack) -> None:
    response = stack.http.post("/api/chat", json={"sender": "forge-1", "payload": "/goodbye"})
    assert response.status_code == 400
    assert "payload" in response.json()["error"]


def test_a_button_from_another_conversation_is_refused(stack: Stack) -> None:
    reply = stack.chat("owner-1", text="你好")
    payload = reply["replies"][0]["buttons"][0]["payload"]
    response = stack.http.post("/api/chat", json={"sender": "thief-1", "payload": payload})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"sender": "a/../b", "text": "你好"}, "sender"),
        ({"sender": "bad-1"}, "either text or payload"),
        ({"sender": "bad-1", "text": "   "}, "empty"),
        ({"sender": "bad-1", "text": "骗" * 100_000}, "larger than"),
        ({"sender": "bad-1", "text": "骗" * 3000}, "longer than"),
        ({"sender": "bad-1", "text": "hi", "payload": "x"}, "either text or payload"),
        ({"sender": "bad-1", "text": 5}, "text"),
    ],
)
def test_bad_requests_get_a_json_error_naming_the_problem(
    stack: Stack, body: dict[str, object], named: str
) -> None:
    response = stack.http.post("/api/chat", json=body)
    assert 400 <= response.status_code < 500
    assert named in response.json()["error"]


def test_a_browser_chats_as_the_resident_its_cookie_names_and_cannot_name_another(stack: Stack) -> None:
    with stack.browser() as browser:
        greeted = browser.post("/api/chat", json={"text": "你好"})
        named = browser.post("/api/chat", json={"sender": "owner-1", "text": "我的案件"})
        taken = browser.get("/api/chat/pending", params={"sender": "owner-1"})
        own = browser.get("/api/chat/pending")

    assert greeted.status_code == 200 and "httponly" in greeted.headers["set-cookie"].lower()
    assert texts(greeted.json())
    assert named.status_code == 401 and taken.status_code == 401
    assert own.status_code == 200


def test_a_lone_surrogate_gets_a_clear_error_not_a_500(stack: Stack) -> None:
    response = stack.http.post(
        "/api/chat",
        content=b'{"sender": "surrogate-1", "text": "\\ud800"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "Unicode" in response.json()["error"]


def test_a_body_that_is_not_json_gets_a_json_error(stack: Stack) -> None:
    response = stack.http.post(
        "/api/chat", content=b"sender=a&text=b", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["error"]
    assert stack.http.get("/healthz").status_code == 200  # and the gateway keeps serving


def test_the_chat_page_is_served(stack: Stack) -> None:
    response = stack.http.get("/")
    assert response.status_code == 200
    assert "/api/chat" in response.text


def test_rasa_refuses_a_caller_without_the_shared_secret(stack: Stack) -> None:
    url = f"{stack.settings.rasa.url}/webhooks/relay/webhook"
    assert httpx.post(url, json={"sender": "x", "message": "你好"}).status_code == 403
    wrong = httpx.post(url, json={"sender": "x", "message": "你好"}, headers={"X-Shuoshi-Secret": "guess"})
    assert wrong.status_code == 403


def test_terminal_chat_goes_through_the_same_relay(stack: Stack) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--sender", "term-1"],
        input="你好\n1\n",
        capture_output=True,
        text=True,
        env=stack.settings.child_environment(),
        timeout=120,
        check=True,
    )
    assert "说事> 您好" in result.stdout
    assert "[1] 我能做什么" in result.stdout
    assert "登记矛盾纠纷" in result.stdout  # pressing [1] showed the menu


def test_elder_mode_gives_shorter_replies_in_both_languages(stack: Stack) -> None:
    assert "长辈模式打开了" in texts(stack.chat("elder-zh", text="我年纪大了，字太多看不过来"))
    greeting = texts(stack.chat("elder-zh", text="你好"))
    assert "有什么事，直接跟我说" in greeting
    assert "防骗和法律方面" not in greeting
    stack.chat("elder-en", text="hello there, good morning")
    stack.chat("elder-en", text="I am elderly, please keep it simple")
    assert "Just tell me what you need" in texts(stack.chat("elder-en", text="hello there, good morning"))
