"""WeChat's 5-second rule under load: many residents push at once; how long the gateway takes to
answer each push ("success") and how long until the resident's first reply goes out.

    .venv/bin/python -m bench.wechat                 # 10 and 50 residents at once
    .venv/bin/python -m bench.wechat --residents 100

It starts its own installation on free ports with a throwaway var/ (tests/e2e/stack.py), a
gateway with WeChat on against the local fake (tests/fakes/wechat_api.py), and prints a Markdown
table. WeChat pushes again after 5 s without an answer: "retried" counts pushes that needed it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.config import WechatSettings
from tests.e2e.stack import Stack
from tests.fakes.wechat_api import APP_ID, APP_SECRET, TOKEN, FakeWeChat


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def probe(url: str, until: threading.Event, seen: list[float]) -> None:
    """The same gateway's /livez during the burst: what any request waits for on this machine."""
    while not until.is_set():
        started = time.monotonic()
        httpx.get(url, timeout=30)
        seen.append((time.monotonic() - started) * 1000)
        time.sleep(0.1)


def level(wechat: FakeWeChat, residents: int) -> str:
    stamp = int(time.time())
    openids = [f"oBench{stamp}_{residents}_{n}" for n in range(residents)]
    done, livez = threading.Event(), []
    prober = threading.Thread(
        target=probe, args=(wechat.server_url.replace("/wechat", "/livez"), done, livez)
    )
    prober.start()
    with ThreadPoolExecutor(max_workers=residents) as pool:
        deliveries = list(pool.map(lambda o: wechat.text(o, "你好"), openids))
    done.set()
    prober.join()
    first = {o: wechat.wait_for(lambda o=o: wechat.sent(o), timeout=300)[0].at for o in openids}
    acks = [(d.answered_at - d.sent_at) * 1000 for d in deliveries if d.answered_at is not None]
    replies = [(first[o] - d.sent_at) * 1000 for o, d in zip(openids, deliveries, strict=True)]
    retried = sum(len(d.answers) > 1 for d in deliveries)
    before = sum(first[o] < d.answered_at for o, d in zip(openids, deliveries, strict=True) if d.answered_at)
    return (
        f"| {residents} | {statistics.median(acks):.0f} | {pct(acks, 0.95):.0f} | {max(acks):.0f} | "
        f"{retried} | {before} | {statistics.median(replies):.0f} | {pct(replies, 0.95):.0f} | "
        f"{statistics.median(livez):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, nargs="*", default=[10, 50])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        stack = Stack(Path(var)).start()
        wechat = FakeWeChat().start()
        try:
            gateway = stack.extra_gateway(
                wechat=WechatSettings(
                    app_id=APP_ID,
                    app_secret=SecretStr(APP_SECRET),
                    token=SecretStr(TOKEN),
                    api_base_url=wechat.base_url,
                )
            )
            wechat.server_url = gateway.ready_url.replace("/healthz", "/wechat")
            wechat.text("oBenchWarmup", "你好")
            wechat.wait_for(lambda: wechat.sent("oBenchWarmup"), timeout=120)
            print(
                "| residents at once | ack p50 ms | ack p95 ms | ack max ms | retried by WeChat | "
                "reply before ack | first reply p50 ms | first reply p95 ms | /livez p50 ms meanwhile |"
            )
            print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
            for residents in args.residents:
                print(level(wechat, residents), flush=True)
            gateway.stop()
        finally:
            wechat.stop()
            stack.stop()


if __name__ == "__main__":
    main()
