"""Per-address rate limits on the public routes, shared by every gateway on one case store.

Two gateway apps on the same (real, migrated) store, as behind a balancer; no Rasa is running,
so an accepted message gets the polite "busy" reply after its resident was stored.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.app import create_app
from bot.config import ActionsSettings, DispatcherSettings, GatewaySettings, RasaSettings, Settings
from bot.db.session import session_scope
from bot.residents.models import ChannelIdentity
from tests.e2e.stack import free_port


def gateway_settings(committed: Settings, **gateway: object) -> Settings:
    return committed.model_copy(
        update={
            "rasa": RasaSettings(port=free_port()),
            "actions": ActionsSettings(port=free_port()),
            "dispatcher": DispatcherSettings(enabled=False),
            "gateway": GatewaySettings(**gateway),  # type: ignore[arg-type]
        }
    ).with_secrets()


@pytest.fixture
def two_gateways(
    committed: Settings, request: pytest.FixtureRequest
) -> Iterator[tuple[TestClient, TestClient]]:
    limits = getattr(request, "param", {})
    settings = gateway_settings(committed, **limits)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        yield first, second


def web_residents(settings: Settings) -> int:
    with session_scope(settings) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(ChannelIdentity).where(ChannelIdentity.channel == "web")
            )
            or 0
        )


def new_browser_says(client: TestClient, text: str) -> object:
    client.cookies.clear()  # each a fresh browser: a new cookie does not get round the limit
    return client.post("/api/chat", json={"text": text})


@pytest.mark.parametrize("two_gateways", [{"chat_per_address_per_minute": 4}], indirect=True)
def test_one_address_gets_four_messages_a_minute_across_both_gateways_and_the_fifth_creates_nothing(
    two_gateways: tuple[TestClient, TestClient], committed: Settings
) -> None:
    first, second = two_gateways

    answers = [new_browser_says(client, "你好") for client in (first, second, first, second)]
    refused = new_browser_says(second, "你好")

    assert [a.status_code for a in answers] == [200, 200, 200, 200]  # type: ignore[attr-defined]
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.json()["error"] == "您发得有点快，请歇一分钟再发。急事请拨打 110。"  # type: ignore[attr-defined]
    assert refused.headers["retry-after"] == "60"  # type: ignore[attr-defined]
    assert web_residents(committed) == 4  # the refused message stored no resident


@pytest.mark.parametrize("two_gateways", [{"chat_per_address_per_minute": 2}], indirect=True)
def test_the_refusal_is_in_the_language_the_browser_chose(
    two_gateways: tuple[TestClient, TestClient],
) -> None:
    first, second = two_gateways
    for client in (first, second):
        new_browser_says(client, "hello")

    refused = second.post("/api/chat", json={"text": "hello", "set_language": "en"})

    assert refused.status_code == 429
    assert refused.json()["error"].startswith("You are sending messages very fast.")


@pytest.mark.parametrize("two_gateways", [{"chat_per_address_per_minute": 2}], indirect=True)
def test_x_forwarded_for_from_an_untrusted_peer_does_not_make_a_new_address(
    two_gateways: tuple[TestClient, TestClient],
) -> None:
    first, second = two_gateways
    for n, client in enumerate((first, second)):
        client.cookies.clear()
        client.post("/api/chat", json={"text": "你好"}, headers={"X-Forwarded-For": f"198.51.100.{n}"})

    second.cookies.clear()
    refused = second.post("/api/chat", json={"text": "你好"}, headers={"X-Forwarded-For": "198.51.100.9"})

    assert refused.status_code == 429


@pytest.mark.parametrize("two_gateways", [{"scam_check_per_address_per_minute": 3}], indirect=True)
def test_the_scam_check_is_limited_per_address_across_gateways(
    two_gateways: tuple[TestClient, TestClient],
) -> None:
    first, second = two_gateways
    body = {"text": "您的快递丢失，请点击链接办理理赔"}

    answers = [client.post("/api/scam-check", json=body).status_code for client in (first, second, first)]
    refused = second.post("/api/scam-check", json=body, headers={"Accept-Language": "en-GB"})

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"].startswith("You are sending messages very fast.")


@pytest.mark.parametrize("two_gateways", [{"pending_per_address_per_minute": 3}], indirect=True)
def test_polling_for_pending_messages_is_limited_per_address_across_gateways(
    two_gateways: tuple[TestClient, TestClient],
) -> None:
    first, second = two_gateways

    answers = [client.get("/api/chat/pending").status_code for client in (first, second, first)]
    refused = second.get("/api/chat/pending")

    assert answers == [200, 200, 200]
    assert refused.status_code == 429


@pytest.mark.parametrize("two_gateways", [{"rate_limit_per_minute": 0}], indirect=True)
def test_a_message_over_the_conversations_own_limit_stores_no_resident(
    two_gateways: tuple[TestClient, TestClient], committed: Settings
) -> None:
    first, _ = two_gateways

    refused = new_browser_says(first, "你好")

    assert refused.json()["replies"][0]["text"] == "您发得有点快，请歇一分钟再发。急事请拨打 110。"  # type: ignore[attr-defined]
    assert web_residents(committed) == 0
