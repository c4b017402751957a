"""Failed sign-ins behind a reverse proxy: growing delays per username and address, tries made
while waiting not counted, and no way to keep `admin` out (issue #20, item 5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.config import Settings
from bot.db.session import session_scope
from bot.staff import auth
from bot.staff.models import LoginAttempt
from tests.console.conftest import PASSWORD, csrf_of

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(console_settings: Settings) -> Iterator[Callable[[], TestClient]]:
    """Browsers reaching the gateway through nginx at PROXY, which the gateway trusts."""
    settings = console_settings.model_copy(
        update={"gateway": console_settings.gateway.model_copy(update={"trusted_proxies": [PROXY]})}
    )
    app = create_app(settings)
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, follow_redirects=False, client=(PROXY, 40000))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def try_password(client: TestClient, username: str, password: str, *, from_: str) -> int:
    headers = {"X-Forwarded-For": from_}
    csrf = csrf_of(client.get("/console/login", headers=headers).text)
    response = client.post(
        "/console/login", data={"username": username, "password": password, "csrf": csrf}, headers=headers
    )
    return response.status_code


def signs_in(settings: Settings, username: str, password: str, address: str) -> auth.SignIn:
    with session_scope(settings) as session:
        return auth.sign_in(
            session=session, settings=settings.console, username=username, password=password, address=address
        )


def wait_for(settings: Settings, username: str, address: str) -> float:
    with session_scope(settings) as session:
        return auth.wait_before_next_try(
            session=session, settings=settings.console, username=username, address=address
        )


def let_time_pass(settings: Settings, seconds: float) -> None:
    """Moves every recorded try `seconds` into the past (the database's clock cannot be wound)."""
    with session_scope(settings) as session:
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.created_at -= timedelta(seconds=seconds)


def test_behind_the_proxy_one_address_failing_does_not_keep_staff_elsewhere_out(
    behind_proxy: Callable[[], TestClient], add_staff: Callable[..., str]
) -> None:
    add_staff("li.na", "supervisor")
    attacker, clerk = behind_proxy(), behind_proxy()
    for n in range(25):
        try_password(attacker, f"user{n}", "guess-guess", from_="198.51.100.66")

    assert try_password(clerk, "li.na", PASSWORD, from_="203.0.113.5") == 303


def test_a_forged_x_forwarded_for_from_outside_the_proxy_does_not_escape_the_address_delay(
    client: TestClient, add_staff: Callable[..., str], console_settings: Settings
) -> None:
    for n in range(console_settings.console.lockout_failures_per_address):
        try_password(client, f"user{n}", "guess-guess", from_=f"198.51.100.{n}")

    # The gateway trusts no proxy: every try counted against the peer, whatever the header said.
    with session_scope(console_settings) as session:
        addresses = session.scalars(select(LoginAttempt.address)).all()
    assert addresses == ["testclient"] * console_settings.console.lockout_failures_per_address


def test_tries_made_while_waiting_are_refused_unchecked_and_not_counted(
    console_settings: Settings, add_staff: Callable[..., str]
) -> None:
    add_staff("li.na", "supervisor")
    # A first delay of ten minutes: the hammering below surely falls within it.
    slow = console_settings.model_copy(
        update={"console": console_settings.console.model_copy(update={"lockout_first_delay_seconds": 600})}
    )
    for _ in range(5):
        assert signs_in(slow, "li.na", "wrong-wrong", "203.0.113.5").outcome == "invalid"
    for _ in range(50):  # hammering while the delay runs
        assert signs_in(slow, "li.na", PASSWORD, "203.0.113.5").outcome == "locked"

    let_time_pass(slow, 601)  # the first delay has run out; the 50 tries did not lengthen it

    assert signs_in(slow, "li.na", PASSWORD, "203.0.113.5").outcome == "ok"


def test_each_further_failure_doubles_the_wait_up_to_the_cap(
    console_settings: Settings, add_staff: Callable[..., str]
) -> None:
    add_staff("li.na", "supervisor")
    waits = []
    for _ in range(12):
        signs_in(console_settings, "li.na", "wrong-wrong", "203.0.113.5")
        waits.append(wait_for(console_settings, "li.na", "203.0.113.5"))
        let_time_pass(console_settings, 60 * 60)  # wait out the delay (and keep within the day)

    # Four free failures, then 2 s, 4 s, 8 s, ... (measured just after each failure).
    assert waits[:4] == [0, 0, 0, 0]
    for waited, expected in zip(waits[4:8], [2, 4, 8, 16], strict=True):
        assert expected - 1.5 <= waited <= expected  # less the time the check itself took
    assert auth.delay_after(40, free=5, first_seconds=2, cap_seconds=900) == 900


def test_failures_from_everywhere_cannot_keep_admin_out_at_their_usual_address(
    console_settings: Settings, add_staff: Callable[..., str]
) -> None:
    add_staff("admin", "admin")
    assert signs_in(console_settings, "admin", PASSWORD, "203.0.113.5").outcome == "ok"  # the office
    outcomes = [  # a botnet: each address tries four times, too few for its own delays
        signs_in(console_settings, "admin", "guess-guess", f"198.51.{n // 50}.{n % 50}").outcome
        for n in range(200)
    ]

    # The username's delay for unknown addresses slowed the botnet to a handful of checked guesses ...
    assert outcomes.count("locked") >= 150
    # ... but makes a new address wait a minute at most, and admin's usual one not at all.
    assert wait_for(console_settings, "admin", "192.0.2.77") <= 60
    assert signs_in(console_settings, "admin", PASSWORD, "203.0.113.5").outcome == "ok"


def test_one_address_may_try_to_sign_in_only_so_often_a_minute(
    client: TestClient, add_staff: Callable[..., str], console_settings: Settings
) -> None:
    add_staff("li.na", "supervisor")
    limit = console_settings.console.sign_in_per_address_per_minute
    codes = [try_password(client, f"user{n % 3}", "guess-guess", from_="-") for n in range(limit)]
    # Within `limit` more tries the address is refused (at once, unless the tries straddle the
    # limit's minute and its sliding window lets a few more through) ...
    later = [try_password(client, f"user{n % 3}", "guess-guess", from_="-") for n in range(limit)]
    assert 429 not in codes
    assert 429 in later
    # ... and then even the right password is not checked.
    assert try_password(client, "li.na", PASSWORD, from_="-") == 429
