"""A whole installation for end-to-end tests: Rasa, the action server and the gateway, started
exactly as `shuoshi run` starts them, on free ports, with a throwaway var/ and database."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from bot.config import Settings
from bot.db import migrate
from bot.db.session import session_scope
from bot.launcher.processes import Service, all_services, gateway_service, stop_all, wait_until_ready
from bot.launcher.training import ensure_model
from bot.staff import api_keys, auth
from bot.staff import service as staff_accounts
from bot.staff.enums import StaffRole


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BUNDLED_PROFILE = Path(__file__).resolve().parents[2] / "bot" / "district" / "profiles" / "datong.yaml"
# Surveys a second after a case is resolved, so a test can watch the whole loop.
FAST_FOLLOWUPS = {
    "survey_delay_after_resolved": "1s",
    "reminder_interval": "1h",
    "reminders": 2,
    "no_survey_after": "30d",
}


UNLIMITED_ADDRESS = {
    "chat_per_address_per_minute": 1_000_000,
    "pending_per_address_per_minute": 1_000_000,
    "scam_check_per_address_per_minute": 1_000_000,
}


def fast_profile(var_dir: Path) -> Path:
    """The bundled district profile with follow-ups in seconds (DESIGN: "seconds in a demo setting")."""
    profile = yaml.safe_load(BUNDLED_PROFILE.read_text(encoding="utf-8"))
    profile["followups"] = FAST_FOLLOWUPS
    path = var_dir / "profile.yaml"
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return path


class Stack:
    def __init__(self, var_dir: Path, **overrides: Any) -> None:
        self.settings = Settings(
            var_dir=var_dir,
            rasa={"port": free_port()},
            actions={"port": free_port()},
            # Every test client is 127.0.0.1: the per-address limits (tests/channels/
            # test_rate_limits.py) would stop a whole session's worth of them.
            gateway={"port": free_port(), **UNLIMITED_ADDRESS},
            district={"profile": fast_profile(var_dir)},
            dispatcher={"interval": 0.5},
            **overrides,
        ).with_secrets()
        self.services: dict[str, Service] = {s.name: s for s in all_services(self.settings)}
        self.base_url = f"http://127.0.0.1:{self.settings.gateway.port}"
        self.http = httpx.Client(base_url=self.base_url, timeout=60.0)

    def start(self) -> Stack:
        ensure_model(self.settings)
        migrate.upgrade(self.settings)
        # The tests speak for residents they name, as a program does: with an API key, sent on
        # every request of `http` (a browser is `browser()`, which has only its cookie).
        with session_scope(self.settings) as session:
            self.api_key = api_keys.add(session=session, name=f"e2e-{uuid.uuid4().hex[:8]}")
        self.http.headers["Authorization"] = f"Bearer {self.api_key}"
        for service in self.services.values():
            service.start(self.settings.project_dir)
        wait_until_ready(list(self.services.values()))
        return self

    def stop(self) -> None:
        stop_all(list(self.services.values()))

    def browser(self) -> httpx.Client:
        """A client as a browser is: no API key, its web-chat identity in the gateway's cookie."""
        return httpx.Client(base_url=self.base_url, timeout=60.0)

    def kill(self, name: str) -> None:
        self.services[name].kill()

    def restart(self, name: str) -> None:
        service = self.services[name]
        service.stop()
        service.start(self.settings.project_dir)
        wait_until_ready([service])

    def extra_gateway(self, **overrides: Any) -> Service:
        """Another gateway on the same Rasa, action server and database (e.g. with Telegram on)."""
        gateway = self.settings.gateway.model_copy(update={"port": free_port()})
        settings = self.settings.model_copy(update={"gateway": gateway, **overrides})
        service = gateway_service(settings)
        service.log_path = self.settings.var_dir / "log" / f"gateway-{gateway.port}.log"
        service.start(self.settings.project_dir)
        wait_until_ready([service])
        return service

    def pending(self, sender: str, *, until: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """What the assistant sent on its own to a web-chat resident, once `until` is among it."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.get("/api/chat/pending", params={"sender": sender})
            assert response.status_code == 200, response.text
            seen.extend(response.json()["replies"])
            if any(until in reply.get("text", "") for reply in seen):
                return seen
            time.sleep(0.3)
        raise AssertionError(f"{until!r} never arrived; got {seen}")

    def chat(
        self, sender: str, text: str | None = None, payload: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"sender": sender, **extra}
        if text is not None:
            body["text"] = text
        if payload is not None:
            body["payload"] = payload
        response = self.http.post("/api/chat", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def press(self, sender: str, reply: dict[str, Any], title: str) -> dict[str, Any]:
        """Presses the button with this title in the last reply that has it."""
        for message in reversed(reply["replies"]):
            for button in message.get("buttons", []):
                if button["title"] == title:
                    return self.chat(sender, payload=button["payload"])
        raise AssertionError(f"no button {title!r} in {reply}")


T = TypeVar("T")


def eventually(probe: Callable[[], T], until: Callable[[T], bool], timeout: float = 10.0) -> T:
    """What `probe` returns once `until` holds for it, or its last answer after `timeout` seconds
    (the test's own assertions then say what is missing). For what arrives a moment after the
    reply, such as the log lines the launcher copies into var/log/ as they come."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if until(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def supervisor_headers(settings: Settings, username: str) -> dict[str, str]:
    """A new supervisor's bearer token for /api/staff, as request headers."""
    with session_scope(settings) as session:
        supervisor = staff_accounts.create(
            session=session, username=username, password="a long password 1", role=StaffRole.SUPERVISOR
        )
        token = auth.issue_token(session=session, staff=supervisor, by=None, days=1)
    return {"Authorization": f"Bearer {token}"}


def texts(reply: dict[str, Any]) -> str:
    return "\n".join(message.get("text", "") for message in reply["replies"])


def resolved_dispute(
    stack: Stack,
    sender: str,
    *,
    title: str = "楼上漏水",
    description: str = "楼上卫生间漏水到我家厨房",
    resolution: str = "物业已修好防水层",
) -> str:
    """A dispute of this web-chat resident that staff took from registration to resolved (through
    the services, as the console does); its case number."""
    from bot.cases import service as cases
    from bot.cases.enums import CaseStatus
    from bot.cases.schemas import CaseCreate
    from bot.db.session import session_scope
    from bot.flows.status import change_status
    from bot.residents import service as residents
    from bot.staff import service as staff_accounts
    from bot.staff.enums import StaffRole

    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="web", external_id=sender)
        case_in = CaseCreate(
            kind="dispute",
            category="neighbours",
            township="洛河镇",
            title=title,
            description=description,
            channel="web",
        )
        case = cases.create(session=session, resident=resident, case_in=case_in)
        worker = staff_accounts.create(
            session=session, username=f"sup-{sender}", password="a long password 1", role=StaffRole.SUPERVISOR
        )
        for status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
            change_status(session=session, case=case, to=status, actor=worker.actor)
        change_status(
            session=session,
            case=case,
            to=CaseStatus.RESOLVED,
            actor=worker.actor,
            note=resolution,
            outcome="agreement",
        )
        return case.number
