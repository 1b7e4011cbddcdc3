"""The app's one ASGI layer (`HttpEdge`, core/http/server.py, issue 20): body cap, query limits, egress policy and
case-insensitive routing in one call frame, in that order. Their behaviour through the whole app is tested in
test_body_limit.py, test_hostile_input.py, test_egress.py, test_text_json.py and test_http.py."""

from __future__ import annotations

import pytest

from mpaas.app import create_app
from mpaas.core.egress import SAVE_POLICY, EgressPolicy
from mpaas.core.http.server import HttpEdge

POLICY = EgressPolicy.parse("loopback")


def _scope(**extra) -> dict:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/x",
        "raw_path": b"/x",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        **extra,
    }


class Recorder:
    def __init__(self):
        self.calls: list[dict] = []

    async def __call__(self, scope, receive, send):
        body = b""
        if scope["type"] == "http":
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        self.calls.append({"scope": scope, "receive": receive, "policy": SAVE_POLICY.get(), "body": body})


async def _call(edge, scope, chunks=(b"",)):
    pending = list(chunks)
    sent = []

    async def receive():
        body = pending.pop(0) if pending else b""
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    await edge(scope, receive, send)
    return receive, sent


def test_the_app_has_one_middleware_of_its_own(settings):
    app = create_app(settings, run_workers=False)
    assert [m.cls for m in app.user_middleware] == [HttpEdge]


@pytest.mark.parametrize("kind", ["http", "lifespan"])
async def test_the_egress_policy_is_set_while_the_app_runs_and_reset_after(kind):
    inner = Recorder()
    edge = HttpEdge(inner, policy=POLICY)
    await _call(edge, _scope() if kind == "http" else {"type": "lifespan"})
    assert inner.calls[0]["policy"] is POLICY
    assert SAVE_POLICY.get() is None


async def test_a_length_over_the_cap_is_refused_before_the_query_is_judged():
    inner = Recorder()
    edge = HttpEdge(inner, max_body_bytes=10)
    scope = _scope(headers=[(b"content-length", b"11")], query_string=b"a=%00")
    _, sent = await _call(edge, scope)
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
    assert not inner.calls
    _, sent = await _call(edge, _scope(headers=[(b"content-length", b"10")], query_string=b"a=%00"))
    assert sent[0]["status"] == 400 and not inner.calls


async def test_a_body_of_known_length_reaches_the_app_unwrapped_and_a_chunked_one_is_counted():
    inner = Recorder()
    edge = HttpEdge(inner, max_body_bytes=10)
    receive, _ = await _call(edge, _scope(headers=[(b"content-length", b"4")]), [b"abcd"])
    assert inner.calls[-1]["receive"] is receive and inner.calls[-1]["body"] == b"abcd"
    receive, _ = await _call(edge, _scope(method="GET"))  # neither length nor Transfer-Encoding: no body
    assert inner.calls[-1]["receive"] is receive
    chunked = _scope(headers=[(b"transfer-encoding", b"chunked")])
    receive, sent = await _call(edge, chunked, [b"123456", b"78"])
    assert inner.calls[-1]["receive"] is not receive and inner.calls[-1]["body"] == b"12345678"
    assert sent[0]["status"] == 204
    calls = len(inner.calls)
    _, sent = await _call(edge, chunked, [b"123456", b"78901"])
    assert sent[0]["status"] == 413 and len(inner.calls) == calls  # the app never got past the cap


async def test_without_http1_framing_every_body_is_counted():
    inner = Recorder()
    edge = HttpEdge(inner, max_body_bytes=10)
    _, sent = await _call(edge, _scope(http_version="2"), [b"123456", b"78901"])
    assert sent[0]["status"] == 413
    _, sent = await _call(edge, _scope(headers=[(b"content-length", b"x")]), [b"123456", b"78901"])
    assert sent[0]["status"] == 413
