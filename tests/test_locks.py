"""The hash-locked requirements (`make lock`, scripts/lock.sh): current with their inputs, every
package pinned with its hashes, and no version with a known vulnerability we raised a floor for."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"app": "requirements/app.lock", "dev": "requirements/dev.lock", "rasa": "requirements/rasa.lock"}

# Fixed versions of advisories that touch the app (pyproject.toml names them beside the floors).
FIXED = {
    "fastapi": "0.120.1",
    "starlette": "0.49.1",  # CVE-2025-62727
    "python-multipart": "0.0.22",  # CVE-2026-24486
    "jinja2": "3.1.6",  # CVE-2025-27516
    "h11": "0.16.0",  # CVE-2025-43859 (uvicorn, httpx)
    "urllib3": "2.5.0",  # CVE-2025-50181
    "requests": "2.32.4",  # CVE-2024-47081
}


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {name.lower(): version for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


@pytest.mark.parametrize("which", sorted(LOCKS))
def test_the_lock_was_compiled_from_the_inputs_as_they_are(which: str) -> None:
    """Fails when a dependency was added or changed without `make lock`."""
    current = subprocess.run(
        ["bash", "scripts/lock-inputs.sh", which], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    recorded = re.search(r"^# inputs: (\S+)", (ROOT / LOCKS[which]).read_text(encoding="utf-8"), re.M)

    assert recorded and recorded.group(1) == current, f"{LOCKS[which]} is out of date: run `make lock`"


@pytest.mark.parametrize("which", sorted(LOCKS))
def test_every_package_is_pinned_with_its_hashes(which: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / LOCKS[which]).read_text(encoding="utf-8"))
    requirements = [entry for entry in entries if not entry.startswith("#")]

    assert len(requirements) > 20
    for entry in requirements:
        assert re.match(r"^[A-Za-z0-9_.\-]+(\[[^\]]*\])?==\S+", entry), entry.splitlines()[0]
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_the_app_has_no_version_with_a_known_vulnerability() -> None:
    for lock in (LOCKS["app"], LOCKS["dev"]):
        locked = pins(lock)
        for name, fixed in FIXED.items():
            assert Version(locked[name]) >= Version(fixed), f"{lock}: {name} {locked[name]} < {fixed}"


def test_the_development_venv_runs_the_versions_the_images_run() -> None:
    app, dev = pins(LOCKS["app"]), pins(LOCKS["dev"])

    assert {name: dev[name] for name in app} == app
