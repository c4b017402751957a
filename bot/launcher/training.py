"""Trains the Rasa model only when its inputs changed."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import time
from pathlib import Path

from bot.config import Settings

logger = logging.getLogger(__name__)

MODEL_NAME = "shuoshi"
# Everything that goes into the model. rasa_ext/ holds components Rasa may load while training.
INPUTS = ("config.yml", "domain", "nlu_data", "stories", "rasa_ext")
DATA = ("nlu_data", "stories")


class TrainingFailed(RuntimeError):
    pass


def fingerprint(project_dir: Path) -> str:
    """A hash of every training input's path and content."""
    digest = hashlib.sha256()
    for name in INPUTS:
        root = project_dir / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            inside = path.relative_to(project_dir).parts
            # Caches (__pycache__, ruff's .ruff_cache) are no input: linting must not force a retrain.
            if "__pycache__" in inside or any(part.startswith(".") for part in inside):
                continue
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def model_path(settings: Settings) -> Path:
    return settings.model_dir / f"{MODEL_NAME}.tar.gz"


def is_current(settings: Settings) -> bool:
    stamp = settings.model_dir / f"{MODEL_NAME}.fingerprint"
    return (
        model_path(settings).exists()
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint(settings.project_dir)
    )


def ensure_model(settings: Settings, *, force: bool = False) -> Path:
    """The trained model, trained first if its inputs changed since the last training."""
    if not force and is_current(settings):
        logger.info("model is up to date: %s", model_path(settings))
        return model_path(settings)
    wanted = fingerprint(settings.project_dir)
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    # Rasa's own `rasa train`, with rasa_ext.speedups applied first (rasa_ext/__main__.py): the
    # same model, in about two thirds of the time.
    command = [
        str(settings.rasa_python),
        "-m",
        "rasa_ext",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain",
        "--data",
        *DATA,
        "--out",
        str(settings.model_dir),
        "--fixed-model-name",
        MODEL_NAME,
    ]
    if force:
        command.append("--force")
    log_path = settings.var_dir / "log" / "train.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Training the Rasa model (about a minute on 2 cores; log: {log_path})", flush=True)
    started = time.monotonic()
    with log_path.open("wb") as log:
        result = subprocess.run(
            command,
            cwd=settings.project_dir,
            env=settings.rasa_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
        raise TrainingFailed(f"rasa train failed with exit code {result.returncode}:\n{tail}")
    print(f"Trained in {time.monotonic() - started:.0f} s: {model_path(settings)}", flush=True)
    (settings.model_dir / f"{MODEL_NAME}.fingerprint").write_text(wanted + "\n")
    return model_path(settings)
