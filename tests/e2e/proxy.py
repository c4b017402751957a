"""A TCP pass-through for end-to-end tests: it can cut the line (a database that stops
answering) and it notes which conversations went through it (which Rasa instance served whom).

It runs its own event loop in a thread, so a synchronous test drives it directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections import Counter
from concurrent.futures import Future
from typing import Any

from tests.e2e.stack import free_port

# How the gateway names the conversation in its JSON body to Rasa's relay channel.
_SENDER = re.compile(rb'"sender":\s*"([^"]{1,200})"')


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target_port`; `cut()` refuses and drops every connection."""

    def __init__(self, target_port: int, *, note_senders: bool = False) -> None:
        self.port = free_port()
        self.target_port = target_port
        self.note_senders = note_senders
        self.senders: Counter[str] = Counter()  # conversation id → requests seen
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def cut(self) -> None:
        """From now on the target is unreachable: new connections are refused, open ones dropped."""
        self._call(self._close())

    def restore(self) -> None:
        self._call(self._listen())

    def _call(self, coroutine: Any) -> None:
        future: Future[None] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        future.result(timeout=10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        self._open.update((client_writer, server_writer))
        await asyncio.gather(
            self._pipe(client_reader, server_writer, inbound=True),
            self._pipe(server_reader, client_writer, inbound=False),
        )
        self._open.difference_update((client_writer, server_writer))

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, inbound: bool
    ) -> None:
        tail = b""
        try:
            while chunk := await reader.read(65536):
                if inbound and self.note_senders:
                    window = tail + chunk
                    found = [m.group(1).decode(errors="replace") for m in _SENDER.finditer(window)]
                    with self._lock:
                        self.senders.update(found)
                    # Keep the end of the window in case a sender is split between reads, but
                    # not a match already counted.
                    last = max((m.end() for m in _SENDER.finditer(window)), default=0)
                    tail = window[max(last, len(window) - 256) :]
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
