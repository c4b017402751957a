"""Who may do what: sign-in, lockout, CSRF, roles and township scopes, by page and by API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.config import Settings
from bot.db.session import session_scope
from tests.console.conftest import PASSWORD, csrf_of, sign_in


def test_a_signed_out_browser_is_sent_to_the_sign_in_page(
    client: TestClient, open_case: Callable[..., str]
) -> None:
    number = open_case()

    for path in ("/console/cases", f"/console/cases/{number}", "/console/figures", "/console/audit"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")


def test_a_request_without_a_token_gets_401(client: TestClient, open_case: Callable[..., str]) -> None:
    number = open_case()

    assert client.get("/api/staff/cases").status_code == 401
    assert client.get(f"/api/staff/cases/{number}").status_code == 401
    assert client.get("/api/staff/cases", headers={"Authorization": "Bearer ssk_made-up"}).status_code == 401
    assert client.post(f"/api/staff/cases/{number}/transition", json={"to": "accepted"}).status_code == 401


def test_the_session_cookie_is_httponly_and_samesite(
    client: TestClient, add_staff: Callable[..., str]
) -> None:
    add_staff("li.na", "supervisor")
    page = client.get("/console/login")
    response = client.post(
        "/console/login", data={"username": "li.na", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/console" in cookie


def test_a_forged_session_cookie_is_not_accepted(client: TestClient) -> None:
    client.cookies.set("shuoshi_console", "made-up-key.made-up-signature", path="/console")

    assert client.get("/console/cases").status_code == 303


def test_a_form_without_its_csrf_token_gets_403(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case()
    signed_in("supervisor")

    missing = client.post(f"/console/cases/{number}/transition", data={"to": "accepted"})
    wrong = client.post(f"/console/cases/{number}/transition", data={"to": "accepted", "csrf": "x" * 43})

    assert missing.status_code == 403 and wrong.status_code == 403
    with session_scope(console_settings) as session:
        assert cases.get_by_number(session=session, number=number).status is CaseStatus.REGISTERED


def test_the_sign_in_form_needs_its_csrf_token_too(client: TestClient, add_staff: Callable[..., str]) -> None:
    add_staff("li.na", "supervisor")
    client.get("/console/login")

    response = client.post("/console/login", data={"username": "li.na", "password": PASSWORD})

    assert response.status_code == 403


def test_repeated_failures_lock_the_username_even_with_the_right_password(
    client: TestClient, add_staff: Callable[..., str]
) -> None:
    add_staff("li.na", "supervisor")
    csrf = csrf_of(client.get("/console/login").text)
    for _ in range(5):
        wrong = client.post(
            "/console/login", data={"username": "li.na", "password": "guess" * 3, "csrf": csrf}
        )
        assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text

    locked = client.post("/console/login", data={"username": "li.na", "password": PASSWORD, "csrf": csrf})

    assert locked.status_code == 401
    assert "登录失败次数过多" in locked.text


def test_signing_out_ends_the_session(client: TestClient, signed_in: Callable[..., str]) -> None:
    csrf = signed_in("supervisor")
    cookie = client.cookies.get("shuoshi_console")

    client.post("/console/logout", data={"csrf": csrf})
    client.cookies.set("shuoshi_console", cookie or "", path="/console")

    assert client.get("/console/cases").status_code == 303


def test_a_caseworker_sees_only_their_townships_cases(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    mine = open_case(township="洛河镇")
    theirs = open_case(township="孔店乡")
    signed_in("caseworker", township="洛河镇")

    page = client.get("/console/cases").text

    assert mine in page and theirs not in page
    assert theirs not in client.get("/console/cases", params={"township": "孔店乡"}).text


def test_a_caseworker_cannot_read_or_change_another_townships_case_by_url(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    theirs = open_case(township="孔店乡")
    csrf = signed_in("caseworker", township="洛河镇")

    assert client.get(f"/console/cases/{theirs}").status_code == 404
    assert client.get(f"/console/cases/{theirs}/print").status_code == 404
    changed = client.post(f"/console/cases/{theirs}/transition", data={"to": "accepted", "csrf": csrf})
    revealed = client.post(f"/console/cases/{theirs}/reveal", data={"field": "contact_phone", "csrf": csrf})
    replied = client.post(f"/console/cases/{theirs}/reply", data={"text": "hi", "csrf": csrf})

    assert changed.status_code == 404 and revealed.status_code == 404 and replied.status_code == 404
    with session_scope(console_settings) as session:
        case = cases.get_by_number(session=session, number=theirs)
        assert case.status is CaseStatus.REGISTERED and len(case.events) == 1


def test_a_caseworker_cannot_read_or_change_another_townships_case_by_api(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    theirs = open_case(township="孔店乡")
    mine = open_case(township="洛河镇")
    headers = token_for(add_staff("zhang.san", "caseworker", "洛河镇"))

    listed = client.get("/api/staff/cases", headers=headers).json()["cases"]
    assert [case["number"] for case in listed] == [mine]
    assert client.get(f"/api/staff/cases/{theirs}", headers=headers).status_code == 404
    changed = client.post(f"/api/staff/cases/{theirs}/transition", json={"to": "accepted"}, headers=headers)
    assert changed.status_code == 404


def test_a_caseworker_may_not_see_the_figures_staff_or_audit_log(
    client: TestClient,
    signed_in: Callable[..., str],
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
) -> None:
    signed_in("caseworker", township="洛河镇")

    for path in ("/console/figures", "/console/staff", "/console/audit"):
        assert client.get(path).status_code == 403
    assert client.get("/api/staff/stats", headers=token_for("caseworkerx")).status_code == 403


def test_a_supervisor_may_not_manage_staff_accounts(
    client: TestClient, signed_in: Callable[..., str]
) -> None:
    csrf = signed_in("supervisor")

    assert client.get("/console/staff").status_code == 403
    added = client.post(
        "/console/staff",
        data={"username": "sneaky", "password": "a long enough password", "role": "admin", "csrf": csrf},
    )
    assert added.status_code == 403


def test_only_a_supervisor_reopens_a_resolved_case(
    app_client: Callable[[], TestClient], add_staff: Callable[..., str], open_case: Callable[..., str]
) -> None:
    number = open_case(township="洛河镇")
    worker = app_client()
    csrf = sign_in(worker, add_staff("zhang.san", "caseworker", "洛河镇"))
    for data in (
        {"to": "accepted"},
        {"to": "in_progress"},
        {"to": "resolved", "resolution": "已调解", "outcome": "agreement"},
    ):
        assert (
            worker.post(f"/console/cases/{number}/transition", data={**data, "csrf": csrf}).status_code == 303
        )

    refused = worker.post(
        f"/console/cases/{number}/transition", data={"to": "in_progress", "note": "再看看", "csrf": csrf}
    )
    supervisor = app_client()
    senior_csrf = sign_in(supervisor, add_staff("li.na", "supervisor"))
    reopened = supervisor.post(
        f"/console/cases/{number}/transition",
        data={"to": "in_progress", "note": "群众不满意", "csrf": senior_csrf},
    )

    assert refused.status_code == 403
    assert reopened.status_code == 303


def test_a_deactivated_account_is_signed_out_and_its_token_stops_working(
    app_client: Callable[[], TestClient],
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    console_settings: Settings,
) -> None:
    worker = app_client()
    sign_in(worker, add_staff("zhang.san", "caseworker", "洛河镇"))
    headers = token_for("zhang.san")
    admin = app_client()
    csrf = sign_in(admin, add_staff("boss", "admin"))
    from bot.staff import service as staff_service

    with session_scope(console_settings) as session:
        target = staff_service.get(session=session, username="zhang.san").id

    admin.post(f"/console/staff/{target}/active", data={"active": "0", "csrf": csrf})

    assert worker.get("/console/cases").status_code == 303
    assert worker.get("/api/staff/cases", headers=headers).status_code == 401


def test_console_pages_forbid_framing_and_foreign_scripts(client: TestClient) -> None:
    headers = client.get("/console/login").headers

    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_a_township_supervisor_may_not_see_another_townships_figures(
    client: TestClient,
    signed_in: Callable[..., str],
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    open_case: Callable[..., str],
) -> None:
    open_case(township="孔店乡")
    signed_in("supervisor", township="洛河镇", username="luohe.sup")
    headers = token_for("luohe.sup")

    other_api = client.get("/api/staff/stats", params={"township": "孔店乡"}, headers=headers)
    own_api = client.get("/api/staff/stats", headers=headers)
    other_page = client.get("/console/figures", params={"township": "孔店乡"})

    assert other_api.status_code == 403 and other_page.status_code == 403
    assert own_api.status_code == 200 and own_api.json()["township"] == "洛河镇"
    assert own_api.json()["total"]["received"] == 0  # the 孔店乡 case is not counted
