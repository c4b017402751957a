"""The console against a real database (built by the migrations), through the gateway app."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.cases import service as cases
from bot.config import Settings
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.staff import accounts, auth
from bot.staff import service as staff_service
from tests.conftest import build_case_input

PASSWORD = "correct horse battery"


@pytest.fixture
def console_settings(committed: Settings) -> Settings:
    return committed.with_secrets()


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Still argon2id, with the smallest cost: the default cost is for attackers, not test runs.
    monkeypatch.setattr(staff_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def app_client(console_settings: Settings) -> Iterator[Callable[[], TestClient]]:
    """Makes browsers: each its own cookie jar, all on one gateway."""
    app = create_app(console_settings)
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, follow_redirects=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(app_client: Callable[[], TestClient]) -> TestClient:
    return app_client()


@pytest.fixture
def add_staff(console_settings: Settings) -> Callable[..., str]:
    def add(username: str, role: str, township: str | None = None) -> str:
        with session_scope(console_settings) as session:
            accounts.add_staff(
                session=session, username=username, password=PASSWORD, role=role, township=township
            )
        return username

    return add


@pytest.fixture
def token_for(console_settings: Settings) -> Callable[[str], dict[str, str]]:
    def token(username: str) -> dict[str, str]:
        with session_scope(console_settings) as session:
            issued = auth.issue_token(
                session=session, staff=staff_service.get(session=session, username=username), by=None, days=1
            )
        return {"Authorization": f"Bearer {issued}"}

    return token


@pytest.fixture
def open_case(console_settings: Settings) -> Callable[..., str]:
    """Registers a case for a web-chat resident; returns its number."""

    def make(kind: str = "dispute", *, sender: str = "resident-web-1", **changes: Any) -> str:
        with session_scope(console_settings) as session:
            resident = residents.for_channel(session=session, channel="web", external_id=sender)
            case = cases.create(session=session, case_in=build_case_input(kind, **changes), resident=resident)
            return case.number

    return make


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Signs in through the form; returns the CSRF token of the signed-in pages."""
    page = client.get("/console/login")
    response = client.post(
        "/console/login", data={"username": username, "password": password, "csrf": csrf_of(page.text)}
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/console/cases").text)


@pytest.fixture
def signed_in(client: TestClient, add_staff: Callable[..., str]) -> Callable[..., str]:
    def as_(role: str = "supervisor", township: str | None = None, username: str | None = None) -> str:
        name = add_staff(username or f"{role}{'x' if township else ''}", role, township)
        return sign_in(client, name)

    return as_
