"""The Rasa command line is built in one place, for `shuoshi run` and the load benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.launcher.processes import rasa_run_command, rasa_service
from tests.launcher.test_rasa_ext import RASA_PYTHON, in_rasa


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
    token = settings.secret("rasa_token")
    assert command[command.index(f"--auth-token={token}") - 1] == "--enable-api"


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa venv (make setup)")
def test_rasa_reads_a_token_that_starts_with_a_dash_as_the_token(tmp_path: Path) -> None:
    command = rasa_run_command(
        _settings(tmp_path),
        endpoints="endpoints.yml",
        credentials="credentials.yml",
        interface="127.0.0.1",
        port=5005,
        api_token="-Xq3_token-that-looks-like-an-option",
    )
    script = """
import json, sys
from rasa.__main__ import create_argument_parser
args = create_argument_parser().parse_args(sys.argv[1:])
print(json.dumps({"token": args.auth_token, "api": args.enable_api, "port": args.port}))
"""
    parsed = in_rasa(script, *command[1:])

    assert parsed == {"token": "-Xq3_token-that-looks-like-an-option", "api": True, "port": 5005}


def test_a_bare_rasa_has_no_api(tmp_path: Path) -> None:
    command = rasa_run_command(
        _settings(tmp_path),
        endpoints=tmp_path / "e.yml",
        credentials=tmp_path / "c.yml",
        interface="127.0.0.1",
        port=1,
    )

    assert command[1] == "run" and "--enable-api" not in command
    assert not any(part.startswith("--auth-token") for part in command)
