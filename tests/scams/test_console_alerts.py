"""Staff publish a scam warning in the console and see how many residents received it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.config import Settings
from bot.db.session import session_scope
from bot.outbox.enums import OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.scams import alerts
from bot.staff.audit import AuditEntry


def _subscribe(settings: Settings, sender: str, township: str | None) -> None:
    with session_scope(settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=sender)
        alerts.subscribe(session=session, resident=resident, township=township)


def test_a_published_warning_is_queued_for_subscribers_and_its_deliveries_are_counted(
    client: TestClient, signed_in: Callable[..., str], console_settings: Settings
) -> None:
    _subscribe(console_settings, "alert-reader-1", "洛河镇")
    _subscribe(console_settings, "alert-reader-2", None)
    _subscribe(console_settings, "alert-reader-3", "上窑镇")
    csrf = signed_in("supervisor")

    response = client.post(
        "/console/alerts",
        data={
            "csrf": csrf,
            "text": "近期有人冒充快递客服以理赔为由骗钱",
            "fraud_type": "fraud_cs",
            "townships": ["洛河镇"],
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    with session_scope(console_settings) as session:
        items = session.scalars(select(OutboxItem).where(OutboxItem.dedupe_key.like("alert:%"))).all()
        assert sorted(item.recipient for item in items) == ["alert-reader-1", "alert-reader-2"]
        items[0].status = OutboxStatus.SENT  # as the dispatcher marks a delivered one
    page = client.get(response.headers["location"]).text
    assert "近期有人冒充快递客服" in page and "冒充电商物流客服诈骗" in page
    assert '<td class="num sent">1</td>' in page
    with session_scope(console_settings) as session:
        assert session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "scam_alert_published")
        ).all()


def test_the_form_needs_the_sessions_csrf_token(client: TestClient, signed_in: Callable[..., str]) -> None:
    signed_in("caseworker", township="洛河镇")

    response = client.post("/console/alerts", data={"csrf": "forged", "text": "x"})

    assert response.status_code == 403


def test_signed_out_staff_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/console/alerts", follow_redirects=False)

    assert response.status_code == 303 and "/console/login" in response.headers["location"]


def test_a_township_caseworker_warns_their_own_township_only(
    client: TestClient, signed_in: Callable[..., str], console_settings: Settings
) -> None:
    csrf = signed_in("caseworker", township="洛河镇")

    page = client.get("/console/alerts").text
    refused = client.post("/console/alerts", data={"csrf": csrf, "text": "提醒", "townships": ["上窑镇"]})
    accepted = client.post("/console/alerts", data={"csrf": csrf, "text": "提醒"}, follow_redirects=False)

    assert "上窑镇" not in page.split("发布预警")[1].split("</form>")[0]
    assert refused.status_code == 400
    assert accepted.status_code == 303
    with session_scope(console_settings) as session:
        assert alerts.recent(session=session)[0].townships == ["洛河镇"]


def test_the_page_reads_in_english(client: TestClient, signed_in: Callable[..., str]) -> None:
    signed_in("supervisor")
    client.get("/console/lang/en")

    page = client.get("/console/alerts").text

    assert "Publish a warning" in page and "Subscribed residents" in page
