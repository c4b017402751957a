"""`shuoshi run` refuses to start with a broken district profile, and says which field is wrong."""

from pathlib import Path

import pytest

from bot.config import Settings
from bot.launcher.run import run


def test_a_bad_profile_stops_the_start_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "bad.yaml"
    bundled = Path(__file__).resolve().parents[2] / "bot" / "district" / "profiles" / "datong.yaml"
    profile.write_text(
        bundled.read_text(encoding="utf-8").replace("accept_within_days: 15", "accept_within_days: 0")
    )
    settings = Settings(var_dir=tmp_path / "var", district={"profile": profile}).with_secrets()

    assert run(settings) == 1
    assert "time_limits.petition.accept_within_days" in capsys.readouterr().out
