"""Web chat's identity: the gateway's cookie names the resident; a `sender` only with an API key.

Through the gateway app on a real database (built by the migrations); no Rasa is running, so a
message gets the polite "busy" reply, which is enough to see whose conversation it went to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.channels.web import identity
from bot.config import ActionsSettings, DispatcherSettings, RasaSettings, Settings
from bot.db.session import session_scope
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind
from bot.residents import service as residents
from bot.residents.enums import Channel
from bot.staff import api_keys
from tests.e2e.stack import free_port


@pytest.fixture
def web_settings(committed: Settings) -> Settings:
    # Ports where nothing listens: no Rasa of anyone else's gets these messages. No dispatcher:
    # it would claim the queued messages the tests hand over through /api/chat/pending.
    return committed.model_copy(
        update={
            "rasa": RasaSettings(port=free_port()),
            "actions": ActionsSettings(port=free_port()),
            "dispatcher": DispatcherSettings(enabled=False),
        }
    ).with_secrets()


@pytest.fixture
def app(web_settings: Settings) -> Iterator[object]:
    yield create_app(web_settings)


@pytest.fixture
def browser(app: object) -> Iterator[TestClient]:
    with TestClient(app) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
def key(web_settings: Settings) -> str:
    with session_scope(web_settings) as session:
        return api_keys.add(session=session, name="kiosk")


def web_resident_exists(settings: Settings, sender: str) -> bool:
    with session_scope(settings) as session:
        return residents.find_by_channel(session=session, channel="web", external_id=sender) is not None


def queue_for_web(settings: Settings, sender: str, text: str) -> None:
    with session_scope(settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=sender)
        outbox.enqueue(
            session=session,
            resident=resident,
            kind=OutboxKind.STAFF_REPLY,
            body={"replies": [{"text": text}]},
            channel=Channel.WEB,
            recipient=sender,
        )


def test_the_page_gives_the_browser_an_httponly_lax_cookie_and_puts_no_id_in_urls(
    browser: TestClient,
) -> None:
    page = browser.get("/")

    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{identity.COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "sender" not in page.text.replace('localStorage.removeItem("shuoshi.sender")', "")


def test_cookie_is_secure_when_the_setting_says_so(web_settings: Settings) -> None:
    secure = web_settings.model_copy(
        update={"gateway": web_settings.gateway.model_copy(update={"cookie_secure": True})}
    )
    with TestClient(create_app(secure)) as client:
        assert "secure" in client.get("/").headers["set-cookie"].lower()


def test_a_message_without_a_sender_goes_to_the_cookies_resident(
    browser: TestClient, web_settings: Settings
) -> None:
    first = browser.post("/api/chat", json={"text": "你好"})
    sender = identity.sender_from_cookie(web_settings, browser.cookies.get(identity.COOKIE))
    second = browser.post("/api/chat", json={"text": "还在吗"})

    assert first.status_code == 200 and second.status_code == 200
    assert sender is not None and web_resident_exists(web_settings, sender)
    assert identity.sender_from_cookie(web_settings, browser.cookies.get(identity.COOKIE)) == sender


def test_naming_a_sender_without_an_api_key_is_refused_and_creates_nothing(
    browser: TestClient, web_settings: Settings
) -> None:
    response = browser.post("/api/chat", json={"sender": "victim-1", "text": "我的案件"})

    assert response.status_code == 401
    assert "API key" in response.json()["error"]
    assert not web_resident_exists(web_settings, "victim-1")


def test_naming_a_sender_with_a_wrong_key_is_refused(browser: TestClient, key: str) -> None:
    response = browser.post(
        "/api/chat",
        json={"sender": "victim-1", "text": "我的案件"},
        headers={"Authorization": f"Bearer {key}x"},
    )

    assert response.status_code == 401


def test_a_program_with_a_key_speaks_for_the_sender_it_names(
    browser: TestClient, key: str, web_settings: Settings
) -> None:
    response = browser.post(
        "/api/chat", json={"sender": "kiosk-7", "text": "你好"}, headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 200
    assert web_resident_exists(web_settings, "kiosk-7")


def test_a_revoked_key_is_refused(browser: TestClient, key: str, web_settings: Settings) -> None:
    with session_scope(web_settings) as session:
        api_keys.revoke(session=session, name="kiosk")

    response = browser.get(
        "/api/chat/pending", params={"sender": "kiosk-7"}, headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 401


def test_pending_messages_of_another_resident_cannot_be_taken_without_a_key(
    browser: TestClient, key: str, web_settings: Settings
) -> None:
    queue_for_web(web_settings, "victim-2", "您的案件已受理")

    stolen = browser.get("/api/chat/pending", params={"sender": "victim-2"})
    owned = browser.get(
        "/api/chat/pending", params={"sender": "victim-2"}, headers={"Authorization": f"Bearer {key}"}
    )

    assert stolen.status_code == 401
    assert [r["text"] for r in owned.json()["replies"]] == ["您的案件已受理"]


def test_pending_messages_reach_the_cookies_resident(browser: TestClient, web_settings: Settings) -> None:
    browser.get("/")
    sender = identity.sender_from_cookie(web_settings, browser.cookies.get(identity.COOKIE))
    assert sender is not None
    queue_for_web(web_settings, sender, "请带上收据")

    replies = browser.get("/api/chat/pending").json()["replies"]

    assert [r["text"] for r in replies] == ["请带上收据"]


def test_a_forged_cookie_names_no_one(browser: TestClient, web_settings: Settings) -> None:
    queue_for_web(web_settings, "victim-3", "您的案件已受理")
    browser.cookies.set(identity.COOKIE, "victim-3.forged-signature")

    assert browser.get("/api/chat/pending").json() == {"replies": []}
    issued = browser.post("/api/chat", json={"text": "你好"}).cookies.get(identity.COOKIE)
    assert identity.sender_from_cookie(web_settings, issued) not in (None, "victim-3")


def test_forget_me_on_this_device_clears_the_cookie(browser: TestClient, web_settings: Settings) -> None:
    browser.post("/api/chat", json={"text": "你好"})
    before = identity.sender_from_cookie(web_settings, browser.cookies.get(identity.COOKIE))

    response = browser.post("/api/chat/forget-device")
    browser.post("/api/chat", json={"text": "你好"})
    after = identity.sender_from_cookie(web_settings, browser.cookies.get(identity.COOKIE))

    assert response.status_code == 200
    assert before is not None and after is not None and after != before


@pytest.mark.parametrize("sender", ["../tracker", "a/b", "x?token=1", "名字", "a b", "web:x"])
def test_a_sender_outside_the_alphabet_is_refused(browser: TestClient, key: str, sender: str) -> None:
    response = browser.post(
        "/api/chat", json={"sender": sender, "text": "你好"}, headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 422
    assert "sender" in response.json()["error"]


def test_a_lone_surrogate_in_the_text_gets_a_clear_4xx(browser: TestClient) -> None:
    response = browser.post(
        "/api/chat", content=b'{"text": "\\ud800 hi"}', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert "Unicode" in response.json()["error"]


def test_another_sites_link_to_pending_does_not_take_the_residents_messages(
    browser: TestClient, web_settings: Settings
) -> None:
    browser.get("/")
    sender = identity.sender_from_cookie(web_settings, browser.cookies.get(identity.COOKIE))
    assert sender is not None
    queue_for_web(web_settings, sender, "您的案件已受理")

    lured = browser.get("/api/chat/pending", headers={"Sec-Fetch-Site": "cross-site"})
    own = browser.get("/api/chat/pending", headers={"Sec-Fetch-Site": "same-origin"})

    assert lured.json() == {"replies": []}
    assert [r["text"] for r in own.json()["replies"]] == ["您的案件已受理"]


def test_with_the_store_away_a_key_confirmed_before_still_speaks_and_an_unknown_one_gets_busy(
    web_settings: Settings, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from fastapi import HTTPException
    from sqlalchemy.exc import OperationalError
    from starlette.requests import Request

    def request_with(value: str) -> Request:
        return Request({"type": "http", "headers": [(b"authorization", f"Bearer {value}".encode())]})

    asyncio.run(identity.require_api_key(request_with(key), web_settings))  # confirmed by the store

    def store_away(*_: object, **__: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(api_keys, "find", store_away)
    asyncio.run(identity.require_api_key(request_with(key), web_settings))  # still accepted
    with pytest.raises(HTTPException) as refused:
        asyncio.run(identity.require_api_key(request_with("ssa_never-seen"), web_settings))
    assert refused.value.status_code == 503
