"""A grid worker (网格员) registers cases in their own villages, sees and works only the cases they
registered or were assigned, and nothing else: checked on every route of the app's route table,
console and API, against a case of their own village that is not theirs."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.cases import attachments, on_behalf
from bot.cases import service as cases
from bot.cases.models import Case, CaseEvent
from bot.config import Settings
from bot.db.clock import db_now
from bot.db.session import session_scope
from bot.flows.status import change_status
from bot.followups.models import Survey
from bot.staff import accounts
from bot.staff import service as staff_service
from tests.console.conftest import PASSWORD, sign_in

# A tiny valid PNG, for an attachment on the case the grid worker must not reach.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
CASE_FIELDS: dict[str, Any] = {
    "kind": "dispute",
    "category": "neighbours",
    "township": "孔店乡",
    "description": "邻居家的狗夜里一直叫",
    "contact_phone": "13812345678",
    "resident_name": "李秀英",
    "source": "patrol",
    "consent": "in_person",
}


@pytest.fixture
def scene(console_settings: Settings) -> dict[str, Any]:
    """A grid worker of 毛郢村; their own patrol case; a caseworker's walk-in case in the same
    village (with an attachment) that they must not reach."""
    with session_scope(console_settings) as session:
        grid = accounts.add_staff(
            session=session,
            username="grid.li",
            password=PASSWORD,
            role="grid_worker",
            township=None,
            villages=["毛郢村"],
        )
        office = accounts.add_staff(
            session=session, username="wang.fang", password=PASSWORD, role="caseworker", township="孔店乡"
        )
        own = on_behalf.register(
            session=session, staff=grid, case_in=on_behalf.StaffCaseIn(**CASE_FIELDS, village="毛郢村")
        ).case
        foreign = on_behalf.register(
            session=session,
            staff=office,
            case_in=on_behalf.StaffCaseIn(
                **{**CASE_FIELDS, "source": "walk_in", "description": SECRET}, village="毛郢村"
            ),
        ).case
        picture = attachments.store(
            session=session, settings=console_settings, resident=foreign.resident, data=PNG, case=foreign
        )
        # Resolved, with its phone survey due: the survey routes must not reach it either.
        for to in ("accepted", "in_progress"):
            change_status(session=session, case=foreign, to=to, actor=office.actor)
        change_status(
            session=session,
            case=foreign,
            to="resolved",
            actor=office.actor,
            note="已调解",
            outcome="agreement",
        )
        survey = session.scalars(select(Survey).where(Survey.case_id == foreign.id)).one()
        survey.due_at = db_now(session=session) - timedelta(seconds=1)
        return {
            "survey_id": survey.id,
            "grid_id": grid.id,
            "office_id": office.id,
            "own": own.number,
            "foreign": foreign.number,
            "attachment_id": picture.id,
        }


def _state(settings: Settings, number: str) -> tuple[Any, ...]:
    with session_scope(settings) as session:
        case = cases.get_by_number(session=session, number=number)
        events = session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id))
        return (
            case.status,
            case.assigned_to_id,
            case.claim_code_hash,
            len(case.notes),
            events,
            case.resident_id,
        )


def _case_count(settings: Settings) -> int:
    with session_scope(settings) as session:
        return int(session.scalar(select(func.count(Case.id))) or 0)


def _url(route: APIRoute, scene: dict[str, Any]) -> str:
    values = {
        "number": scene["foreign"],
        "attachment_id": str(scene["attachment_id"]),
        "survey_id": str(scene["survey_id"]),
        "staff_id": str(scene["office_id"]),
        "language": "en",
    }
    path = route.path
    for name in re.findall(r"{(\w+)}", path):
        assert name in values, f"the walk does not know how to fill {{{name}}} in {path}: add it"
        path = path.replace(f"{{{name}}}", values[name])
    return path


def _api_body(path: str, scene: dict[str, Any]) -> dict[str, Any] | None:
    """What a request that would succeed for the right staff member sends."""
    if path.endswith("/transition"):
        return {"to": "accepted"}
    if path.endswith("/notes") or path.endswith("/reply"):
        return {"text": "我来看看"}
    if path.endswith("/assign"):
        return {"staff_id": scene["grid_id"]}
    if path.endswith("/answer"):
        return {"rating": "satisfied", "solved": "yes"}
    if path == "/api/staff/cases":
        return {**CASE_FIELDS, "village": "东河村"}  # not one of the grid worker's villages
    return None


def _console_form(csrf: str, scene: dict[str, Any]) -> dict[str, str]:
    return {
        "csrf": csrf,
        "to": "accepted",
        "text": "我来看看",
        "note": "我来看看",
        "staff_id": str(scene["grid_id"]),
        "days": "10",
        "reason": "需要时间",
        "field": "id_number",
        "active": "0",
        "password": "another long password",
        "username": "made.up",
        "role": "admin",
        "title": "假预警",
        "body": "假预警",
        "consent_given": "yes",
        "rating": "satisfied",
        "solved": "yes",
        **{key: str(value) for key, value in CASE_FIELDS.items()},
        "village": "东河村",
    }


# What the case the grid worker must not reach says; no response may show it.
SECRET = "村口小卖部赊账三年未还"
SENIOR_OR_ADMIN = re.compile(r"^/(console|api/staff)/(figures|staff|audit|stats|alerts)")


def test_a_grid_worker_reaches_no_case_but_their_own_on_any_route(
    console_settings: Settings,
    scene: dict[str, Any],
    token_for: Callable[[str], dict[str, str]],
    app_client: Callable[[], TestClient],
) -> None:
    browser, api = app_client(), app_client()
    app = browser.app
    csrf = sign_in(browser, "grid.li")
    headers = token_for("grid.li")
    before = _state(console_settings, scene["foreign"])
    cases_before = _case_count(console_settings)
    routes = [
        route for route in _route_table(app.routes) if route.path.startswith(("/console", "/api/staff"))
    ]
    # Signing out last: the other routes need the session.
    routes.sort(key=lambda route: route.path == "/console/logout")
    walked: list[str] = []
    for route in routes:
        for method in sorted(route.methods - {"HEAD"}):
            path = _url(route, scene)
            if path.startswith("/api/"):
                response = api.request(method, path, headers=headers, json=_api_body(path, scene))
            elif method == "GET":
                response = browser.get(path)
            else:
                response = browser.request(method, path, data=_console_form(csrf, scene))
            walked.append(f"{method} {route.path}")
            where = f"{method} {route.path} → {response.status_code}"
            if "{number}" in route.path or "{survey_id}" in route.path:
                assert response.status_code == 404, where
            elif SENIOR_OR_ADMIN.match(route.path):
                assert response.status_code == 403, where
            elif route.path in ("/api/staff/cases", "/console/cases/new") and method == "POST":
                assert response.status_code in (400, 403), where
            elif route.path == "/console/login" and method == "POST":
                assert response.status_code == 401, where  # the made-up user of the form
            else:
                assert response.status_code < 400, where
            assert SECRET not in response.text, where
            if "{number}" not in route.path:  # an error page may repeat the URL it was asked for
                assert scene["foreign"] not in response.text, where
            if route.path.endswith("export.xlsx") and response.status_code == 200:
                assert scene["foreign"].encode() not in _xlsx_text(response.content), where

    assert _state(console_settings, scene["foreign"]) == before
    assert _case_count(console_settings) == cases_before
    assert len(walked) >= 30  # the whole table, not a few routes
    assert "GET /api/staff/cases/{number}" in walked and "POST /console/cases/{number}/transition" in walked


def _route_table(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, also inside included routers (FastAPI keeps those as one entry each)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _route_table(route.original_router.routes)
    return found


def _xlsx_text(content: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_a_grid_worker_works_their_own_case_and_one_they_were_assigned(
    client: TestClient,
    console_settings: Settings,
    scene: dict[str, Any],
    token_for: Callable[[str], dict[str, str]],
) -> None:
    headers = token_for("grid.li")
    supervisor = token_for(_supervisor(console_settings))

    listed = client.get("/api/staff/cases", headers=headers).json()["cases"]
    accepted = client.post(
        f"/api/staff/cases/{scene['own']}/transition", json={"to": "accepted"}, headers=headers
    )
    given = client.post(
        f"/api/staff/cases/{scene['foreign']}/assign", json={"staff_id": scene["grid_id"]}, headers=supervisor
    )
    now_listed = client.get("/api/staff/cases", headers=headers).json()["cases"]
    noted = client.post(
        f"/api/staff/cases/{scene['foreign']}/notes", json={"text": "已上门"}, headers=headers
    )

    assert [case["number"] for case in listed] == [scene["own"]]
    assert accepted.status_code == 200
    assert given.status_code == 200, given.text
    assert {case["number"] for case in now_listed} == {scene["own"], scene["foreign"]}
    assert noted.status_code == 200


def test_a_grid_worker_registers_in_their_own_village_only(
    client: TestClient, scene: dict[str, Any], token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for("grid.li")

    own_village = client.post("/api/staff/cases", json={**CASE_FIELDS, "village": "毛郢村"}, headers=headers)
    no_village = client.post("/api/staff/cases", json=CASE_FIELDS, headers=headers)
    other_township = client.post(
        "/api/staff/cases",
        json={**CASE_FIELDS, "township": "大通街道", "village": "居南社区"},
        headers=headers,
    )

    assert own_village.status_code == 201
    assert own_village.json()["registered_by_id"] == scene["grid_id"]
    assert (no_village.status_code, other_township.status_code) == (403, 403)


def test_a_grid_worker_is_given_only_cases_of_their_villages(
    client: TestClient,
    console_settings: Settings,
    scene: dict[str, Any],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    elsewhere = open_case(township="孔店乡", village="东河村")
    supervisor = token_for(_supervisor(console_settings))

    response = client.post(
        f"/api/staff/cases/{elsewhere}/assign", json={"staff_id": scene["grid_id"]}, headers=supervisor
    )

    assert response.status_code == 403


def _supervisor(settings: Settings) -> str:
    with session_scope(settings) as session:
        if session.scalar(select(func.count()).where(staff_service.StaffUser.username == "zhao.lei")) == 0:
            accounts.add_staff(
                session=session, username="zhao.lei", password=PASSWORD, role="supervisor", township=None
            )
    return "zhao.lei"


def test_an_admin_adds_a_grid_worker_with_villages_in_the_console(
    client: TestClient, signed_in: Callable[..., str], console_settings: Settings
) -> None:
    csrf = signed_in("admin")

    response = client.post(
        "/console/staff",
        data={
            "csrf": csrf,
            "username": "grid.zhou",
            "password": "a long grid password",
            "role": "grid_worker",
            "villages": "毛郢村，东河村",
        },
    )

    assert response.status_code == 303
    assert "毛郢村、东河村" in client.get("/console/staff").text
    with session_scope(console_settings) as session:
        worker = staff_service.get(session=session, username="grid.zhou")
        assert worker.township == "孔店乡" and len(worker.villages) == 2
