"""The console's pages as staff use them, against a real database."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.config import Settings
from bot.db.session import session_scope
from bot.outbox.models import OutboxItem
from bot.residents import service as residents
from bot.residents.models import ChannelIdentity
from tests.console.conftest import sign_in


def _case_status(settings: Settings, number: str) -> CaseStatus:
    with session_scope(settings) as session:
        return cases.get_by_number(session=session, number=number).status


def test_the_queue_shows_new_cases_first_with_their_time_left_and_flags(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    older = open_case(title="已受理的案件")
    urgent = open_case(title="紧急的新案件", urgent=True)
    open_case(title="更新的已受理案件")
    csrf = signed_in("supervisor")
    client.post(f"/console/cases/{older}/transition", data={"to": "accepted", "csrf": csrf})

    page = client.get("/console/cases").text

    assert page.index(urgent) < page.index(older)
    assert "紧急" in page and "天" in page


def test_filters_narrow_the_queue(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    dispute = open_case("dispute", title="噪音纠纷")
    petition = open_case("petition", title="养老金核定")
    signed_in("supervisor")

    by_kind = client.get("/console/cases", params={"kind": "petition"}).text
    by_text = client.get("/console/cases", params={"text": "噪音"}).text
    by_township = client.get(
        "/console/cases", params={"township": "孔店乡", "status": "", "category": ""}
    ).text

    assert petition in by_kind and dispute not in by_kind
    assert dispute in by_text and petition not in by_text
    assert petition in by_township and dispute not in by_township


def test_the_queue_pages(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    numbers = [open_case(title=f"案件{i}") for i in range(27)]
    signed_in("supervisor")

    first = client.get("/console/cases").text
    second = client.get("/console/cases", params={"page": 2}).text

    assert "1 / 2" in first and "page=2" in first
    assert sum(number in second for number in numbers) == 2


def test_a_script_in_a_case_description_shows_as_text(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    number = open_case(title="<b>标题</b>", description="<script>alert('x')</script>楼上装修")
    signed_in("supervisor")

    page = client.get(f"/console/cases/{number}").text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;楼上装修" in page
    assert "<b>标题</b>" not in page


def test_the_case_page_masks_personal_data_until_revealed_and_the_reveal_is_recorded(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case("petition")
    csrf = signed_in("supervisor")

    page = client.get(f"/console/cases/{number}").text
    revealed = client.post(f"/console/cases/{number}/reveal", data={"field": "id_number", "csrf": csrf}).text

    assert "11010519491231002X" not in page and "110***********002X" in page
    assert "11010519491231002X" in revealed
    with session_scope(console_settings) as session:
        events = cases.get_by_number(session=session, number=number).events
        assert events[-1].action.value == "personal_data_revealed" and events[-1].note == "id_number"


def test_staff_accept_reply_resolve_and_close_a_case(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case(sender="web-resident-9")
    csrf = signed_in("caseworker", township="洛河镇")
    act = f"/console/cases/{number}"

    assert client.post(f"{act}/transition", data={"to": "accepted", "csrf": csrf}).status_code == 303
    assert client.post(f"{act}/reply", data={"text": "我们明天上门调解", "csrf": csrf}).status_code == 303
    assert client.post(f"{act}/notes", data={"text": "内部：双方情绪激动", "csrf": csrf}).status_code == 303
    assert client.post(f"{act}/transition", data={"to": "in_progress", "csrf": csrf}).status_code == 303
    resolved = client.post(
        f"{act}/transition",
        data={"to": "resolved", "resolution": "双方达成协议", "outcome": "agreement", "csrf": csrf},
    )
    assert resolved.status_code == 303
    assert client.post(f"{act}/transition", data={"to": "closed", "csrf": csrf}).status_code == 303

    assert _case_status(console_settings, number) is CaseStatus.CLOSED
    with session_scope(console_settings) as session:
        sent = session.scalars(select(OutboxItem).where(OutboxItem.recipient == "web-resident-9")).all()
        texts = [reply["text"] for item in sent for reply in item.body.get("replies", [])]
    assert any("我们明天上门调解" in text for text in texts)
    page = client.get(act).text
    assert "内部：双方情绪激动" in page and "我们明天上门调解" in page and "双方达成协议" in page


def test_resolving_a_dispute_without_an_outcome_is_refused_and_changes_nothing(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case()
    csrf = signed_in("supervisor")
    client.post(f"/console/cases/{number}/transition", data={"to": "accepted", "csrf": csrf})
    client.post(f"/console/cases/{number}/transition", data={"to": "in_progress", "csrf": csrf})

    refused = client.post(
        f"/console/cases/{number}/transition", data={"to": "resolved", "resolution": "谈过了", "csrf": csrf}
    )

    assert refused.status_code == 422
    assert "outcome" in refused.text
    assert _case_status(console_settings, number) is CaseStatus.IN_PROGRESS


def test_rejecting_needs_a_reason(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    number = open_case()
    csrf = signed_in("supervisor")

    refused = client.post(f"/console/cases/{number}/transition", data={"to": "rejected", "csrf": csrf})
    rejected = client.post(
        f"/console/cases/{number}/transition", data={"to": "rejected", "note": "不属于受理范围", "csrf": csrf}
    )

    assert refused.status_code == 422
    assert rejected.status_code == 303
    assert _case_status(console_settings, number) is CaseStatus.REJECTED


def test_the_figures_page_shows_the_centres_figures_and_charts(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    open_case()
    open_case("petition")
    signed_in("supervisor")

    page = client.get("/console/figures").text

    assert 'data-figure="received">2<' in page
    assert "办结率" in page and "化解率" in page and "满意率" in page
    assert page.count("<svg") == 3
    assert "这一时期还没有回访答复" in page


def test_exports_hold_the_filtered_case_list(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    dispute = open_case(title='=HYPERLINK("http://x")')
    petition = open_case("petition")
    signed_in("supervisor")

    csv_text = client.get("/console/cases/export.csv", params={"kind": "dispute"}).content.decode("utf-8-sig")
    xlsx = client.get("/console/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert dispute in csv_text and petition not in csv_text
    assert "'=HYPERLINK" in csv_text  # a resident's text never becomes a formula
    assert sorted(numbers) == sorted([dispute, petition])


def test_the_printable_summary_has_the_case_and_its_events(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    number = open_case()
    signed_in("caseworker", township="洛河镇")

    page = client.get(f"/console/cases/{number}/print").text

    assert number in page and "案件摘要" in page and "登记" in page


def test_the_console_switches_to_english(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    open_case()
    signed_in("supervisor")

    switched = client.get("/console/lang/en", params={"next": "/console/cases"})
    page = client.get("/console/cases").text

    assert switched.status_code == 303 and switched.headers["location"] == "/console/cases"
    assert "Cases" in page and "Registered" in page and "中文" in page


def test_an_admin_adds_a_caseworker_who_can_then_sign_in(
    app_client: Callable[[], TestClient], signed_in: Callable[..., str], client: TestClient
) -> None:
    csrf = signed_in("admin")

    added = client.post(
        "/console/staff",
        data={
            "username": "wang.wei",
            "password": "a long enough password",
            "role": "caseworker",
            "township": "上窑镇",
            "csrf": csrf,
        },
    )

    assert added.status_code == 303
    assert "wang.wei" in client.get("/console/staff").text
    other = app_client()
    sign_in(other, "wang.wei", "a long enough password")
    assert "上窑镇" in other.get("/console/cases").text


def test_the_audit_log_shows_who_did_what(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    number = open_case()
    csrf = signed_in("admin")
    client.post(f"/console/cases/{number}/transition", data={"to": "accepted", "csrf": csrf})
    client.get("/console/cases/export.csv")

    page = client.get("/console/audit").text

    assert "登录" in page and "导出案件" in page
    assert number in page and "已受理" in page
    assert "admin" in page


def test_an_open_urgent_case_tops_the_queue_even_after_it_was_accepted(
    client: TestClient, signed_in: Callable[..., str], open_case: Callable[..., str]
) -> None:
    urgent = open_case(title="刚被骗了要紧急回电", urgent=True)
    newer = open_case(title="新登记的邻里纠纷")
    csrf = signed_in("supervisor")
    client.post(f"/console/cases/{urgent}/transition", data={"to": "accepted", "csrf": csrf})

    page = client.get("/console/cases").text

    assert page.index(urgent) < page.index(newer)


def test_the_case_pages_transcript_masks_id_and_phone_numbers(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    from bot import transcript
    from bot.residents import service as residents

    number = open_case("petition", sender="web-79")
    with session_scope(console_settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="web-79")
        transcript.record(
            session=session,
            resident=resident,
            direction="in",
            channel="web",
            text="我的电话是13900001111，身份证11010519491231002X",
            case=cases.get_by_number(session=session, number=number),
        )
    signed_in("supervisor")

    page = client.get(f"/console/cases/{number}").text

    assert "我的电话是*******1111，身份证110***********002X" in page
    assert "13900001111" not in page and "11010519491231002X" not in page


def test_the_case_page_says_when_the_resident_blocked_the_bot(
    client: TestClient,
    signed_in: Callable[..., str],
    open_case: Callable[..., str],
    console_settings: Settings,
) -> None:
    from bot.residents import reach
    from bot.residents.enums import Channel, UnreachableReason

    number = open_case("petition", sender="web-blocked")
    with session_scope(console_settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id="web-blocked")
        resident.identities.append(ChannelIdentity(channel=Channel.TELEGRAM, external_id="660002"))
        session.flush()
        reach.mark_unreachable(
            session=session, channel=Channel.TELEGRAM, external_id="660002", reason=UnreachableReason.BLOCKED
        )
    signed_in("supervisor")

    page = client.get(f"/console/cases/{number}").text

    assert "无法送达" in page and "群众已屏蔽机器人" in page


def test_staff_open_a_file_the_resident_sent_from_any_gateway(
    console_settings: Settings, open_case: Callable[..., str], add_staff: Callable[..., str], tmp_path: Path
) -> None:
    """The file is in the case store: a gateway in another container (its own empty disk)
    serves it, and the opening is in the audit log."""
    from bot.app import create_app
    from bot.cases import attachments
    from bot.staff.models import AuditEntry

    number = open_case("dispute")
    jpeg = b"\xff\xd8\xff\xe0" + b"\x07" * 200
    with session_scope(console_settings) as session:
        case = cases.get_by_number(session=session, number=number)
        stored = attachments.store(
            session=session, settings=console_settings, resident=case.resident, data=jpeg, case=case
        )
        attachment_id = stored.id
    other_container = console_settings.model_copy(update={"var_dir": tmp_path / "other-gateway"})
    add_staff("reviewer", "supervisor")

    with TestClient(create_app(other_container), follow_redirects=False) as other_gateway:
        sign_in(other_gateway, "reviewer")
        response = other_gateway.get(f"/console/cases/{number}/attachments/{attachment_id}")

    assert response.status_code == 200 and response.content == jpeg
    assert response.headers["content-type"] == "image/jpeg"
    assert not (tmp_path / "other-gateway" / "attachments").exists()
    with session_scope(console_settings) as session:
        assert session.scalars(select(AuditEntry.detail).order_by(AuditEntry.id.desc())).first() == (
            f"attachment #{attachment_id}"
        )
