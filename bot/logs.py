"""One logging configuration for the launcher, the gateway and the action server.

- JSON lines on standard output when it is not a terminal (a container, systemd, the launcher's
  log files), readable lines in a terminal.
- The personal-data filter (`bot.residents.privacy.PersonalDataFilter`) on every handler, so no
  phone or ID number reaches a log, whoever logged it.
- The request id of the turn being handled (`REQUEST_ID`) on every line: the gateway makes one
  per inbound message and sends it to Rasa in the message metadata; the action server sets it
  from the tracker's latest message, so one turn's lines can be found in both logs.
- Access lines (uvicorn's) without query strings, ids in paths or client addresses.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from bot.residents.privacy import PersonalDataFilter, redact

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Loggers of the servers we run under: their own handlers go, their lines come to ours.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "sanic.root", "sanic.error", "sanic.access")
# Libraries that talk too much at INFO (`shuoshi run` polls health every half second).
_QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "telegram.ext")
_OURS = "_shuoshi_handler"


def new_request_id() -> str:
    """A short random id for one inbound turn (never derived from the resident)."""
    return uuid.uuid4().hex[:16]


class RequestIdFilter(logging.Filter):
    """Puts the current turn's request id on the record (`-` outside a turn)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class RedactingFilter(PersonalDataFilter):
    """The personal-data filter, also over a traceback's text (an exception's message may quote
    what a resident typed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_ID_LIKE_SEGMENT = re.compile(r"^(?=.*\d{4})[^/]+$|^[^/]{25,}$")


def clean_path(path: str) -> str:
    """A URL path fit for a log: no query string, and a segment that carries an id (four digits
    in a row, or a long token) shown as `:id`."""
    bare = path.split("?", 1)[0].split("#", 1)[0]
    return "/".join(":id" if _ID_LIKE_SEGMENT.match(part) else part for part in bare.split("/"))


class AccessLineFilter(logging.Filter):
    """uvicorn's access lines without the client's address, the query string or ids in the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            _client, method, path, version, status = record.args
            record.args = ("-", method, clean_path(str(path)), version, status)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, process, request id, message (and error)."""

    def __init__(self, process: str) -> None:
        super().__init__()
        self._process = process

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "process": self._process,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def readable_formatter(process: str) -> logging.Formatter:
    return logging.Formatter(f"%(asctime)s %(levelname)-7s {process} %(name)s [%(request_id)s] %(message)s")


def handler_for(stream: IO[str], *, process: str, json_lines: bool | None = None) -> logging.Handler:
    """A handler on `stream` with our format and filters (JSON unless `stream` is a terminal)."""
    handler = logging.StreamHandler(stream)
    if json_lines is None:
        json_lines = not (hasattr(stream, "isatty") and stream.isatty())
    handler.setFormatter(JsonFormatter(process) if json_lines else readable_formatter(process))
    for log_filter in (RequestIdFilter(), AccessLineFilter(), RedactingFilter()):
        handler.addFilter(log_filter)
    setattr(handler, _OURS, True)
    return handler


def configure(
    *, process: str, level: str = "INFO", stream: IO[str] | None = None, json_lines: bool | None = None
) -> None:
    """Sends every logger of this process (the servers' too) to one handler on standard output."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler_for(stream or sys.stdout, process=process, json_lines=json_lines))
    root.setLevel(level.upper())
    for name in _SERVER_LOGGERS:
        server = logging.getLogger(name)
        for old in list(server.handlers):
            server.removeHandler(old)
        server.propagate = True
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_unless_hosted(*, process: str, level: str = "INFO") -> bool:
    """`configure`, unless the process's root logger already has a handler (a test runner's, or
    ours from `shuoshi`): an app made inside another program leaves its logging alone."""
    if logging.getLogger().handlers:
        return False
    configure(process=process, level=level)
    return True
