"""Settings: nested environment variables and secrets generated once into var/."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import InsecureSettings, Settings


def test_secrets_are_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(var_dir=tmp_path).with_secrets()
    second = Settings(var_dir=tmp_path).with_secrets()
    assert first.secret("relay_secret") == second.secret("relay_secret")
    assert len(first.secret("relay_secret")) >= 32
    assert first.secret("relay_secret") != first.secret("rasa_token")
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0


def test_processes_starting_at_once_all_get_the_same_secrets(tmp_path: Path) -> None:
    """Two migrate jobs, or the launcher's children, started together on a new var/ (one of
    them used to fail renaming the other's half-written file, or keep secrets no one else had)."""
    var, go = tmp_path / "var", tmp_path / "go"
    program = (
        "import sys, time; from pathlib import Path; from bot.config import Settings\n"
        "Path(sys.argv[2] + '.' + sys.argv[3]).touch()\n"
        "while not Path(sys.argv[2]).exists(): time.sleep(0.001)\n"
        "print(Settings(var_dir=Path(sys.argv[1])).with_secrets().secret('payload_key'))"
    )
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", program, str(var), str(go), str(n)], stdout=subprocess.PIPE, text=True
        )
        for n in range(8)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.*"))) < len(jobs) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # all at once
    keys = {job.communicate(timeout=120)[0].strip() for job in jobs}
    assert all(job.returncode == 0 for job in jobs)
    stored = json.loads((var / "secrets.json").read_text())
    assert keys == {stored["payload_key"]}


def test_a_given_secret_wins_over_the_generated_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY__SECRET", "from-the-environment")
    settings = Settings(var_dir=tmp_path).with_secrets()
    assert settings.secret("relay_secret") == "from-the-environment"
    assert "from-the-environment" not in json.loads((tmp_path / "secrets.json").read_text()).values()


def test_nested_environment_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY__PORT", "8123")
    monkeypatch.setenv("DATABASE__URL", "postgresql+psycopg://u@h/db")
    settings = Settings(var_dir=tmp_path)
    assert settings.gateway.port == 8123
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_rasa_gets_its_wiring_through_the_environment(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path).with_secrets()
    env = settings.rasa_environment()
    assert env["SHUOSHI_ACTION_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["SHUOSHI_TRACKER_URL"] == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert env["SHUOSHI_RELAY_SECRET"] == settings.secret("relay_secret")
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def test_a_child_process_gets_the_same_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(var_dir=tmp_path, gateway={"port": 8999}).with_secrets()
    for key, value in settings.as_environment().items():
        monkeypatch.setenv(key, value)
    assert Settings() == settings


def test_a_child_process_gets_the_rasa_instances(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instances = ["http://10.0.0.5:5005", "http://10.0.0.6:5005"]
    settings = Settings(var_dir=tmp_path, rasa={"instances": instances}).with_secrets()
    for key, value in settings.as_environment().items():
        monkeypatch.setenv(key, value)
    assert Settings().rasa.urls == instances


def test_outside_development_a_placeholder_secret_stops_the_start(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, deployment="production", relay={"secret": "CHANGE-ME"})

    with pytest.raises(InsecureSettings, match="RELAY__SECRET") as refused:
        settings.with_secrets()
    assert "CHANGE-ME" not in str(refused.value)  # names the setting, never the value


def test_outside_development_a_short_secret_stops_the_start(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, deployment="production", console={"secret": "s3cret"})

    with pytest.raises(InsecureSettings, match="CONSOLE__SECRET"):
        settings.with_secrets()


def test_outside_development_a_placeholder_in_a_database_url_stops_the_start(tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path, deployment="production", database={"url": "postgresql://u:CHANGE-ME@db/shuoshi"}
    )

    with pytest.raises(InsecureSettings, match="DATABASE__URL"):
        settings.with_secrets()


def test_generated_secrets_pass_outside_development(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, deployment="production").with_secrets()

    settings.with_secrets()  # the generated ones are long enough


def test_development_accepts_a_short_secret(tmp_path: Path) -> None:
    Settings(var_dir=tmp_path, relay={"secret": "dev"}).with_secrets()
