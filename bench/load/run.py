"""Load bench: simulated residents running the scripted mix through `/api/chat`, the same mix
on Telegram (through a local fake Bot API server that the gateway long-polls), and straight to
bare Rasa's REST channel with the same model, in the same run.

    .venv/bin/python -m bench.load                      # 10, 50 and 200 residents at once
    .venv/bin/python -m bench.load --residents 20 --conversations 2

It starts its own installation on free loopback ports (SQLite under a temporary var/, or
`--database-url`), plus one bare Rasa (`rest:` channel, no action server, its own SQLite
tracker store), measures, checks that every intake ended in exactly one case, prints a Markdown
table and writes the raw figures to var/bench/. Everything stops when it is done.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.load.scripts import MIX, Script, Turn, script_for
from bot.cases.models import Case
from bot.config import Settings
from bot.db import migrate
from bot.db.session import session_scope
from bot.launcher.processes import Service, all_services, rasa_run_command, stop_all, wait_until_ready
from bot.launcher.training import ensure_model
from bot.residents import service as residents
from bot.staff import api_keys
from tests.fakes.telegram_api import FakeTelegram

BUSY = ("系统正忙", "The service is busy", "系統正忙")
TIMEOUT = 180.0


@dataclass
class Level:
    """What one target did with `residents` residents at once."""

    target: str
    residents: int
    turns: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    scam_api_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    intakes: int = 0
    cases_per_intake: list[int] = field(default_factory=list)
    # CPU time (user + system) each process spent during the level, per turn, in ms.
    cpu_ms_per_turn: dict[str, float] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what[:300])


class Target:
    """Where turns go: the gateway's /api/chat, Telegram, or bare Rasa's REST channel."""

    name = ""

    def __init__(self, url: str) -> None:
        self.url = url

    def sender(self, run_id: str, residents: int, number: int, round_: int) -> str:
        return f"load-{run_id}-{residents}-{number}-{round_}"

    def turn_ms(self, sender: str, started: float) -> float:
        """How long the turn took, from sending to the last reply."""
        return (time.perf_counter() - started) * 1000

    async def send(
        self, http: httpx.AsyncClient, sender: str, turn: Turn, previous: list[dict[str, Any]]
    ) -> tuple[int, list[dict[str, Any]]]:
        raise NotImplementedError

    @staticmethod
    def button(previous: list[dict[str, Any]], title: str) -> str | None:
        found = [b["payload"] for m in previous for b in m.get("buttons") or [] if b.get("title") == title]
        return found[-1] if found else None


class Gateway(Target):
    """The gateway, as a program that names the residents it speaks for: with an API key."""

    name = "gateway"

    def __init__(self, url: str, *, api_key: str) -> None:
        super().__init__(url)
        self.headers = {"Authorization": f"Bearer {api_key}"}

    async def send(
        self, http: httpx.AsyncClient, sender: str, turn: Turn, previous: list[dict[str, Any]]
    ) -> tuple[int, list[dict[str, Any]]]:
        body: dict[str, Any] = {"sender": sender}
        payload = self.button(previous, turn.press) if turn.press else None
        if payload is not None:
            body["payload"] = payload
        else:
            body["text"] = turn.text or turn.press
        response = await http.post(f"{self.url}/api/chat", json=body, headers=self.headers, timeout=TIMEOUT)
        replies = response.json().get("replies", []) if response.status_code == 200 else []
        return response.status_code, replies


class TelegramResidents(Target):
    """Residents on Telegram: each turn is an update on the fake Bot API server, which the
    gateway long-polls like Telegram's; the turn's replies are the messages the gateway sends to
    that chat until none has come for QUIET seconds (not counted in the turn's time). A message
    that comes after its resident's last turn was over is late: counted as an error, as it would
    have been read out of order."""

    name = "Telegram"
    QUIET = 0.5

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(f"http://127.0.0.1:{fake.port}")
        self.fake = fake
        self._ids = itertools.count(7_000_000_000 + uuid.uuid4().int % 10**8)
        self._arrived: dict[int, asyncio.Event] = {}
        self._last_at: dict[str, float] = {}
        self._counted: dict[int, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        fake.on_send = self._on_send

    def sender(self, run_id: str, residents: int, number: int, round_: int) -> str:
        return str(next(self._ids))

    def _on_send(self, chat_id: int) -> None:  # the fake's thread
        event, loop = self._arrived.get(chat_id), self._loop
        if event is not None and loop is not None:
            loop.call_soon_threadsafe(event.set)

    def turn_ms(self, sender: str, started: float) -> float:
        return (self._last_at.get(sender, time.perf_counter()) - started) * 1000

    async def send(
        self, http: httpx.AsyncClient, sender: str, turn: Turn, previous: list[dict[str, Any]]
    ) -> tuple[int, list[dict[str, Any]]]:
        self._loop = asyncio.get_running_loop()
        chat = int(sender)
        event = self._arrived.setdefault(chat, asyncio.Event())
        before = len(self.fake.sent_to(chat))
        event.clear()
        payload = self.button(previous, turn.press) if turn.press else None
        if payload is not None:
            self.fake.callback(chat, payload, language_code=None)
        else:
            self.fake.message(chat, text=turn.text or turn.press, language_code=None)
        try:
            await asyncio.wait_for(event.wait(), TIMEOUT)
        except TimeoutError:
            return 504, []
        self._last_at[sender] = time.perf_counter()
        count = len(self.fake.sent_to(chat))
        while True:  # the rest of this turn's messages
            event.clear()
            if len(self.fake.sent_to(chat)) == count:
                try:
                    await asyncio.wait_for(event.wait(), self.QUIET)
                except TimeoutError:
                    break
            now = len(self.fake.sent_to(chat))
            if now != count:
                count, self._last_at[sender] = now, time.perf_counter()
        self._counted[chat] = count
        return 200, [_as_reply(message) for message in self.fake.sent_to(chat)[before:count]]

    def late_messages(self) -> list[str]:
        """Chats that got messages after their resident's last turn was over."""
        return [
            f"chat {chat}: {len(self.fake.sent_to(chat)) - counted} late message(s)"
            for chat, counted in self._counted.items()
            if len(self.fake.sent_to(chat)) != counted
        ]


def _as_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A Telegram message as a reply of /api/chat: its text and inline buttons."""
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    buttons = [
        {"title": key.get("text"), "payload": key.get("callback_data")}
        for row in markup.get("inline_keyboard", [])
        for key in row
    ]
    return {"text": message.get("text"), "buttons": buttons}


class BareRasa(Target):
    name = "bare Rasa"

    async def send(
        self, http: httpx.AsyncClient, sender: str, turn: Turn, previous: list[dict[str, Any]]
    ) -> tuple[int, list[dict[str, Any]]]:
        message = (self.button(previous, turn.press) if turn.press else None) or turn.text or turn.press
        response = await http.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=TIMEOUT
        )
        return response.status_code, response.json() if response.status_code == 200 else []


async def _conversation(
    http: httpx.AsyncClient, target: Target, sender: str, script: Script, level: Level, think: float
) -> None:
    previous: list[dict[str, Any]] = []
    for number, turn in enumerate(script.turns):
        started = time.perf_counter()
        try:
            status, replies = await target.send(http, sender, turn, previous)
        except (httpx.HTTPError, ValueError) as error:
            level.error(f"{sender} turn {number}: {type(error).__name__}: {error}")
            continue
        level.latencies_ms.append(target.turn_ms(sender, started))
        level.turns += 1
        said = "\n".join(str(m.get("text") or "") for m in replies)
        if status != 200:
            level.error(f"{sender} turn {number}: HTTP {status}")
        elif isinstance(target, (Gateway, TelegramResidents)) and (
            not said.strip() or any(b in said for b in BUSY)
        ):
            level.error(f"{sender} turn {number}: {said[:120]!r}")
        previous = replies
        if think:
            await asyncio.sleep(think)
    if script.scam_check_api and isinstance(target, Gateway):
        started = time.perf_counter()
        response = await http.post(f"{target.url}/api/scam-check", json={"text": script.scam_check_api})
        level.scam_api_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or response.json().get("risk") not in {"high", "medium", "low"}:
            level.error(f"{sender} scam check: HTTP {response.status_code} {response.text[:120]}")


async def run_level(
    target: Target,
    *,
    residents: int,
    conversations: int = 1,
    think: float = 0.0,
    run_id: str = "",
    mix: tuple[Script, ...] = MIX,
) -> tuple[Level, list[str]]:
    """`residents` residents at once, each running `conversations` scripted conversations one
    after another (each under a sender of its own). Returns the figures and the intake senders."""
    run_id = run_id or uuid.uuid4().hex[:6]
    level = Level(target=target.name, residents=residents)
    intake_senders: list[str] = []
    limits = httpx.Limits(max_connections=residents + 10, max_keepalive_connections=residents + 10)

    async def resident(number: int) -> None:
        for round_ in range(conversations):
            script = script_for(number + round_, mix)
            sender = target.sender(run_id, residents, number, round_)
            if script.files_a_case:
                intake_senders.append(sender)
            await _conversation(http, target, sender, script, level, think)

    async with httpx.AsyncClient(limits=limits, timeout=TIMEOUT) as http:
        started = time.perf_counter()
        await asyncio.gather(*(resident(n) for n in range(residents)))
        level.seconds = time.perf_counter() - started
    level.intakes = len(intake_senders)
    return level, intake_senders


def cases_filed(settings: Settings, senders: list[str], channel: str = "web") -> list[int]:
    """How many cases each of these residents (web chat, or Telegram) has in the store."""
    counts = []
    with session_scope(settings) as session:
        for sender in senders:
            resident = residents.find_by_channel(session=session, channel=channel, external_id=sender)
            counts.append(
                0
                if resident is None
                else int(session.scalar(select(func.count()).where(Case.resident_id == resident.id)) or 0)
            )
    return counts


def process_memory_mb(service: Service) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of the service's process, in MB."""
    if service.process is None:
        return float("nan"), float("nan")
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{service.process.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    except OSError:
        return float("nan"), float("nan")
    return values.get("VmRSS", float("nan")), values.get("VmHWM", float("nan"))


def process_cpu_seconds(service: Service) -> float:
    """CPU time (user + system) the service's process has used so far, in seconds."""
    if service.process is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{service.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # utime and stime are fields 14 and 15 of proc(5); fields[0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(services: list[Service], target: Target, **level: Any) -> tuple[Level, list[str]]:
    """Runs one level (run_level's arguments) against `target` and records what each of
    `services` spent on CPU per turn meanwhile."""
    before = {service.name: process_cpu_seconds(service) for service in services}
    measured, intakes = asyncio.run(run_level(target, **level))
    for service in services:
        spent = process_cpu_seconds(service) - before[service.name]
        measured.cpu_ms_per_turn[service.name] = 1000 * spent / measured.turns if measured.turns else math.nan
    return measured, intakes


def bare_rasa_service(settings: Settings, port: int) -> Service:
    """Rasa with the same model, its stock REST channel, no action server, its own tracker store."""
    var_dir = settings.var_dir
    (var_dir / "bare").mkdir(parents=True, exist_ok=True)
    endpoints = var_dir / "bare" / "endpoints.yml"
    credentials = var_dir / "bare" / "credentials.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  url: sqlite:///{var_dir / 'bare' / 'tracker.db'}\n", encoding="utf-8"
    )
    credentials.write_text("rest:\n", encoding="utf-8")
    env = settings.rasa_environment()
    return Service(
        name="bare-rasa",
        command=rasa_run_command(
            settings, endpoints=endpoints, credentials=credentials, interface="127.0.0.1", port=port
        ),
        env=env,
        ready_url=f"http://127.0.0.1:{port}/",
        log_path=var_dir / "log" / "bare-rasa.log",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fmt(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}"


def _fmt1(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.1f}"


def telegram_markdown(pairs: list[tuple[Level, Level]]) -> str:
    """Telegram beside /api/chat, level by level (same run, same installation)."""
    lines = [
        "| residents at once | channel | turns | p50 ms | p95 ms | turns/s | errors | p50 vs /api/chat |"
        " intakes → cases |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for web, telegram in pairs:
        for level, label in ((web, "/api/chat"), (telegram, "Telegram")):
            ratio = f"{telegram.p50 / web.p50:.2f}×" if level is telegram and web.p50 else ""
            exact = sum(1 for n in level.cases_per_intake if n == 1)
            cases = f"{level.intakes} → {exact} with exactly one" if level.intakes else ""
            lines.append(
                f"| {level.residents} | {label} | {level.turns} | {_fmt(level.p50)} | "
                f"{_fmt(level.percentile(95))} | {level.turns_per_second:.1f} | {level.errors} | "
                f"{ratio} | {cases} |"
            )
    return "\n".join(lines)


def markdown(levels: list[tuple[Level, Level | None]], memory: dict[str, tuple[float, float]]) -> str:
    lines = [
        "| residents at once | target | turns | p50 ms | p95 ms | p99 ms | turns/s | errors | "
        "p50 vs bare Rasa | intakes → cases |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for gateway, bare in levels:
        for level in (gateway, bare):
            if level is None:
                continue
            ratio = (
                f"{gateway.p50 / bare.p50:.2f}×" if level is gateway and bare is not None and bare.p50 else ""
            )
            cases = ""
            if level is gateway and level.intakes:
                exact = sum(1 for n in level.cases_per_intake if n == 1)
                cases = f"{level.intakes} → {exact} with exactly one"
            lines.append(
                f"| {level.residents} | {level.target} | {level.turns} | {_fmt(level.p50)} | "
                f"{_fmt(level.percentile(95))} | {_fmt(level.percentile(99))} | "
                f"{level.turns_per_second:.1f} | {level.errors} | {ratio} | {cases} |"
            )
    measured = [level for pair in levels for level in pair if level is not None]
    names = list(dict.fromkeys(name for level in measured for name in level.cpu_ms_per_turn))
    if names:
        lines += [
            "",
            "| residents at once | " + " | ".join(f"{name} CPU ms/turn" for name in names) + " |",
            "| ---: |" + " ---: |" * len(names),
        ]
        for gateway, bare in levels:
            spent = {**gateway.cpu_ms_per_turn, **(bare.cpu_ms_per_turn if bare else {})}
            cells = " | ".join(_fmt1(spent.get(name, math.nan)) for name in names)
            lines.append(f"| {gateway.residents} | {cells} |")
    lines += ["", "| process | RSS at the end (MB) | peak RSS (MB) |", "| --- | ---: | ---: |"]
    for name, (now, peak) in memory.items():
        lines.append(f"| {name} | {_fmt(now)} | {_fmt(peak)} |")
    scam = [ms for gateway, _ in levels for ms in gateway.scam_api_ms]
    if scam:
        lines += [
            "",
            f"`POST /api/scam-check` alongside: {len(scam)} calls, p50 {_fmt(statistics.median(scam))} ms.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--conversations", type=int, default=1, help="conversations per resident")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a resident waits between turns")
    parser.add_argument("--database-url", default=None, help="case store (default: SQLite under var/)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-Rasa comparison")
    parser.add_argument("--no-telegram", action="store_true", help="skip the Telegram scenario")
    parser.add_argument(
        "--skip", nargs="*", default=[], help="leave scripts out of the mix, by name (e.g. 'dispute intake')"
    )
    args = parser.parse_args(argv)
    mix = tuple(s for s in MIX if not any(skip in s.name for skip in args.skip))

    var_dir = Path(tempfile.mkdtemp(prefix="shuoshi-load-"))
    # Telegram's servers, faked on this machine; the gateway long-polls it as it would Telegram.
    fake = None if args.no_telegram else FakeTelegram().start()
    telegram: dict[str, Any] = (
        {} if fake is None else {"token": "123456:LOAD-BENCH", "base_url": f"http://127.0.0.1:{fake.port}"}
    )
    settings = Settings(
        var_dir=var_dir,
        rasa={"port": free_port()},
        actions={"port": free_port()},
        # Every simulated resident comes from 127.0.0.1: the per-address limits (one address, many
        # people, as behind a NAT) are lifted like the per-resident one, or they measure the limit.
        gateway={
            "port": free_port(),
            "rate_limit_per_minute": 10_000,
            "chat_per_address_per_minute": 1_000_000,
            "pending_per_address_per_minute": 1_000_000,
            "scam_check_per_address_per_minute": 1_000_000,
        },
        database={"url": args.database_url},
        dispatcher={"enabled": False},
        telegram=telegram,
        log_level="WARNING",
    ).with_secrets()
    ensure_model(settings)
    migrate.upgrade(settings)
    installation = all_services(settings)
    bare_port = free_port()
    bare_service = None if args.no_bare else bare_rasa_service(settings, bare_port)
    services = installation + ([bare_service] if bare_service else [])
    print(f"Starting the installation and bare Rasa (logs in {var_dir / 'log'})...", flush=True)
    results: list[tuple[Level, Level | None]] = []
    on_telegram: list[tuple[Level, Level]] = []
    try:
        for service in services:
            service.start(settings.project_dir)
        wait_until_ready(services, timeout=300)
        with session_scope(settings) as session:
            api_key = api_keys.add(session=session, name="bench-load")
        gateway = Gateway(f"http://127.0.0.1:{settings.gateway.port}", api_key=api_key)
        bare = None if bare_service is None else BareRasa(f"http://127.0.0.1:{bare_port}")
        residents_on_telegram = None if fake is None else TelegramResidents(fake)
        # Warm every target up: the first turns load TensorFlow graphs.
        for target in filter(None, (gateway, residents_on_telegram, bare)):
            asyncio.run(run_level(target, residents=len(mix), run_id="warm", mix=mix))
        for count in args.residents:
            print(f"{count} residents at once...", flush=True)
            load = {"residents": count, "conversations": args.conversations, "think": args.think, "mix": mix}
            measured, intakes = measure(installation, gateway, **load)
            measured.cases_per_intake = cases_filed(settings, intakes)
            against = None
            if bare is not None and bare_service is not None:
                against, _ = measure([bare_service], bare, **load)
            results.append((measured, against))
            telegram_level = None
            if residents_on_telegram is not None:
                telegram_level, telegram_intakes = measure(installation, residents_on_telegram, **load)
                telegram_level.cases_per_intake = cases_filed(settings, telegram_intakes, channel="telegram")
                await_late = residents_on_telegram.QUIET * 4
                time.sleep(await_late)  # anything still coming now came out of order
                for late in residents_on_telegram.late_messages():
                    telegram_level.error(late)
                on_telegram.append((measured, telegram_level))
            for level in filter(None, (measured, telegram_level, against)):
                print(
                    f"  {level.target}: {level.turns} turns, p50 {level.p50:.0f} ms, "
                    f"p95 {level.percentile(95):.0f} ms, {level.turns_per_second:.1f} turns/s, "
                    f"{level.errors} errors {level.error_samples[:2]}",
                    flush=True,
                )
        memory = {service.name: process_memory_mb(service) for service in services}
    finally:
        stop_all(services)
        if fake is not None:
            fake.stop()

    table = markdown(results, memory)
    if on_telegram:
        table += "\n\nTelegram beside /api/chat:\n\n" + telegram_markdown(on_telegram)
    print("\n" + table)
    out = settings.project_dir / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {
                "levels": [[asdict(g), asdict(b) if b else None] for g, b in results],
                "telegram": [asdict(t) for _, t in on_telegram],
                "memory_mb": memory,
                "args": vars(args),
            },
            indent=1,
        )
    )
    print(f"\nRaw figures: {path}")
    measured_levels = [g for g, _ in results] + [t for _, t in on_telegram]
    failed = any(g.errors or (g.intakes and any(n != 1 for n in g.cases_per_intake)) for g in measured_levels)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
