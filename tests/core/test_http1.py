"""The webhook HTTP/1.1 client against a raw asyncio server: keep-alive reuse, framing (Content-Length,
chunked, close-delimited), a kept connection the server closed, timeouts, refusals, GET targets."""

from __future__ import annotations

import asyncio

import pytest

from mpaas.core.http.client import HttpError, InvalidRequest, OriginPool


class RawServer:
    """Answers each request with `reply(request_bytes)` (raw bytes, or None to stay silent)."""

    def __init__(self, reply):
        self.reply = reply
        self.connections = 0
        self.requests: list[bytes] = []
        self.close_after_each = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                answer = self.reply(request)
                if answer is None:
                    await asyncio.sleep(3600)
                writer.write(answer)
                await writer.drain()
                if self.close_after_each:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self.server.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"


async def test_keeps_one_connection_alive_across_requests():
    async with RawServer(lambda _: OK) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 4, 5.0)
        statuses = [await pool.request("POST", "/hook", [("X-A", "1")], b'{"n":%d}' % i) for i in range(5)]
        pool.close()
    assert statuses == [200] * 5 and server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /hook HTTP/1.1\r\n")
    assert f"host: 127.0.0.1:{server.port}".encode() in first.lower() and first.endswith(b'{"n":0}')


async def test_concurrency_is_bounded_by_the_pool_size():
    async with RawServer(lambda _: OK) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 3, 5.0)
        assert await asyncio.gather(*(pool.request("POST", "/", [], b"x") for _ in range(30))) == [200] * 30
        pool.close()
    assert server.connections <= 3


@pytest.mark.parametrize(
    "answer,status",
    [
        (b"HTTP/1.1 204 No Content\r\n\r\n", 204),
        (b"HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nfail\r\n0\r\n\r\n", 500),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200),
    ],
)
async def test_reads_each_framing_and_reuses_the_connection(answer, status):
    async with RawServer(lambda _: answer) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 5.0)
        assert [await pool.request("POST", "/", [], b"") for _ in range(2)] == [status, status]
        pool.close()
    assert server.connections == 1


async def test_a_close_delimited_answer_closes_and_the_next_request_reconnects():
    answer = b"HTTP/1.0 200 OK\r\n\r\nbye"
    async with RawServer(lambda _: answer) as server:
        server.close_after_each = True
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 5.0)
        assert [await pool.request("GET", "/?a=1", [], b"") for _ in range(2)] == [200, 200]
        pool.close()
    assert server.connections == 2
    assert server.requests[0].startswith(b"GET /?a=1 HTTP/1.1\r\n")


async def test_a_kept_connection_the_server_closed_is_replaced_without_an_error():
    async with RawServer(lambda _: OK) as server:
        server.close_after_each = True  # but says nothing: the client believes the connection is kept
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 5.0)
        assert await pool.request("POST", "/", [], b"1") == 200
        await asyncio.sleep(0.05)
        assert await pool.request("POST", "/", [], b"2") == 200
        pool.close()
    assert server.connections == 2 and len(server.requests) == 2


async def test_a_silent_server_times_out():
    async with RawServer(lambda _: None) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 0.3)
        with pytest.raises(HttpError, match="TimeoutError"):
            await pool.request("POST", "/", [], b"")
        pool.close()


async def test_a_refused_connection_and_a_garbled_answer_are_errors():
    async with RawServer(lambda _: b"NONSENSE\r\n\r\n") as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 2.0)
        with pytest.raises(HttpError):
            await pool.request("POST", "/", [], b"")
        pool.close()
    refused = OriginPool("http", "127.0.0.1", server.port, 1, 2.0)  # the server is gone
    with pytest.raises(HttpError, match="cannot connect"):
        await refused.request("POST", "/", [], b"")
    with pytest.raises(HttpError, match="scheme"):
        OriginPool("ftp", "127.0.0.1", 21, 1, 1.0)


async def test_interim_answers_are_skipped_and_connection_close_is_honoured():
    answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    async with RawServer(lambda _: answer) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 5.0)
        assert [await pool.request("POST", "/", [], b"x") for _ in range(2)] == [201, 201]
        pool.close()
    assert server.connections == 2  # the server said close: the next request opened a new connection


async def test_an_http10_answer_without_keep_alive_is_not_reused():
    async with RawServer(lambda _: b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}") as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 5.0)
        assert [await pool.request("POST", "/", [], b"") for _ in range(2)] == [200, 200]
        pool.close()
    assert server.connections == 2


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",  # more than a webhook answer may be
        b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n{}",  # conflicting lengths
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  # a garbled chunk size
        b"HTTP/1.1 200 OK\r\n" + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",  # a head over 64 KiB
    ],
)
async def test_oversized_or_malformed_answers_are_errors(answer):
    async with RawServer(lambda _: answer) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 2.0)
        with pytest.raises(HttpError):
            await pool.request("POST", "/", [], b"")
        pool.close()


@pytest.mark.parametrize(
    "method,target,headers",
    [
        ("POST", "/", [("Authorization", "Bearer x\r\nX-Injected: 1")]),  # a line break in a route's token
        ("POST", "/", [("Bad Name", "v")]),
        ("POST", "/", [("Authorization", "Bearer price-in-€")]),  # a header cannot carry it (not Latin-1)
        ("POST", "/a b", []),
        ("PO ST", "/", []),
    ],
)
async def test_requests_that_could_split_the_head_are_refused_before_sending(method, target, headers):
    async with RawServer(lambda _: OK) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 1, 2.0)
        with pytest.raises(InvalidRequest):
            await pool.request(method, target, headers, b"")
        pool.close()
    assert server.requests == []


async def test_exchange_all_answers_in_order_through_the_pool_and_one_failure_stays_its_own():
    """Requests sent together share the pool's connections (never more than its size); each gets its own
    outcome, in order: a request the server answers with garbage is an HttpError, the rest still go."""

    def reply(request: bytes) -> bytes:
        if b"/bad" in request.split(b"\r\n")[0]:
            return b"garbage\r\n\r\n"
        return b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"

    async with RawServer(reply) as server:
        pool = OriginPool("http", "127.0.0.1", server.port, 3, 5.0)
        requests = [("POST", pool.head("POST", "/bad" if i == 4 else f"/ok{i}", [], 1), b"x") for i in range(12)]
        outcomes = await pool.exchange_all(requests)
        assert [o for o, _ in outcomes[:4]] == [201] * 4
        assert isinstance(outcomes[4][0], HttpError)
        assert [o for o, _ in outcomes[5:]] == [201] * 7
        assert all(seconds >= 0 for _, seconds in outcomes)
        # a lane whose connection failed opens another; the pool keeps at most its size
        assert 3 <= server.connections <= 4 and len(pool._idle) <= 3
        again = await pool.exchange_all([("POST", pool.head("POST", "/ok", [], 1), b"y")])
        assert again[0][0] == 201
        pool.close()
    targets = [request.split(b" ")[1] for request in server.requests]
    assert sorted(targets) == sorted([b"/bad", b"/ok", *(b"/ok%d" % i for i in range(12) if i != 4)])


async def test_a_malformed_answer_is_not_remembered_and_alike_answers_are_parsed_once():
    from mpaas.core.http import client

    for _ in range(2):
        with pytest.raises(HttpError):
            client._parsed_head(b"HTTP/1.1 2x0 OK")
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 2"
    assert client._parsed_head(head) is client._parsed_head(bytes(head))
    assert (
        client._parsed_head(head).keep_alive() and not client._parsed_head(head + b"\r\nConnection: close").keep_alive()
    )
