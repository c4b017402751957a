"""/api/staff with bearer tokens, as DESIGN.md describes it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from bot import transcript
from bot.config import Settings
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.staff import api_keys

REQUIRED = {"number", "kind", "status", "category", "township", "title", "created_at"}


def test_the_case_list_filters_by_status_kind_and_township(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    dispute = open_case()
    petition = open_case("petition")
    headers = token_for(add_staff("li.na", "supervisor"))

    everything = client.get("/api/staff/cases", headers=headers).json()
    petitions = client.get("/api/staff/cases", params={"kind": "petition"}, headers=headers).json()
    in_luohe = client.get("/api/staff/cases", params={"township": "洛河镇"}, headers=headers).json()
    accepted = client.get("/api/staff/cases", params={"status": "accepted"}, headers=headers).json()

    assert {case["number"] for case in everything["cases"]} == {dispute, petition}
    assert all(set(case) >= REQUIRED for case in everything["cases"])
    assert [case["number"] for case in petitions["cases"]] == [petition]
    assert [case["number"] for case in in_luohe["cases"]] == [dispute]
    assert accepted["cases"] == []


def _petition_with_a_message(
    open_case: Callable[..., str], console_settings: Settings, *, sender: str, text: str
) -> str:
    """A petition of a web resident, with one message of theirs in its transcript."""
    from bot.cases import service as cases

    number = open_case("petition", sender=sender)
    with session_scope(console_settings) as session:
        case = cases.get_by_number(session=session, number=number)
        resident = residents.for_channel(session=session, channel="web", external_id=sender)
        transcript.record(
            session=session, resident=resident, direction="in", channel="web", text=text, case=case
        )
    return number


def test_one_case_comes_with_its_transcript_and_events_and_masked_data(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = _petition_with_a_message(open_case, console_settings, sender="web-77", text="我要反映")
    headers = token_for(add_staff("li.na", "supervisor"))

    body = client.get(f"/api/staff/cases/{number}", headers=headers).json()

    assert set(body) >= REQUIRED
    assert body["transcript"][0]["text"] == "我要反映"
    assert body["events"][0]["action"] == "created"
    assert body["id_number"] == "110***********002X"


def test_a_transition_through_the_api(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    number = open_case()
    headers = token_for(add_staff("li.na", "supervisor"))
    url = f"/api/staff/cases/{number}/transition"

    accepted = client.post(url, json={"to": "accepted", "note": "受理"}, headers=headers)
    client.post(url, json={"to": "in_progress"}, headers=headers)
    no_outcome = client.post(url, json={"to": "resolved", "note": "调解完毕"}, headers=headers)
    resolved = client.post(
        url, json={"to": "resolved", "note": "调解完毕", "outcome": "agreement"}, headers=headers
    )
    illegal = client.post(url, json={"to": "registered"}, headers=headers)

    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert no_outcome.status_code == 422 and "outcome" in no_outcome.json()["error"]
    assert resolved.json()["status"] == "resolved"
    assert illegal.status_code == 409


def test_stats_give_the_centres_figures(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    number = open_case()
    open_case("petition")
    headers = token_for(add_staff("li.na", "supervisor"))
    url = f"/api/staff/cases/{number}/transition"
    client.post(url, json={"to": "accepted"}, headers=headers)
    client.post(url, json={"to": "in_progress"}, headers=headers)
    client.post(url, json={"to": "resolved", "note": "达成协议", "outcome": "agreement"}, headers=headers)

    stats = client.get("/api/staff/stats", headers=headers).json()

    assert stats["total"]["received"] == 2
    assert stats["total"]["accepted"] == 1
    assert stats["total"]["resolved"] == 1
    assert stats["total"]["banjie_rate"] == 50.0
    assert stats["total"]["huajie_rate"] == 100.0
    assert stats["by_township"]["洛河镇"]["received"] == 1
    assert stats["by_kind"]["petition"]["received"] == 1


def test_a_reply_through_the_api_reaches_the_web_chat_residents_pending_messages(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case(sender="web-resident-42")
    headers = token_for(add_staff("li.na", "supervisor"))

    queued = client.post(f"/api/staff/cases/{number}/reply", json={"text": "请带上收据"}, headers=headers)
    with session_scope(console_settings) as session:
        key = api_keys.add(session=session, name="test")
    pending = client.get(
        "/api/chat/pending", params={"sender": "web-resident-42"}, headers={"Authorization": f"Bearer {key}"}
    ).json()

    assert queued.status_code == 200 and queued.json()["channel"] == "web"
    assert any("请带上收据" in reply["text"] for reply in pending["replies"])


def test_the_transcript_in_the_api_masks_id_and_phone_numbers(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = _petition_with_a_message(
        open_case, console_settings, sender="web-78", text="身份证11010519491231002X，电话13900001111"
    )
    headers = token_for(add_staff("li.na", "supervisor"))

    body = client.get(f"/api/staff/cases/{number}", headers=headers).json()

    assert body["transcript"][0]["text"] == "身份证110***********002X，电话*******1111"


def _telegram_case_of_a_resident_who_blocked_the_bot(console_settings: Settings) -> str:
    from bot.cases import service as cases
    from bot.residents import reach
    from bot.residents.enums import Channel, UnreachableReason
    from tests.conftest import build_case_input

    with session_scope(console_settings) as session:
        resident = residents.for_channel(session=session, channel="telegram", external_id="660001")
        case = cases.create(session=session, case_in=build_case_input("petition"), resident=resident)
        reach.mark_unreachable(
            session=session, channel=Channel.TELEGRAM, external_id="660001", reason=UnreachableReason.BLOCKED
        )
        return case.number


def test_staff_see_that_the_resident_blocked_the_bot(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    console_settings: Settings,
) -> None:
    number = _telegram_case_of_a_resident_who_blocked_the_bot(console_settings)
    headers = token_for(add_staff("li.na", "supervisor"))

    body = client.get(f"/api/staff/cases/{number}", headers=headers).json()

    [gone] = body["resident_unreachable"]
    assert (gone["channel"], gone["unreachable_reason"]) == ("telegram", "blocked")
    assert gone["unreachable_at"]
