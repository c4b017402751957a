from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One running installation for the whole session (Rasa takes 10-30 s to start)."""
    running = Stack(tmp_path_factory.mktemp("var")).start()
    try:
        yield running
    finally:
        running.stop()
