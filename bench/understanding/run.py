"""What the understanding costs: training time, model size, Rasa's start time and memory.

    .venv-rasa/bin/python bench/understanding/run.py                      # config.yml
    .venv-rasa/bin/python bench/understanding/run.py --config bench/understanding/before.yml

For each config given (default: the project's config.yml), on this machine and in this run: a
full `rasa train` (no cache) into a temporary folder, timed (wall clock and the CPU of Rasa's
processes); the model file's size; then `rasa run` on that model (REST channel only, no action
server), timed until it answers, and its resident memory (VmRSS of the process) once it does.
Prints a Markdown table; `--json FILE` writes the figures. Nothing of `bot` is imported.

Both commands run for each config, alternating: Rasa's own (`rasa train`, `rasa run`) and
`python -m rasa_ext` (the same command line with rasa_ext.speedups applied first, which is how
`shuoshi train` trains and how the Rasa server runs once it loads the relay channel);
`--command rasa` or `--command rasa_ext` runs one only.

`before.yml` is the config this project trained until 2026-12-03 (DIET, ResponseSelector,
TEDPolicy): run it beside the current one to see the difference on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
COMMANDS = {
    "rasa": [str(RASA)],
    "rasa_ext": [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "rasa_ext"],
}
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train(command: list[str], config: Path, out: Path) -> dict[str, float]:
    cpu, started = children_cpu(), time.monotonic()
    subprocess.run(
        [*command, "train", "--config", str(config), "--domain", "domain", "--data", "nlu_data", "stories",
         "--out", str(out), "--fixed-model-name", "model", "--force"],
        cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return {
        "train_seconds": time.monotonic() - started,
        "train_cpu_seconds": children_cpu() - cpu,
        "model_mb": (out / "model.tar.gz").stat().st_size / 1e6,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve(command: list[str], model: Path, folder: Path) -> dict[str, float]:
    credentials = folder / "credentials.yml"
    credentials.write_text("rest:\n", encoding="utf-8")
    # No action server, no tracker store: not the project's endpoints.yml (it needs the launcher's
    # environment), which `rasa run` would otherwise read from the working directory.
    endpoints = folder / "endpoints.yml"
    endpoints.write_text("{}\n", encoding="utf-8")
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "run", "--model", str(model), "--credentials", str(credentials),
         "--endpoints", str(endpoints), "--interface", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = started + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"rasa run ended with {process.returncode} before answering")
            try:
                # One real turn, so the model is loaded and has answered once.
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                    data=json.dumps({"sender": "bench", "message": "你好"}).encode(),
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("rasa run did not answer within 300 s")
        ready = time.monotonic() - started
        time.sleep(2)
        return {"start_seconds": ready, "rss_mb": rss_mb(process.pid)}
    finally:
        process.terminate()
        process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description="training time, model size, Rasa's start and memory")
    parser.add_argument("--config", action="append", type=Path, help="config file(s); default config.yml")
    parser.add_argument("--command", action="append", choices=sorted(COMMANDS), help="default: both")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    rows = []
    for config in args.config or [ROOT / "config.yml"]:
        for name in args.command or ["rasa", "rasa_ext"]:
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder)
                figures = {"config": str(config), "command": name}
                figures.update(train(COMMANDS[name], config.resolve(), out))
                figures.update(serve(COMMANDS[name], out / "model.tar.gz", out))
                rows.append(figures)
                print(json.dumps(figures), file=sys.stderr)
    print(f"{os.cpu_count()} cores\n")
    print("| config | command | training (wall) | training (CPU) | model | Rasa ready after | Rasa RSS |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {Path(row['config']).name} | {row['command']} | {row['train_seconds']:.0f} s "
            f"| {row['train_cpu_seconds']:.0f} s | {row['model_mb']:.1f} MB | {row['start_seconds']:.0f} s "
            f"| {row['rss_mb']:.0f} MB |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
