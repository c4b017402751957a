"""Fixes to Rasa 3.6's per-turn and start-up cost, applied when the Rasa server loads the relay
channel (and by `python -m rasa_ext`, Rasa's command line with them, which `shuoshi train` runs).
All change how much work Rasa does, never what it answers.

1. Rasa checks every action-server response with `jsonschema.validate(result, schema)`, which
   first re-validates the *schema itself* against the JSON-Schema meta-schema. The schema never
   changes, so that step is pure waste, and it is not small: under load it was about 40% of the
   Rasa process's CPU (py-spy, docs/load.md), because most turns call the action server
   (answers, forms, cases). Here the schema is checked once and a compiled
   validator is reused; what is accepted and rejected, and the error message, are unchanged.
2. Rasa reads every `{...}` in a response as a slot placeholder, so a button payload with JSON
   (`/inform{"dispute_category":"neighbour"}`) raises a KeyError inside the interpolator, which
   Rasa logs at ERROR level with a full traceback and then returns the text unchanged. That
   logging was about 10% of Rasa's CPU under load. A text whose every `{...}` holds a quote
   (a slot name never does) is now returned unchanged directly: the same result, no exception.
3. Every event read back from the tracker store is resolved to its class by
   `Event.resolve_by_type`, which walks the whole tree of Event subclasses (and `inspect`s each
   one) for every event: a conversation of 60 events walked it 60 times per turn, about a tenth
   of Rasa's CPU in a profile of the load mix (docs/understanding.md). The name → class lookup is
   now remembered the first time each name is resolved, in the same walk order, so the same
   class comes back; an unknown name still goes to Rasa's own method.

4. Loading the domain parsed the same YAML text again and again: `Domain.from_directory` reads
   each file to see whether it is a domain file, again to validate it (Rasa's round-trip parse
   and a pykwalify check), again to build it and once more to merge it, all with ruamel's
   pure-Python parser. That was about two thirds of Rasa's start-up (py-spy: 16 of 25 s until
   the server answered; docs/understanding.md), and training loads the domain several times more.
   A text already parsed in this process is now copied instead of parsed again (the same "safe"
   parser, so the same values), and a text that already passed a schema check passes it again
   without the check; a text that failed is checked, and fails, again. The domain inside a
   trained model is not checked against the schema when the model is loaded: Rasa wrote it at
   training from a domain that passed the same check (and `rasa data validate` in `make test`).
5. Training fingerprints every output to cache it: every token of every example is hashed
   (md5 of its text, start, end, lemma and data, each on its own), a quarter of `rasa train`'s
   time in a py-spy profile. Most of those texts recur ("0", "1", a common word, "{}"), so the
   md5 of a text is now remembered (the same function of the same text, so the same
   fingerprints and the same cache keys).
6. Reading a conversation back from the SQL tracker store built an ORM object for every row of
   it (and SQLAlchemy's identity map around them) only to take its `data` column: Rasa's
   `_retrieve` is now the same query (the same rows, in the same order) asking for that column
   alone. In a profile of the load mix the row objects were about 5% of Rasa's CPU.
7. Saving a conversation, Rasa first counts the events already stored since the session began
   (a query with a subquery) to know which of the tracker's events are new: about 8% of Rasa's
   CPU under load. For a tracker read in this turn by (6), the count is the number of events it
   was read with (Rasa's lock store keeps every other writer of that conversation out until the
   turn is saved), so the first save of it uses that; any other save counts as Rasa does.
8. Every action call opened an HTTP session and a connection (and its TCP handshake) and closed
   them again, and encoded the whole tracker with the standard `json`: an endpoint now keeps one
   session per event loop, idle connections 15 s (the action server keeps them 120 s, so it never
   closes one this side is about to use), and encodes request bodies with ujson (the same JSON
   values). The server closes the sessions when it stops (rasa_ext/relay_channel.py).
9. A SQLite tracker store (`make run`'s) opened a new connection for every read and write
   (SQLAlchemy 1.4's NullPool) and synced the file to disk on every commit; Rasa's event loop
   waited for both on every turn (a read and a save took 8–24 ms of wall time and 6–8 ms of CPU
   on this machine, against 2.0 and 1.9 now; bare Rasa waits the same). Its connections are now kept
   in a pool (as SQLAlchemy 2.0 does for a SQLite file), and the file is written ahead (WAL) and
   synced at checkpoints, as the case store is (bot/db/session.py): a crash of Rasa loses
   nothing committed; only a power cut can lose the last turns. PostgreSQL is untouched.

Pinned to Rasa 3.6 (requirements/rasa.txt); tests/launcher/test_rasa_ext.py checks it still
applies and still rejects a malformed response.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import itertools
import json
import re
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import aiohttp
import sqlalchemy
import sqlalchemy.orm
import sqlalchemy.pool
import ujson
from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg import interpolator
from rasa.core.tracker_store import SQLTrackerStore
from rasa.graph_components.providers.domain_provider import DomainProvider
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils import io as rasa_io
from rasa.shared.utils import validation as rasa_validation
from rasa.shared.utils.common import all_subclasses
from rasa.utils import endpoints

# Rasa's own placeholder pattern (rasa/core/nlg/interpolator.py).
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
_interpolate_text = interpolator.interpolate_text


def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, not on every action call
    return cls(schema)


_VALIDATOR = _validator()


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_VALIDATOR.iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        "Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def interpolate_text(response: str, values: dict[str, str]) -> str:
    tags = _PLACEHOLDER.findall(response)
    if tags and all('"' in tag for tag in tags):
        return response  # JSON, not placeholders: what Rasa returns after its KeyError
    return _interpolate_text(response, values)


_resolve_event_type = Event.resolve_by_type
_EVENT_TYPES: dict[str, type[Event]] = {}


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _EVENT_TYPES.get(type_name)
    if known is not None:
        return known
    for cls in all_subclasses(Event):  # Rasa's own walk, so the first match is the same class
        if cls.type_name == type_name:
            _EVENT_TYPES[type_name] = cls
            return cls
    return _resolve_event_type(type_name, default)  # unknown: Rasa's answer (default or error)


_read_yaml = rasa_io.read_yaml
_validate_yaml_schema = rasa_validation.validate_yaml_schema
_PARSED: OrderedDict[str, Any] = OrderedDict()  # YAML text -> what the "safe" parser made of it
_VALID: set[tuple[str, str, str]] = set()  # (text, schema, package) that passed the check
_KEEP = 64  # texts remembered (the domain's files, the schemas, the training data's files)


def read_yaml(content: str, reader_type: str | list[str] = "safe") -> Any:
    if reader_type != "safe":
        return _read_yaml(content, reader_type)  # round-trip objects: not worth remembering
    parsed = _PARSED.get(content)
    if parsed is None:
        parsed = _read_yaml(content, reader_type)
        _PARSED[content] = parsed
        if len(_PARSED) > _KEEP:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(content)
    return copy.deepcopy(parsed)  # callers change what they get (Domain.from_dict pops keys)


_TRUSTED: list[bool] = []  # non-empty while a trained model's own domain is being loaded


def validate_yaml_schema(
    yaml_file_content: str, schema_path: str, package_name: str = rasa_validation.PACKAGE_NAME
) -> None:
    key = (yaml_file_content, schema_path, package_name)
    if _TRUSTED or key in _VALID:
        return
    _validate_yaml_schema(yaml_file_content, schema_path, package_name)  # raises if invalid
    _VALID.add(key)


_get_text_hash = rasa_io.get_text_hash
_short_md5 = functools.lru_cache(maxsize=1 << 16)(_get_text_hash)  # Rasa's own md5, remembered


def get_text_hash(text: str, encoding: str = rasa_io.DEFAULT_ENCODING) -> str:
    if len(text) > 64:  # containers' JSON, long texts: seldom twice, not worth keeping
        return _get_text_hash(text, encoding)
    return _short_md5(text, encoding)


_load_domain = DomainProvider.load.__func__  # type: ignore[attr-defined]


def load_domain(cls: type[DomainProvider], *args: Any, **kwargs: Any) -> DomainProvider:
    _TRUSTED.append(True)
    try:
        return _load_domain(cls, *args, **kwargs)
    finally:
        _TRUSTED.pop()


async def _retrieve(
    self: SQLTrackerStore, sender_id: str, fetch_events_from_all_sessions: bool
) -> DialogueStateTracker | None:
    """Rasa's SQLTrackerStore._retrieve, reading the `data` column instead of whole rows."""
    with self.session_scope() as session:
        query = self._event_query(
            session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
        )
        events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data).all()]
        if self.domain and len(events) > 0:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            if not fetch_events_from_all_sessions:
                # What `_additional_events` would count when this tracker is saved.
                key = id(tracker)
                forget = functools.partial(_forget_stored_count, key)
                _stored_counts[key] = (weakref.ref(tracker, forget), len(events))
            return tracker
        return None


