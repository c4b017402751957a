"""The model is retrained only when one of its inputs changed."""

import shutil
from pathlib import Path

from bot.config import Settings
from bot.launcher.training import fingerprint, is_current, model_path

PROJECT = Path(__file__).resolve().parents[2]


def _copy_inputs(target: Path) -> Path:
    for name in ("config.yml", "domain", "nlu_data", "stories", "rasa_ext"):
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    return target


def test_fingerprint_changes_with_training_data(tmp_path: Path) -> None:
    project = _copy_inputs(tmp_path)
    before = fingerprint(project)
    assert fingerprint(project) == before
    with (project / "nlu_data" / "core.yml").open("a") as data:
        data.write("\n")
    assert fingerprint(project) != before


def test_fingerprint_ignores_files_outside_the_inputs(tmp_path: Path) -> None:
    project = _copy_inputs(tmp_path)
    before = fingerprint(project)
    (project / "README.md").write_text("changed")
    assert fingerprint(project) == before


def test_fingerprint_ignores_caches_inside_the_inputs(tmp_path: Path) -> None:
    """ruff (make lint) writes rasa_ext/.ruff_cache: that must not force a retraining."""
    project = _copy_inputs(tmp_path)
    before = fingerprint(project)
    (project / "rasa_ext" / ".ruff_cache" / "0.9").mkdir(parents=True)
    (project / "rasa_ext" / ".ruff_cache" / "0.9" / "123").write_bytes(b"cache")
    (project / "rasa_ext" / "__pycache__").mkdir(exist_ok=True)
    (project / "rasa_ext" / "__pycache__" / "x.pyc").write_bytes(b"pyc")
    assert fingerprint(project) == before


def test_a_model_with_a_stale_fingerprint_is_not_current(tmp_path: Path) -> None:
    project = _copy_inputs(tmp_path)
    settings = Settings(project_dir=project, var_dir=tmp_path / "var")
    settings.model_dir.mkdir()
    model_path(settings).write_bytes(b"model")
    (settings.model_dir / "shuoshi.fingerprint").write_text(fingerprint(project))
    assert is_current(settings)
    (project / "domain" / "core.yml").write_text((project / "domain" / "core.yml").read_text() + "\n# edit\n")
    assert not is_current(settings)
