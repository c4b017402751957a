"""Staff see on the case page what the assistant could not deliver to the resident, and why."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from bot.cases import service as cases
from bot.config import Settings
from bot.db.session import session_scope
from bot.outbox import service as outbox
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.residents import service as residents

REASON = (
    "WeChat: the resident last wrote 49 hours ago, outside the 48-hour window for customer-service "
    "messages, and no template message is set for survey (WECHAT__TEMPLATES)"
)


def test_a_survey_that_could_not_reach_a_wechat_resident_shows_with_the_reason(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case(sender="web-undelivered")
    with session_scope(console_settings) as session:
        case = cases.get_by_number(session=session, number=number)
        resident = residents.for_channel(session=session, channel="wechat", external_id="oUndelivered")
        item = outbox.enqueue(
            session=session,
            resident=resident,
            kind=OutboxKind.SURVEY,
            body={"intent": "ask_survey"},
            channel="wechat",
            recipient="oUndelivered",
            case=case,
        )
        assert item is not None
        item.status, item.last_error = OutboxStatus.FAILED, REASON
    signed_in("supervisor")

    page = client.get(f"/console/cases/{number}").text

    assert "未能送达居民的消息" in page
    assert "outside the 48-hour window" in page and "survey" in page


def test_a_case_whose_messages_all_arrived_shows_no_such_section(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    number = open_case(sender="web-delivered")
    signed_in("supervisor")

    assert "未能送达居民的消息" not in client.get(f"/console/cases/{number}").text
