"""The Rasa command line is built in one place, for `shuoshi run` and the load benchmark."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.launcher.processes import rasa_run_command, rasa_service


def _settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var").with_secrets()


def test_shuoshi_run_starts_rasa_with_the_api_behind_a_token(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    command = rasa_service(settings).command

    assert command == rasa_run_command(
        settings,
        endpoints="endpoints.yml",
        credentials="credentials.yml",
        interface=settings.rasa.host,
        port=settings.rasa.port,
        api_token=settings.secret("rasa_token"),
    )
    assert command[command.index("--auth-token") - 1] == "--enable-api"


def test_a_bare_rasa_has_no_api(tmp_path: Path) -> None:
    command = rasa_run_command(
        _settings(tmp_path),
        endpoints=tmp_path / "e.yml",
        credentials=tmp_path / "c.yml",
        interface="127.0.0.1",
        port=1,
    )

    assert command[1] == "run" and "--enable-api" not in command and "--auth-token" not in command
