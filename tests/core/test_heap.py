"""The startup heap frozen once per process (core/http/heap.py), by the app's edge once its lifespan has started
(core/http/server.py HttpEdge), before the server is told the app is ready."""

from __future__ import annotations

import gc

import pytest

from mpaas.core.http import heap
from mpaas.core.http.server import HttpEdge


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """gc.collect and gc.freeze as recorded calls, and the process not frozen yet."""
    made: list[str] = []
    monkeypatch.setattr(heap, "_frozen", False)
    monkeypatch.setattr(gc, "collect", lambda *a: made.append("collect"))
    monkeypatch.setattr(gc, "freeze", lambda: made.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: made.append(f"threshold {t}"))
    return made


def test_collects_then_freezes_once_per_process(calls):
    assert heap.freeze_startup_heap() is True
    assert heap.freeze_startup_heap() is False
    assert calls == ["collect", "freeze", f"threshold {heap.THRESHOLDS}"]


async def test_the_edge_freezes_when_the_startup_completes_before_the_server_hears_of_it(calls):
    async def app(scope, receive, send):
        assert scope["type"] == "lifespan"
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})

    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive():
        return incoming.pop(0)

    async def send(message):
        calls.append(message["type"])

    await HttpEdge(app)({"type": "lifespan"}, receive, send)
    assert calls == [
        "collect",
        "freeze",
        f"threshold {heap.THRESHOLDS}",
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]


async def test_requests_freeze_nothing(calls):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": "/x", "raw_path": b"/x"}
    await HttpEdge(app, max_body_bytes=0)({**scope, "query_string": b"", "headers": []}, receive, send)
    assert calls == []
