"""The three processes of one Shuoshi installation, and how to start, watch and stop them.

`shuoshi run` uses this to run everything on one machine; the end-to-end tests use the same
definitions, so what is tested is what runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.config import Settings
from bot.launcher.training import model_path


@dataclass
class Service:
    name: str
    command: list[str]
    env: dict[str, str]
    ready_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, cwd: Path) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # A process group of its own: Ctrl-C in the terminal reaches only the supervisor, which
        # then stops each service in order.
        self.process = subprocess.Popen(
            self.command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    @property
    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def ready(self) -> bool:
        try:
            return httpx.get(self.ready_url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def kill(self) -> None:
        """Stops the service at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def rasa_run_command(
    settings: Settings,
    *,
    endpoints: str | Path,
    credentials: str | Path,
    interface: str,
    port: int,
    api_token: str | None = None,
) -> list[str]:
    """`rasa run` with the trained model: the one command line, for `shuoshi run` and bench/load's
    bare Rasa. With `api_token`, the HTTP API is on (`trigger_intent`) behind that token."""
    command = [
        str(settings.rasa_executable),
        "run",
        "--model",
        str(model_path(settings)),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
        "--interface",
        interface,
        "--port",
        str(port),
    ]
    if api_token is not None:
        command += ["--enable-api", "--auth-token", api_token]
    return command


def rasa_service(settings: Settings) -> Service:
    return Service(
        name="rasa",
        command=rasa_run_command(
            settings,
            endpoints="endpoints.yml",
            credentials="credentials.yml",
            interface=settings.rasa.host,
            port=settings.rasa.port,
            api_token=settings.secret("rasa_token"),
        ),
        env=settings.rasa_environment(),
        ready_url=f"{settings.rasa.url}/webhooks/relay/",
        log_path=settings.var_dir / "log" / "rasa.log",
    )


def actions_service(settings: Settings) -> Service:
    return Service(
        name="actions",
        command=[
            sys.executable,
            "-m",
            "rasa_sdk",
            "--actions",
            "actions",
            "--port",
            str(settings.actions.port),
        ],
        env={**settings.child_environment(), "SANIC_HOST": settings.actions.host},
        ready_url=f"{settings.actions.url}/health",
        log_path=settings.var_dir / "log" / "actions.log",
    )


GATEWAY_KEEP_ALIVE_SECONDS = 75


def gateway_service(settings: Settings) -> Service:
    return Service(
        name="gateway",
        command=[
            sys.executable,
            "-m",
            "uvicorn",
            "bot.app:create_app",
            "--factory",
            "--host",
            settings.gateway.host,
            "--port",
            str(settings.gateway.port),
            "--log-level",
            settings.log_level.lower(),
            # Idle connections stay open longer than clients keep them in their pools (httpx 5 s,
            # browsers longer): at uvicorn's default of 5 s the server could close one just as a
            # client sent a message on it, and the resident's message failed (seen once in the
            # hundred-resident topology test).
            "--timeout-keep-alive",
            str(GATEWAY_KEEP_ALIVE_SECONDS),
        ],
        env=settings.child_environment(),
        ready_url=f"http://{settings.gateway.host}:{settings.gateway.port}/healthz",
        log_path=settings.var_dir / "log" / "gateway.log",
    )


def all_services(settings: Settings) -> list[Service]:
    """In start order: the gateway's health check waits for the other two."""
    return [actions_service(settings), rasa_service(settings), gateway_service(settings)]


class StartFailed(RuntimeError):
    def __init__(self, service: Service, reason: str) -> None:
        super().__init__(f"{service.name} {reason}")
        self.service = service


def wait_until_ready(
    services: list[Service], *, timeout: float = 180.0, on_ready: Callable[[Service], None] | None = None
) -> None:
    """Waits for every service to answer; raises StartFailed naming the first that exits or stalls."""
    pending = list(services)
    deadline = time.monotonic() + timeout
    while pending:
        for service in list(pending):
            if service.exited is not None:
                raise StartFailed(service, f"exited with code {service.exited} while starting")
            if service.ready():
                pending.remove(service)
                if on_ready is not None:
                    on_ready(service)
        if pending and time.monotonic() > deadline:
            raise StartFailed(pending[0], f"did not answer within {timeout:.0f} s")
        if pending:
            time.sleep(0.5)


def stop_all(services: list[Service]) -> None:
    for service in reversed(services):
        service.stop()
