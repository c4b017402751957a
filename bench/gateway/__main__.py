"""The gateway's own CPU per `/api/chat` turn, with Rasa and the action server replaced by a stub
that answers at once (a separate process), so nothing but the gateway's work is measured.

    .venv/bin/python -m bench.gateway                  # 1,000 turns, 20 at a time
    .venv/bin/python -m bench.gateway --turns 3000 --profile var/bench/gateway.raw

It starts the gateway as `shuoshi run` does (uvicorn, a throwaway var/ and SQLite store) against
the stub, warms it up, then prints the gateway process's CPU time per turn (user + system, from
/proc) and the turns per second. `--profile FILE` records the run with py-spy (`--gil`, raw
collapsed stacks; py-spy must be on PATH, e.g. `pip install py-spy` in a venv of its own).
This is how the `sniffio` import on every request was found (README, "Under load").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from bench.load.run import free_port, process_cpu_seconds
from bot.config import Settings
from bot.db import migrate
from bot.db.session import session_scope
from bot.launcher.processes import gateway_service, stop_all, wait_until_ready
from bot.staff import api_keys

TEXTS = (
    "你好",
    "邻居家漏水到我家，可以找谁调解",
    "How do I report a scam?",
    "谢谢，再见",
    "我想咨询一下欠薪怎么办",
    "我要登记一个纠纷",
)
# What Rasa answers every message with: two replies, the second with buttons, as a typical turn.
REPLIES = [
    {"text": "您好，这是回答。邻居纠纷可以先找村（居）委会的人民调解委员会。"},
    {
        "text": "还有什么可以帮您？",
        "buttons": [
            {"title": "没有了", "payload": "/deny"},
            {"title": "我要登记", "payload": "/register_dispute"},
        ],
    },
]


class StubRasa(BaseHTTPRequestHandler):
    """Rasa (relay webhook, tracker, health) and the action server's health, answered at once."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer({"active_loop": {}, "events": []} if "/tracker" in self.path else {"status": "ok"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self._answer(REPLIES)

    def _answer(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


async def drive(url: str, key: str, turns: int, at_once: int) -> None:
    slots = asyncio.Semaphore(at_once)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    ) as http:

        async def one(n: int) -> None:
            async with slots:
                response = await http.post(
                    "/api/chat", json={"sender": f"bench{n % 40}", "text": TEXTS[n % len(TEXTS)]}
                )
                response.raise_for_status()

        await asyncio.gather(*(one(n) for n in range(turns)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gateway", description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--at-once", type=int, default=20)
    parser.add_argument("--profile", type=Path, help="record with py-spy into this file")
    args = parser.parse_args(argv)

    port = free_port()
    stub = subprocess.Popen(
        [sys.executable, "-c", f"from bench.gateway.__main__ import serve; serve({port})"]
    )
    settings = Settings(
        var_dir=Path(tempfile.mkdtemp(prefix="shuoshi-gateway-")),
        rasa={"port": port},
        actions={"port": port},
        gateway={"port": free_port(), "rate_limit_per_minute": 10**6},
        dispatcher={"enabled": False},
        log_level="WARNING",
    ).with_secrets()
    migrate.upgrade(settings)
    gateway = gateway_service(settings)
    gateway.start(settings.project_dir)
    spy = None
    try:
        wait_until_ready([gateway], timeout=120)
        with session_scope(settings) as session:
            key = api_keys.add(session=session, name="bench-gateway")
        url = f"http://127.0.0.1:{settings.gateway.port}"
        asyncio.run(drive(url, key, 100, 10))  # warm up
        if args.profile is not None:
            py_spy = shutil.which("py-spy") or sys.exit("py-spy is not on PATH")
            args.profile.parent.mkdir(parents=True, exist_ok=True)
            assert gateway.process is not None
            spy = subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "-p",
                    str(gateway.process.pid),
                    "-r",
                    "250",
                    "-f",
                    "raw",
                    "--gil",
                    "--nonblocking",
                    "-o",
                    str(args.profile),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
        cpu, started = process_cpu_seconds(gateway), time.perf_counter()
        asyncio.run(drive(url, key, args.turns, args.at_once))
        cpu, took = process_cpu_seconds(gateway) - cpu, time.perf_counter() - started
        print(
            f"gateway alone: {cpu / args.turns * 1000:.1f} ms of CPU a turn, {args.turns / took:.1f} turns/s "
            f"({args.turns} turns, {args.at_once} at a time, stub Rasa)"
        )
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
        stop_all([gateway])
        stub.kill()
    return 0


def serve(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), StubRasa).serve_forever()


if __name__ == "__main__":
    raise SystemExit(main())
