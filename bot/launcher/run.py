"""`shuoshi run`: everything on one machine, until Ctrl-C or until one part dies."""

from __future__ import annotations

import signal
import time
from types import FrameType

from bot.config import Settings
from bot.db import migrate
from bot.district import ProfileError, load_profile
from bot.launcher.processes import Service, StartFailed, all_services, stop_all, wait_until_ready
from bot.launcher.training import ensure_model


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run(settings: Settings) -> int:
    try:
        load_profile(settings)  # a bad district profile stops the start, naming the field
    except ProfileError as error:
        print(error, flush=True)
        return 1
    ensure_model(settings)
    migrate.upgrade(settings)
    services = all_services(settings)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for service in services:
            service.start(settings.project_dir)
        print("Starting Rasa, the action server and the gateway (Rasa takes 10-30 s)...", flush=True)
        wait_until_ready(services, on_ready=lambda s: print(f"  {s.name} is up", flush=True))
        _print_urls(settings)
        return _watch(services)
    except StartFailed as failure:
        _report(failure.service, str(failure))
        return 1
    except _Stop:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stop_all(services)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _watch(services: list[Service]) -> int:
    while True:
        for service in services:
            if service.exited is not None:
                _report(service, f"{service.name} stopped unexpectedly (exit code {service.exited})")
                return 1
        time.sleep(1.0)


def _report(service: Service, message: str) -> None:
    print(f"\n{message}; stopping the others. Last lines of {service.log_path}:", flush=True)
    print(service.log_tail(), flush=True)


def _print_urls(settings: Settings) -> None:
    base = f"http://{settings.gateway.host}:{settings.gateway.port}"
    print(
        f"\nShuoshi is running.\n"
        f"  Web chat:      {base}/\n"
        f"  Health:        {base}/healthz\n"
        f"  Chat API:      POST {base}/api/chat\n"
        f"  Rasa:          {settings.rasa.url} (local only)\n"
        f"  Action server: {settings.actions.url} (local only)\n"
        f"  Logs:          {settings.var_dir / 'log'}\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
