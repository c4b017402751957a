"""The district profile: one YAML file that says which district this deployment serves.

`load_profile(settings)` reads and validates it (the bundled Datong profile unless
`DISTRICT__PROFILE` names another); a bad file raises `ProfileError` naming the field, which
stops the start. Services reach the profile through their session (`profile_of(session)`),
which `session_scope()` fills.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.district.schema import (
    Calendar,
    CaseNumbering,
    DistrictProfile,
    Hotline,
    Place,
    TimeLimits,
    Township,
)

__all__ = [
    "BUNDLED_PROFILE",
    "Calendar",
    "CaseNumbering",
    "DistrictProfile",
    "Hotline",
    "Place",
    "ProfileError",
    "TimeLimits",
    "Township",
    "attach_profile",
    "load_profile",
    "parse_profile",
    "profile_of",
]

BUNDLED_PROFILE = Path(__file__).resolve().parent / "profiles" / "datong.yaml"
_SESSION_KEY = "district_profile"


class ProfileError(Exception):
    """The district profile cannot be used; the message names the file and the field."""


def load_profile(settings: Settings) -> DistrictProfile:
    """The district profile the settings point to (read once per file)."""
    return _load(_resolved(settings.district.profile or BUNDLED_PROFILE, settings.project_dir))


@cache
def _resolved(path: Path, project_dir: Path) -> Path:
    # Every store session reads the profile: resolving the path (a system call per part) once.
    return (path if path.is_absolute() else project_dir / path).resolve()


@cache
def _load(path: Path) -> DistrictProfile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProfileError(f"district profile {path}: cannot be read ({error.strerror})") from error
    return parse_profile(text, source=str(path))


def parse_profile(text: str, *, source: str = "<profile>") -> DistrictProfile:
    """Validates a profile's YAML text."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ProfileError(f"district profile {source}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise ProfileError(f"district profile {source}: expected a mapping at the top level")
    try:
        return DistrictProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(f"district profile {source}: {_describe(error)}") from error


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(f"{field}: {item['msg']}")
    return "; ".join(problems)


def attach_profile(session: Session, profile: DistrictProfile) -> None:
    session.info[_SESSION_KEY] = profile


def profile_of(session: Session) -> DistrictProfile:
    """The district profile of this session's deployment."""
    profile = session.info.get(_SESSION_KEY)
    if not isinstance(profile, DistrictProfile):
        raise RuntimeError(
            "this session has no district profile: open it with bot.db.session.session_scope()"
        )
    return profile
