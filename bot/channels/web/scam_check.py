"""`POST /api/scam-check`: the scam check for any client (DESIGN.md's public interface)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.channels.web import throttle
from bot.config import Settings
from bot.scams import service

router = APIRouter()

MAX_TEXT = 5000


class ScamCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty")
        return value


@router.post("/api/scam-check")
async def scam_check(body: ScamCheckIn, request: Request) -> dict[str, Any]:
    """Risk, score, likely fraud type, warning signs quoted (defanged) from the text, and advice."""
    settings: Settings = request.app.state.settings
    limit = throttle.per_address("scam_check", settings.gateway.scam_check_per_address_per_minute)
    await throttle.within(request, limit)
    return (await asyncio.to_thread(service.check, body.text)).as_api()
