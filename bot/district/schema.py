"""The district profile's shape: what a district writes in its YAML file, validated at start."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.district.kinds import CaseKind


class _Strict(BaseModel):
    # A misspelt key is an error, not a silently ignored line.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Place(_Strict):
    """Where residents can go in person. Unknown facts stay null and `fallback` is shown instead."""

    name: str
    address: str | None = None
    hours: str | None = None
    phone: str | None = None
    # What to tell a resident where the address or hours are not known.
    fallback: str = "地址和开放时间请咨询所在村（社区）"


class Township(_Strict):
    """A town (镇), township (乡) or sub-district (街道) and its villages and communities."""

    name: str
    kind: Literal["subdistrict", "town", "township"]
    villages: tuple[str, ...] = ()
    # False where the list above names only some of them (a case may then name another).
    villages_complete: bool = False
    mediation_room: Place | None = None

    @field_validator("villages")
    @classmethod
    def _unique_villages(cls, villages: tuple[str, ...]) -> tuple[str, ...]:
        duplicates = sorted({name for name in villages if villages.count(name) > 1})
        if duplicates:
            raise ValueError(f"listed twice: {', '.join(duplicates)}")
        return villages


class Hotline(_Strict):
    number: str = Field(pattern=r"^\d{3,12}(-\d{3,8})?$")
    name: str
    name_en: str
    purpose: str


class TimeLimits(_Strict):
    """Days a case of one kind may take: calendar days unless the profile says working days
    (信访工作条例 counts 日, calendar days). Either way a last day that falls on a rest day
    moves to the next working day (民法典 Art. 203)."""

    # Days from receipt to the decision whether to accept.
    accept_within_days: int = Field(ge=1, le=365)
    # Days from acceptance to resolution.
    handle_within_days: int = Field(ge=1, le=730)
    # Most days one extension may add (0: no extension allowed). A case is extended at most once.
    extend_max_days: int = Field(ge=0, le=365)
    # Count the acceptance / handling days as working days (weekends and public holidays skipped).
    accept_in_working_days: bool = False
    handle_in_working_days: bool = False


class Calendar(_Strict):
    """The district's own corrections to the national holiday calendar (the `holidays` package):
    rest days and swapped working days from a State Council or provincial notice the package does
    not know yet, or local days off. Dates as YYYY-MM-DD."""

    extra_rest_days: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()

    @model_validator(mode="after")
    def _not_both(self) -> Calendar:
        both = sorted(set(self.extra_rest_days) & set(self.extra_working_days))
        if both:
            raise ValueError(f"both a rest day and a working day: {', '.join(d.isoformat() for d in both)}")
        return self


class CaseNumbering(_Strict):
    # District prefix of every case number, e.g. DT in DT-JF-2026-000123.
    prefix: str = Field(pattern=r"^[A-Z]{2,4}$")
    kind_codes: dict[CaseKind, str]

    @field_validator("kind_codes")
    @classmethod
    def _codes(cls, codes: dict[CaseKind, str]) -> dict[CaseKind, str]:
        missing = [kind.value for kind in CaseKind if kind not in codes]
        if missing:
            raise ValueError(f"no code for {', '.join(missing)}")
        bad = [code for code in codes.values() if not re.fullmatch(r"[A-Z]{2,4}", code)]
        if bad:
            raise ValueError(f"codes must be 2-4 capital letters: {', '.join(bad)}")
        if len(set(codes.values())) != len(codes):
            raise ValueError("two kinds share a code")
        return codes


_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def duration(value: str) -> timedelta:
    """ "3d", "48h", "30m", "10s" as a timedelta (seconds are for demos and tests)."""
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a duration like 3d, 48h, 30m or 10s")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class FollowUpRules(_Strict):
    """When the satisfaction survey is asked after a case is resolved, and how often reminded."""

    # After resolving, wait this long before asking (the resident needs time to see the result).
    survey_delay_after_resolved: str = "3d"
    # Between the question and each reminder.
    reminder_interval: str = "2d"
    reminders: int = Field(default=2, ge=0, le=2)
    # A case resolved longer ago than this is not asked about any more.
    no_survey_after: str = "30d"
    # Phone surveys (residents without a chat): calls that may go unanswered before the survey
    # counts as unanswered, and the wait before the next try.
    phone_attempts: int = Field(default=3, ge=1, le=10)
    phone_retry_interval: str = "1d"

    @field_validator(
        "survey_delay_after_resolved", "reminder_interval", "no_survey_after", "phone_retry_interval"
    )
    @classmethod
    def _duration(cls, value: str) -> str:
        duration(value)
        return value

    @property
    def survey_delay(self) -> timedelta:
        return duration(self.survey_delay_after_resolved)

    @property
    def reminder_every(self) -> timedelta:
        return duration(self.reminder_interval)

    @property
    def too_old(self) -> timedelta:
        return duration(self.no_survey_after)

    @property
    def phone_retry_every(self) -> timedelta:
        return duration(self.phone_retry_interval)


class DistrictProfile(_Strict):
    name: str
    name_en: str
    city: str
    province: str
    # The city's telephone area code (淮南: 0554). A police anti-fraud warning call shows it before
    # 96110, so the answers tell residents what to expect on their screen.
    area_code: str | None = Field(default=None, pattern=r"^0\d{2,3}$")
    timezone: str = "Asia/Shanghai"
    case_numbering: CaseNumbering
    centre: Place
    townships: tuple[Township, ...] = Field(min_length=1)
    hotlines: tuple[Hotline, ...]
    time_limits: dict[CaseKind, TimeLimits]
    calendar: Calendar = Calendar()
    # Whether the petition intake asks for the resident's ID number (some centres register
    # petitions only under a verified identity; others do not ask for it in a chat).
    petition_requires_id_number: bool = False
    followups: FollowUpRules = FollowUpRules()
    # Where the list of townships and villages came from, for whoever maintains the file.
    sources: tuple[str, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("time_limits")
    @classmethod
    def _every_kind(cls, limits: dict[CaseKind, TimeLimits]) -> dict[CaseKind, TimeLimits]:
        missing = [kind.value for kind in CaseKind if kind not in limits]
        if missing:
            raise ValueError(f"no time limits for {', '.join(missing)}")
        return limits

    @model_validator(mode="after")
    def _unique_townships(self) -> DistrictProfile:
        names = [township.name for township in self.townships]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"townships listed twice: {', '.join(duplicates)}")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def antifraud_caller_id(self) -> str:
        """What a police anti-fraud warning call shows here: area code + 96110 ("0554 96110")."""
        return f"{self.area_code} 96110" if self.area_code else "96110"

    def township(self, name: str) -> Township | None:
        return next((township for township in self.townships if township.name == name), None)

    def limits(self, kind: CaseKind) -> TimeLimits:
        return self.time_limits[kind]