# id(tracker) -> (the tracker, how many of its events are stored since the last session start),
# for trackers read by `_retrieve` and not saved yet.
_stored_counts: dict[int, tuple[weakref.ref[DialogueStateTracker], int]] = {}
_rasa_additional_events = SQLTrackerStore._additional_events


def _forget_stored_count(key: int, _gone: Any) -> None:
    """A tracker read and never saved (a read through the HTTP API) is forgotten when it goes."""
    _stored_counts.pop(key, None)


def _additional_events(self: SQLTrackerStore, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
    """Rasa's `_additional_events` without its count query for a tracker this process read:
    the events after the ones it was read with (the same number the query would count, since
    Rasa's lock store keeps every other writer of the conversation out until the tracker is
    saved). Once only: a second save, or a copy of the tracker, counts as Rasa does."""
    remembered = _stored_counts.pop(id(tracker), None)
    if remembered is None or remembered[0]() is not tracker:
        return _rasa_additional_events(self, session, tracker)
    return itertools.islice(tracker.events, remembered[1], len(tracker.events))


# Seconds an idle connection to an endpoint is kept for the next call: well under the action
# server's own keep-alive (rasa-sdk's 120 s), so the server never closes a connection this side is
# about to use.
KEEP_IDLE_SECONDS = 15.0


def _dumps(value: Any) -> str:
    """Request bodies as JSON, by ujson (Rasa's venv has it; about three times as fast as `json`
    on a tracker): the same JSON values, without escaping non-ASCII characters or "/"."""
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


class _Kept:
    """What `async with endpoint.session()` gets: the endpoint's session, left open afterwards."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_exc: object) -> None:
        return None


_kept: dict[int, tuple[endpoints.EndpointConfig, asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}
_rasa_session = endpoints.EndpointConfig.session


def _session(self: endpoints.EndpointConfig) -> Any:
    """Rasa's `EndpointConfig.session`, one per endpoint and event loop, kept open: Rasa opened
    a session, a connection and its TCP handshake for every action call and closed them again."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _rasa_session(self)
    kept = _kept.get(id(self))
    if kept is None or kept[0] is not self or kept[1] is not loop or kept[2].closed:
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_IDLE_SECONDS),
            json_serialize=_dumps,
        )
        kept = _kept[id(self)] = (self, loop, session)
    return _Kept(kept[2])


