"""The client's tests: one real server for the whole session (the blocking client needs a socket)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.live import LiveServer, start_live_server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, migrated_template) -> Iterator[LiveServer]:
    server, stop = start_live_server(tmp_path_factory, migrated_template)
    yield server
    stop()
