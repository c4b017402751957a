"""Residents on Telegram: a gateway with Telegram on, against a local fake Bot API server and the
real model, in polling and in webhook mode."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.cases import attachments
from bot.cases import service as cases
from bot.cases.models import Attachment
from bot.cases.schemas import CaseCreate
from bot.channels.telegram.rendering import MAIN_MENU
from bot.config import TelegramSettings
from bot.db.session import session_scope
from bot.launcher.processes import Service
from bot.residents import service as residents
from tests.e2e.stack import Stack
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e
TOKEN = "123456:TEST-TOKEN"
_users = itertools.count(7001)


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def polling_gateway(stack: Stack, telegram: FakeTelegram) -> Iterator[Service]:
    service = stack.extra_gateway(
        telegram=TelegramSettings(token=TOKEN, base_url=f"http://127.0.0.1:{telegram.port}"),
    )
    yield service
    service.stop()


@pytest.fixture
def user(polling_gateway: Service) -> int:
    return next(_users)


def last_text(telegram: FakeTelegram, user: int, count: int) -> str:
    return str(telegram.wait_for_messages(user, count)[count - 1]["text"])


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def test_start_greets_with_a_menu_button_and_the_commands_are_registered(
    telegram: FakeTelegram, user: int
) -> None:
    telegram.message(user, text="/start")
    greeting = telegram.wait_for_messages(user, 1)[0]
    assert "说事" in greeting["text"]
    assert [b["text"] for b in buttons(greeting)] == ["我能做什么"]
    registered = {c.get("language_code"): c["commands"] for c in telegram.called("setMyCommands")}
    assert {"zh", "en"} <= set(registered)
    assert {"start", "menu", "language", "elder", "privacy", "delete_my_data"} <= {
        c["command"] for c in registered["zh"]
    }


def test_pressing_a_button_answers_the_callback_and_shows_the_menu(telegram: FakeTelegram, user: int) -> None:
    telegram.message(user, text="你好")
    greeting = telegram.wait_for_messages(user, 1)[0]
    answered_before = len(telegram.called("answerCallbackQuery"))
    telegram.callback(user, buttons(greeting)[0]["callback_data"])
    assert "登记矛盾纠纷" in last_text(telegram, user, 2)
    assert len(telegram.called("answerCallbackQuery")) == answered_before + 1


def test_english_and_traditional_residents_are_answered_in_their_language(telegram: FakeTelegram) -> None:
    english, traditional = next(_users), next(_users)
    telegram.message(english, text="hello there, good morning", language_code="en")
    telegram.message(traditional, text="你們好，請問在嗎", language_code="zh-hant")
    assert "Hello" in last_text(telegram, english, 1)
    assert "區綜治中心" in last_text(telegram, traditional, 1)


def test_a_forged_button_is_refused_politely(telegram: FakeTelegram, user: int) -> None:
    telegram.callback(user, '/delete_my_data{"x": 1}')
    assert "按钮已经失效" in last_text(telegram, user, 1)
    assert telegram.called("answerCallbackQuery")


def test_typed_command_syntax_does_not_reach_rasa_as_an_intent(telegram: FakeTelegram, user: int) -> None:
    telegram.message(user, text="你好")
    telegram.wait_for_messages(user, 1)
    telegram.message(user, text='/confirm_delete_my_data{"a":1}')
    assert "没有这个命令" in last_text(telegram, user, 2)


def test_a_redelivered_update_is_handled_once(telegram: FakeTelegram, user: int) -> None:
    update = telegram.message(user, text="谢谢你")
    telegram.wait_for_messages(user, 1)
    telegram.push({k: v for k, v in update.items() if k != "update_id"}, update_id=update["update_id"])
    telegram.message(user, text="再见")
    messages = telegram.wait_for_messages(user, 2)
    assert "不客气" in messages[0]["text"]
    assert "再见" in messages[1]["text"]
    assert len(telegram.sent(user)) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}}, "听不了语音"),
        (
            {
                "sticker": {
                    "file_id": "s1",
                    "file_unique_id": "s1",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            },
            "表情",
        ),
        ({"location": {"latitude": 32.6, "longitude": 117.0}}, "哪个镇"),
        ({"contact": {"phone_number": "13800000000", "first_name": "张"}}, "收到名片"),
        ({"photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 1, "height": 1}]}, "图片"),
        ({"document": {"file_id": "d1", "file_unique_id": "d1", "file_name": "a.pdf"}}, "图片或文件"),
    ],
)
def test_each_kind_of_non_text_message_gets_a_clear_reply(
    telegram: FakeTelegram, user: int, content: dict[str, Any], expected: str
) -> None:
    telegram.message(user, **content)
    assert expected in last_text(telegram, user, 1)


def test_language_command_switches_to_english(telegram: FakeTelegram, user: int) -> None:
    telegram.message(user, text="/language")
    picker = telegram.wait_for_messages(user, 1)[0]
    english = next(b for b in buttons(picker) if b["text"] == "English")
    telegram.callback(user, english["callback_data"])
    assert "Hello" in last_text(telegram, user, 2)
    telegram.message(user, text="ok")  # short: does not switch the resident back to Chinese
    assert not re.search(r"[\u4e00-\u9fff]", last_text(telegram, user, 3))


def test_elder_mode_puts_one_button_per_row(telegram: FakeTelegram, user: int) -> None:
    telegram.message(user, text="/elder")
    assert "长辈模式打开了" in last_text(telegram, user, 1)
    telegram.message(user, text="/delete_my_data")
    question = telegram.wait_for_messages(user, 2)[1]
    rows = question["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in rows] == [1, 1]
    telegram.message(user, text="/elder")
    assert "长辈模式关掉了" in last_text(telegram, user, 3)


def test_too_many_messages_in_a_minute_get_a_polite_notice(telegram: FakeTelegram, user: int) -> None:
    for _ in range(21):
        telegram.message(user, text="你好")
    messages = telegram.wait_for_messages(user, 21, timeout=60)
    assert "发得有点快" in messages[20]["text"]
    assert all("发得有点快" not in m["text"] for m in messages[:20])


def test_a_429_with_retry_after_is_waited_out_and_the_reply_sent_once(
    telegram: FakeTelegram, user: int
) -> None:
    telegram.fail_next("sendMessage", 429, retry_after=1)
    telegram.message(user, text="谢谢")
    assert "不客气" in last_text(telegram, user, 1)
    attempts = [c for c in telegram.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == user]
    assert [c.ok for c in attempts] == [False, True]  # refused once, sent once
    assert len(telegram.sent(user)) == 1


def test_a_server_error_is_retried(telegram: FakeTelegram, user: int) -> None:
    telegram.fail_next("sendMessage", 502)
    telegram.message(user, text="谢谢")
    assert "不客气" in last_text(telegram, user, 1)
    attempts = [c for c in telegram.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == user]
    assert [c.ok for c in attempts] == [False, True]


@pytest.fixture(scope="module")
def webhook_gateway(stack: Stack, telegram: FakeTelegram) -> Iterator[Service]:
    service = stack.extra_gateway(
        telegram=TelegramSettings(
            token=TOKEN,
            base_url=f"http://127.0.0.1:{telegram.port}",
            mode="webhook",
            webhook_url="https://example.invalid/telegram/webhook",
            secret_token="s3cret-token",
        ),
    )
    yield service
    service.stop()


def test_webhook_mode_checks_the_secret_token(telegram: FakeTelegram, webhook_gateway: Service) -> None:
    assert telegram.called("setWebhook")[-1]["secret_token"] == "s3cret-token"
    url = webhook_gateway.ready_url.replace("/healthz", "/telegram/webhook")
    user = next(_users)
    update = {
        "update_id": 990000 + user,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "李"},
            "text": "谢谢",
        },
    }
    assert httpx.post(url, json=update).status_code == 403
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
    assert httpx.post(url, json=update, headers=wrong).status_code == 403
    right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    assert httpx.post(url, json=update, headers=right).status_code == 200
    assert "不客气" in last_text(telegram, user, 1)
    assert httpx.post(url, json=update, headers=right).status_code == 200  # Telegram sends it again
    telegram.message(user, text="再见")  # polling gateway: proves the pipeline moved on
    telegram.wait_for_messages(user, 2)
    assert len(telegram.sent(user)) == 2


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def open_a_case_for(stack: Stack, user: int) -> str:
    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="telegram", external_id=str(user))
        case = cases.create(
            session=session,
            resident=resident,
            case_in=CaseCreate(
                kind="dispute",
                category="neighbours",
                township="孔店乡",
                title="院墙",
                description="邻居把院墙往我家这边挪了",
                channel="telegram",
            ),
        )
        return case.number


def test_a_photo_sent_while_a_case_is_open_is_attached_as_evidence(
    stack: Stack, telegram: FakeTelegram, user: int
) -> None:
    number = open_a_case_for(stack, user)
    telegram.files["ph1"] = JPEG
    telegram.message(
        user,
        photo=[{"file_id": "ph1", "file_unique_id": "ph1", "width": 9, "height": 9, "file_size": len(JPEG)}],
    )
    assert f"附在您的事项 {number}" in last_text(telegram, user, 1)
    with session_scope(stack.settings) as session:
        case = cases.get_by_number(session=session, number=number)
        stored = session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
        assert [(a.content_type, a.size) for a in stored] == [("image/jpeg", len(JPEG))]
        # In the case store, where every gateway reads it (not on this gateway's disk).
        assert attachments.read(settings=stack.settings, attachment=stored[0]) == JPEG
    assert not (stack.settings.var_dir / "attachments").exists()


def test_a_file_of_the_wrong_kind_or_too_large_is_refused_with_the_reason(
    stack: Stack, telegram: FakeTelegram, user: int
) -> None:
    open_a_case_for(stack, user)
    telegram.files["exe"] = b"MZ\x90\x00 not a picture"
    telegram.message(
        user, document={"file_id": "exe", "file_unique_id": "exe", "file_name": "a.exe", "file_size": 20}
    )
    assert "没能保存" in last_text(telegram, user, 1)
    telegram.message(
        user,
        document={
            "file_id": "big",
            "file_unique_id": "big",
            "file_name": "b.pdf",
            "file_size": 50 * 1024 * 1024,
        },
    )
    assert "10 MB" in last_text(telegram, user, 2)


def test_a_new_residents_telegram_language_is_the_first_guess(telegram: FakeTelegram) -> None:
    newcomer = next(_users)
    telegram.message(newcomer, text="hi", language_code="en")  # "hi" alone says little; Telegram says English
    assert "Hello" in last_text(telegram, newcomer, 1)


def test_a_forwarded_message_goes_to_the_scam_check(telegram: FakeTelegram, user: int) -> None:
    telegram.message(
        user,
        text="【某某银行】您的账户存在异常，请立即点击 http://bank-verify.example.com "
        "输入验证码解冻，否则将冻结。",
        forward_origin={"type": "hidden_user", "sender_user_name": "陌生人", "date": 0},
    )
    reply = last_text(telegram, user, 1)
    assert "风险" in reply
    assert "http://bank-verify.example.com" not in reply  # links are shown defanged


def test_start_shows_the_big_menu_and_every_label_is_understood(
    stack: Stack, telegram: FakeTelegram, user: int
) -> None:
    telegram.message(user, text="/start")
    menu = telegram.wait_for_messages(user, 2)[1]
    labels = [button["text"] for row in menu["reply_markup"]["keyboard"] for button in row]
    assert labels == list(MAIN_MENU["zh"])

    expected = ["faq", "check_scam", "register_dispute", "my_cases", "help"]
    for language in ("zh", "en"):
        for label, intent in zip(MAIN_MENU[language], expected, strict=True):
            sender = f"menu-{language}-{intent}"
            stack.chat(sender, text=label)
            tracker = httpx.get(
                f"{stack.settings.rasa.url}/conversations/web:{sender}/tracker",
                params={"token": stack.settings.secret("rasa_token")},
            ).json()
            assert tracker["latest_message"]["intent"]["name"] == intent, (
                label,
                tracker["latest_message"]["intent"],
            )


def test_an_elderly_resident_is_offered_scam_warnings_at_the_start(telegram: FakeTelegram, user: int) -> None:
    telegram.message(user, text="/elder")
    telegram.wait_for_messages(user, 1)
    telegram.message(user, text="/start")
    messages = telegram.wait_for_messages(user, 4)
    assert "订阅" in messages[3]["text"] and "防骗预警" in messages[3]["text"]
    registered = {c["command"] for c in telegram.called("setMyCommands")[0]["commands"]}
    assert {"mycases", "subscribe", "unsubscribe", "guardian"} <= registered