async def close_sessions() -> None:
    """Closes the kept sessions (the Rasa server does when it stops)."""
    while _kept:
        _, (_, loop, session) = _kept.popitem()
        if loop is asyncio.get_running_loop():
            await session.close()


_rasa_sql_init = SQLTrackerStore.__init__


def _sql_init(self: SQLTrackerStore, *args: Any, **kwargs: Any) -> None:
    """Rasa's SQLTrackerStore; a SQLite file's connections kept open, written ahead (WAL) and
    synced at checkpoints."""
    _rasa_sql_init(self, *args, **kwargs)
    url = self.engine.url
    if self.engine.dialect.name != "sqlite" or url.database in (None, "", ":memory:"):
        return
    self.engine.dispose()
    # SQLAlchemy 1.4 opened and closed a connection for every session (NullPool); 2.0's default
    # for a SQLite file is this pool. The connections are used by one session at a time.
    self.engine = sqlalchemy.create_engine(
        url, poolclass=sqlalchemy.pool.QueuePool, connect_args={"check_same_thread": False}
    )
    sqlalchemy.event.listen(self.engine, "connect", _sqlite_synchronous_normal)
    with self.engine.connect() as connection:  # the journal mode is kept in the file
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)


def _sqlite_synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def apply() -> None:
    """Idempotent: installs the cached validator, the interpolation shortcut, the event-type
    lookup, the parsed-YAML and md5 memories, the column-only tracker read, the save without a
    count, the kept endpoint sessions and SQLite's write-ahead log."""
    rasa_io.read_yaml = read_yaml
    rasa_io.get_text_hash = get_text_hash
    rasa_validation.validate_yaml_schema = validate_yaml_schema
    DomainProvider.load = classmethod(load_domain)  # type: ignore[method-assign,assignment]
    SQLTrackerStore._retrieve = _retrieve  # type: ignore[method-assign]
    SQLTrackerStore._additional_events = _additional_events  # type: ignore[method-assign]
    SQLTrackerStore.__init__ = _sql_init  # type: ignore[method-assign]
    endpoints.EndpointConfig.session = _session  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    interpolator.interpolate_text = interpolate_text
    Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign,assignment]
