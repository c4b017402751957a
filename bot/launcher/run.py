"""`shuoshi run`: everything on one machine, until Ctrl-C (or SIGTERM, SIGHUP) or until one part dies.

Stopping is idempotent: the first signal starts the stop, later ones (systemd, docker and a
closing terminal may each send one, to the whole process group) are noted and change nothing.
The signal handler only sets a flag; no exception is ever raised inside a start or a stop.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from types import FrameType

from bot.config import Settings
from bot.db import migrate
from bot.district import ProfileError, load_profile
from bot.launcher.processes import Service, StartFailed, all_services, stop_all, wait_until_ready
from bot.launcher.training import ensure_model

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _StopRequest:
    """Set by the first stop signal; the supervisor's loops look at it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        # Nothing else here: printing from a handler can interrupt a print (a reentrant write).
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


def run(settings: Settings) -> int:
    try:
        load_profile(settings)  # a bad district profile stops the start, naming the field
    except ProfileError as error:
        print(error, flush=True)
        return 1
    ensure_model(settings)
    migrate.upgrade(settings)
    services = all_services(settings)
    stop = _StopRequest()
    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        for service in services:
            if stop.is_set():
                return 0
            service.start(settings.project_dir)
        print("Starting Rasa, the action server and the gateway (Rasa takes 10-30 s)...", flush=True)
        ready = wait_until_ready(
            services, on_ready=lambda s: print(f"  {s.name} is up", flush=True), stopping=stop.is_set
        )
        if not ready:
            return 0
        _print_urls(settings)
        return _watch(services, stop)
    except StartFailed as failure:
        _report(failure.service, str(failure))
        return 1
    finally:
        _say("\nStopping...")
        stop_all(services)
        _say("Stopped.")
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _say(message: str) -> None:
    """Prints while stopping; a closed terminal (SIGHUP) must not keep the children running."""
    with contextlib.suppress(OSError):
        print(message, flush=True)


def _watch(services: list[Service], stop: _StopRequest) -> int:
    while not stop.is_set():
        for service in services:
            if service.exited is not None:
                _report(service, f"{service.name} stopped unexpectedly (exit code {service.exited})")
                return 1
        time.sleep(0.5)
    return 0


def _report(service: Service, message: str) -> None:
    print(f"\n{message}; stopping the others. Last lines of {service.log_path}:", flush=True)
    print(service.log_tail(), flush=True)


def _print_urls(settings: Settings) -> None:
    base = f"http://{settings.gateway.host}:{settings.gateway.port}"
    print(
        f"\nShuoshi is running.\n"
        f"  Web chat:      {base}/\n"
        f"  Health:        {base}/healthz (probes: {base}/livez, {base}/readyz)\n"
        f"  Metrics:       {base}/metrics\n"
        f"  Chat API:      POST {base}/api/chat\n"
        f"  Rasa:          {settings.rasa.url} (local only)\n"
        f"  Action server: {settings.actions.url} (local only)\n"
        f"  Logs:          {settings.var_dir / 'log'}\n"
        f"Press Ctrl-C (or send SIGTERM) to stop.",
        flush=True,
    )
