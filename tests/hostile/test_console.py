"""What residents wrote, however hostile, reaches the staff console as text: escaped, whole, in
the field it belongs to, never as markup."""

from __future__ import annotations

import itertools
import re

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from pydantic import ValidationError

from bot import transcript
from bot.cases import service as cases
from bot.cases.schemas import CaseCreate
from bot.db.session import session_scope
from bot.residents import service as residents
from bot.staff import service as staff_accounts
from tests.e2e.stack import Stack
from tests.hostile.strategies import FRAGMENTS, anything, controls, emoji

pytestmark = pytest.mark.e2e

_numbers = itertools.count()
# Text a resident could send (NUL never gets past the gateway), up to a field's limit.
resident_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(anything.filter(lambda c: c != "\x00"), max_size=20),
        st.text(controls.filter(lambda c: c != "\x00"), min_size=1, max_size=3),
        st.text(emoji, min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=8,
).map("".join)


@pytest.fixture(scope="module")
def console(hostile_stack: Stack) -> httpx.Client:
    with session_scope(hostile_stack.settings) as session:
        staff_accounts.create(
            session=session, username="hostile-sup", password="a long password 1", role="supervisor"
        )
    client = httpx.Client(base_url=hostile_stack.base_url, timeout=30)
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    signed = client.post(
        "/console/login",
        data={"username": "hostile-sup", "password": "a long password 1", "csrf": csrf.group(1)},
    )
    assert signed.status_code == 303, signed.text
    return client


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=resident_text, description=resident_text, other_party=resident_text, said=resident_text)
def test_hostile_case_fields_and_messages_are_shown_as_text(
    hostile_stack: Stack, console: httpx.Client, title: str, description: str, other_party: str, said: str
) -> None:
    try:
        case_in = CaseCreate(
            kind="dispute",
            category="neighbours",
            township="洛河镇",
            title=title,
            description=description,
            other_party=other_party,
            request=said,
            channel="web",
        )
    except ValidationError:
        return  # refused with a reason at intake (e.g. nothing left after trimming); nothing stored
    with session_scope(hostile_stack.settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=f"hc-{next(_numbers)}")
        case = cases.create(session=session, case_in=case_in, resident=resident)
        transcript.record(
            session=session, resident=resident, direction="in", channel="web", text=said, case=case
        )
        number = case.number
        stored = (case.title, case.description, case.other_party, case.request)
    # Stored as given, each in its own field (the schema may only trim surrounding whitespace).
    assert stored == (case_in.title, case_in.description, case_in.other_party, case_in.request)

    page = console.get(f"/console/cases/{number}")
    assert page.status_code == 200, page.text
    html = page.text
    for value in (case_in.title, case_in.description, case_in.other_party, case_in.request, said):
        if value:  # an empty optional field is stored as none and shown as a dash
            assert str(escape(value)) in html, value
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "</textarea><b>" not in html
