"""The three processes of one Shuoshi installation, and how to start, watch and stop them.

`shuoshi run` uses this to run everything on one machine; the end-to-end tests use the same
definitions, so what is tested is what runs.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bot import logs
from bot.config import Settings
from bot.launcher.training import model_path

# var/log/<service>.log is rotated at this size, keeping this many old files (<service>.log.1 ...).
LOG_MAX_BYTES = 20 * 1024 * 1024
LOG_BACKUPS = 5


@dataclass
class Service:
    name: str
    command: list[str]
    env: dict[str, str]
    ready_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _pump: threading.Thread | None = field(default=None, repr=False)

    def start(self, cwd: Path) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # A process group of its own: Ctrl-C in the terminal reaches only the supervisor, which
        # then stops each service in order. Its output comes through a pipe into a rotated log
        # file, personal data masked (Rasa's lines too).
        self.process = subprocess.Popen(
            self.command,
            cwd=cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self._pump = threading.Thread(
            target=_copy_to_log,
            args=(self.process.stdout, self.log_path),
            name=f"log-{self.name}",
            daemon=True,
        )
        self._pump.start()

    @property
    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def ready(self) -> bool:
        try:
            return httpx.get(self.ready_url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def terminate(self) -> None:
        """Asks the service (its whole process group) to stop; does not wait."""
        if self.process is not None and self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)

    def wait_stopped(self, deadline: float) -> None:
        """Waits until the deadline (time.monotonic) for the service to stop, then kills it; any
        process left in its group afterwards (a worker of a worker) is killed too."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait()
        _signal_group(self.process.pid, signal.SIGKILL)  # stragglers; none is the usual case
        if self._pump is not None:
            self._pump.join(timeout=5.0)

    def stop(self, timeout: float = 15.0) -> None:
        self.terminate()
        self.wait_stopped(time.monotonic() + timeout)

    def kill(self) -> None:
        """Stops the service at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGKILL)
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
        # One argument with "=": a token that starts with "-" (token_urlsafe makes one in 64) is
        # otherwise read by Rasa as another option, and Rasa exits at once.
        command += ["--enable-api", f"--auth-token={api_token}"]
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
            "bot.launcher.action_server",
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
            # The gateway decides the client's address itself, from `gateway.trusted_proxies`
            # (bot/client_address.py); uvicorn would otherwise believe X-Forwarded-For from
            # 127.0.0.1 on its own.
            "--no-proxy-headers",
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
    services: list[Service],
    *,
    timeout: float = 180.0,
    on_ready: Callable[[Service], None] | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> bool:
    """Waits for every service to answer (True), or until `stopping()` says to give up (False);
    raises StartFailed naming the first that exits or stalls."""
    pending = list(services)
    deadline = time.monotonic() + timeout
    while pending:
        if stopping():
            return False
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
    return True


def stop_all(services: list[Service], timeout: float = 15.0) -> None:
    """Stops every service: all are asked at once, then each gets until the deadline before it
    is killed. Safe to call again, and with services that never started or already stopped."""
    for service in reversed(services):
        service.terminate()
    deadline = time.monotonic() + timeout
    for service in reversed(services):
        service.wait_stopped(deadline)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(pgid, sig)


def _copy_to_log(output: IO[bytes], path: Path) -> None:
    """Copies a service's output, line by line, into its rotated log file until it closes."""
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(logs.RedactingFilter())
    try:
        for raw in iter(output.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            handler.handle(logging.makeLogRecord({"msg": line, "levelno": logging.INFO}))
    finally:
        output.close()
        handler.close()
