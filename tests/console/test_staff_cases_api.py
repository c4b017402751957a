"""POST /api/staff/cases: a case registered on a resident's behalf, its claim code, the source
filter and the figures by source; grid workers' villages (SQLite, and PostgreSQL where set)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.cases import claims
from bot.cases.models import Case
from bot.config import Settings
from bot.db.session import session_scope
from bot.residents.models import Resident
from bot.staff import accounts

from .conftest import PASSWORD

WALK_IN: dict[str, Any] = {
    "kind": "dispute",
    "category": "neighbours",
    "township": "孔店乡",
    "village": "毛郢村",
    "description": "邻居在我家门口堆放柴草，多次协商未果。",
    "other_party": "东邻王某",
    "request": "请村里出面调解，清走柴草",
    "contact_phone": "138 1234 5678",
    "resident_name": "张桂兰",
    "source": "walk_in",
    "consent": "in_person",
}


def _register(client: TestClient, headers: dict[str, str], **changes: Any) -> Any:
    return client.post("/api/staff/cases", json={**WALK_IN, **changes}, headers=headers)


def test_a_walk_in_case_is_registered_numbered_and_shown_as_get_shows_it(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    console_settings: Settings,
) -> None:
    headers = token_for(add_staff("wang.fang", "caseworker", "孔店乡"))

    response = _register(client, headers)

    assert response.status_code == 201, response.text
    body = response.json()
    code = body.pop("claim_code")
    assert len(code) == 6 and code.isdigit()
    shown = client.get(f"/api/staff/cases/{body['number']}", headers=headers).json()
    assert body == shown
    assert body["number"].startswith("DT-JF-") and body["status"] == "registered"
    assert body["source"] == "walk_in" and body["channel"] is None
    assert body["title"] == "邻里纠纷：邻居在我家门口堆放柴草，多次协商未果"
    assert body["consent_method"] == "in_person" and body["consent_recorded_at"] is not None
    assert body["resident_name"] == "张**" and body["contact_phone"] == "138****5678"
    assert body["events"][0]["action"] == "created" and body["events"][0]["actor_role"] == "caseworker"
    with session_scope(console_settings) as session:
        case = session.scalar(select(Case).where(Case.number == body["number"]))
        assert case is not None
        assert case.registered_by is not None and case.registered_by.username == "wang.fang"
        assert case.consent_recorded_by_id == case.registered_by_id
        assert case.claim_code_hash is not None and code not in case.claim_code_hash
        assert case.resident.identities == [] and case.resident.name == "张桂兰"
        assert case.accept_due is not None


def test_a_staff_registered_case_follows_the_same_transitions(
    client: TestClient, add_staff: Callable[..., str], token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for(add_staff("wang.fang", "caseworker", "孔店乡"))
    number = _register(client, headers, source="phone", consent="by_phone").json()["number"]

    wrong = client.post(f"/api/staff/cases/{number}/transition", json={"to": "resolved"}, headers=headers)
    accepted = client.post(f"/api/staff/cases/{number}/transition", json={"to": "accepted"}, headers=headers)

    assert wrong.status_code == 409
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": "chat"}, "source"),
        ({"consent": None}, "consent"),
        ({"consent": "by_letter"}, "consent"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"description": ""}, "description"),
        ({"township": "不存在镇"}, "township"),
        ({"contact_phone": None}, "contact_phone"),
        ({"kind": "petition", "resident_name": None, "id_number": "11010519491231002X"}, "resident_name"),
        ({"kind": "petition", "id_number": None}, "id_number"),
        ({"kind": "petition", "id_number": "110105194912310021"}, "id_number"),
    ],
)
def test_a_bad_registration_is_refused_naming_the_field(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    changes: dict[str, Any],
    field: str,
) -> None:
    headers = token_for(add_staff("li.na", "supervisor"))

    response = _register(client, headers, **changes)

    assert response.status_code in (400, 422)
    assert field in response.text
    assert client.get("/api/staff/cases", headers=headers).json()["cases"] == []


def test_a_petition_needs_the_name_and_id_number_as_in_chat(
    client: TestClient, add_staff: Callable[..., str], token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for(add_staff("li.na", "supervisor"))

    response = _register(
        client, headers, kind="petition", category="other", source="letter", id_number="11010519491231002X"
    )

    assert response.status_code == 201, response.text
    assert response.json()["number"].startswith("DT-XF-")
    assert response.json()["id_number"] == "110***********002X"


def test_a_caseworker_registers_only_in_their_township(
    client: TestClient, add_staff: Callable[..., str], token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for(add_staff("wang.fang", "caseworker", "洛河镇"))

    response = _register(client, headers)

    assert response.status_code == 403


def test_the_list_filters_by_source(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    headers = token_for(add_staff("li.na", "supervisor"))
    chat = open_case()
    walk_in = _register(client, headers).json()["number"]
    phone = _register(client, headers, source="phone", consent="by_phone").json()["number"]

    def numbers(source: str) -> list[str]:
        body = client.get("/api/staff/cases", params={"source": source}, headers=headers).json()
        return [case["number"] for case in body["cases"]]

    assert numbers("chat") == [chat]
    assert numbers("walk_in") == [walk_in]
    assert numbers("phone") == [phone]
    assert numbers("patrol") == []
    assert client.get("/api/staff/cases", params={"source": "fax"}, headers=headers).status_code == 422


def test_a_new_claim_code_replaces_the_old_one(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    console_settings: Settings,
) -> None:
    headers = token_for(add_staff("li.na", "supervisor"))
    first = _register(client, headers).json()
    second = client.post(f"/api/staff/cases/{first['number']}/claim-code", headers=headers).json()

    with session_scope(console_settings) as session:
        resident = Resident()
        session.add(resident)
        session.flush()
        old = claims.claim(
            session=session, resident=resident, number=first["number"], code=first["claim_code"], channel=None
        )
        new = claims.claim(
            session=session,
            resident=resident,
            number=first["number"],
            code=second["claim_code"],
            channel=None,
        )

    assert old.result is claims.ClaimResult.REFUSED
    assert new.result is claims.ClaimResult.CLAIMED


def test_staff_add_gives_a_grid_worker_villages_and_their_township(console_settings: Settings) -> None:
    with session_scope(console_settings) as session:
        worker = accounts.add_staff(
            session=session,
            username="grid.li",
            password=PASSWORD,
            role="grid_worker",
            township=None,
            villages=["毛郢村", "东河村"],
        )
        assert worker.township == "孔店乡"
        assert [(row.township, row.village) for row in worker.villages] == [
            ("孔店乡", "毛郢村"),
            ("孔店乡", "东河村"),
        ]


@pytest.mark.parametrize(
    ("role", "villages", "message"),
    [
        ("grid_worker", [], "name them"),
        ("grid_worker", ["不存在村"], "not a village"),
        ("grid_worker", ["毛郢村", "居南社区"], "one township"),
        ("caseworker", ["毛郢村"], "only a grid worker"),
    ],
)
def test_staff_add_refuses_a_grid_worker_without_good_villages(
    console_settings: Settings, role: str, villages: list[str], message: str
) -> None:
    from bot.staff.service import InvalidStaff

    with session_scope(console_settings) as session, pytest.raises(InvalidStaff, match=message):
        accounts.add_staff(
            session=session,
            username="grid.li",
            password=PASSWORD,
            role=role,
            township="孔店乡" if role == "caseworker" else None,
            villages=villages,
        )


def test_the_figures_split_by_source(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    headers = token_for(add_staff("li.na", "supervisor"))
    open_case()
    _register(client, headers)
    _register(client, headers)

    stats = client.get("/api/staff/stats", headers=headers).json()

    assert {source: row["received"] for source, row in stats["by_source"].items()} == {
        "chat": 1,
        "walk_in": 2,
        "phone": 0,
        "patrol": 0,
        "letter": 0,
    }
    assert stats["total"]["received"] == 3
