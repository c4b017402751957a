"""`shuoshi staff add`, `shuoshi staff token`, `shuoshi api-key` and `shuoshi export`."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from bot import cli
from bot.config import Settings


@pytest.fixture
def shuoshi(console_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    monkeypatch.setattr(cli, "load_settings", lambda: console_settings)

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return cli.main(list(argv))

    return run


def test_the_first_admin_is_added_from_the_command_line_and_signs_in(
    shuoshi: Callable[..., int], client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.console.conftest import sign_in

    code = shuoshi(
        "staff", "add", "admin", "--role", "admin", "--password-stdin", stdin="a long admin password\n"
    )

    assert code == 0 and "added admin" in capsys.readouterr().out
    sign_in(client, "admin", "a long admin password")
    assert client.get("/console/staff").status_code == 200


def test_a_caseworker_needs_a_township(
    shuoshi: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    code = shuoshi(
        "staff", "add", "zhang", "--role", "caseworker", "--password-stdin", stdin="a long password\n"
    )

    assert code == 1 and "township" in capsys.readouterr().err


def test_a_printed_token_opens_the_api(
    shuoshi: Callable[..., int], client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    shuoshi("staff", "add", "li.na", "--role", "supervisor", "--password-stdin", stdin="a long password!\n")
    capsys.readouterr()

    assert shuoshi("staff", "token", "li.na") == 0
    token = capsys.readouterr().out.strip()

    assert client.get("/api/staff/cases", headers={"Authorization": f"Bearer {token}"}).json() == {
        "cases": [],
        "page": 1,
        "pages": 1,
        "total": 0,
    }


def test_export_writes_the_case_list(
    shuoshi: Callable[..., int], open_case: Callable[..., str], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    number = open_case()

    assert shuoshi("export", "--format", "csv", "--kind", "dispute") == 0

    text = capsysbinary.readouterr().out.decode("utf-8-sig")
    assert text.startswith("编号,类型,类别") and number in text and "矛盾纠纷" in text

    assert shuoshi("export", "--format", "csv", "--kind", "dispute", "--language", "en") == 0
    text = capsysbinary.readouterr().out.decode("utf-8-sig")
    assert text.startswith("Case number,Kind,Category") and ",Dispute," in text


def test_an_api_key_from_the_command_line_lets_a_program_name_a_sender_until_revoked(
    shuoshi: Callable[..., int], client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shuoshi("api-key", "add", "kiosk-1") == 0
    key = capsys.readouterr().out.strip()
    headers = {"Authorization": f"Bearer {key}"}

    allowed = client.get("/api/chat/pending", params={"sender": "kiosk-resident"}, headers=headers)
    assert shuoshi("api-key", "add", "kiosk-1") == 1  # one live key per name
    assert shuoshi("api-key", "revoke", "kiosk-1") == 0
    refused = client.get("/api/chat/pending", params={"sender": "kiosk-resident"}, headers=headers)

    assert key.startswith("ssa_") and allowed.status_code == 200 and refused.status_code == 401
