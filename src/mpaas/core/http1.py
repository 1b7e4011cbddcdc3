"""A lean HTTP/1.1 client for webhooks: keep-alive connections per origin, h11 for the protocol.

Why not httpx2 (the design's choice for outbound HTTP): in the message pipeline benchmark its layers
(client, auth and redirect handling, transport, pool bookkeeping, response streaming) took 46% of the
event loop, for two callbacks per message. A webhook needs none of them: one request, a status code, the
body read and dropped, the connection kept for the next one. h11 (already under uvicorn) does the parsing,
so framing (Content-Length, chunked, connection close) is a maintained implementation's, not ours.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field

import h11

READ_CHUNK = 64 * 1024
MAX_RESPONSE_BYTES = 1 << 20  # a webhook answer is a status; more than this is not read


class HttpError(Exception):
    """Could not get an answer: refused, reset, timed out, or a malformed response."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    protocol: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))

    def close(self) -> None:
        self.writer.close()


class OriginPool:
    """Keep-alive connections to one scheme://host:port, at most `size` in use at once."""

    def __init__(self, scheme: str, host: str, port: int, size: int, timeout_seconds: float):
        if scheme not in ("http", "https"):
            raise HttpError(f"unsupported URL scheme {scheme!r}")
        self.scheme, self.host, self.port = scheme, host, port
        self.timeout_seconds = timeout_seconds
        self.gate = asyncio.Semaphore(size)
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if scheme == "https" else None
        default_port = 443 if scheme == "https" else 80
        self.host_header = host if port == default_port else f"{host}:{port}"
        if ":" in host and not host.startswith("["):  # an IPv6 literal
            self.host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"

    async def request(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> int:
        """Send one request and return the response's status code (the body is read and dropped)."""
        async with self.gate:
            while self._idle:
                conn = self._idle.pop()
                try:
                    return await self._exchange(conn, method, target, headers, body, reused=True)
                except _StaleConnection:
                    continue  # the server closed it while idle: nothing was received, try the next
            return await self._exchange(await self._open(), method, target, headers, body, reused=False)

    async def _open(self) -> _Connection:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                reader, writer = await asyncio.open_connection(self.host, self.port, ssl=self._ssl,
                                                               server_hostname=self.host if self._ssl else None)
        except (OSError, asyncio.TimeoutError, ssl.SSLError) as exc:
            raise HttpError(f"cannot connect to {self.host_header}: {exc!r}") from None
        return _Connection(reader, writer)

    async def _exchange(self, conn: _Connection, method: str, target: str, headers: list[tuple[str, str]],
                        body: bytes, *, reused: bool) -> int:
        request = h11.Request(method=method, target=target, headers=[
            ("Host", self.host_header), ("Content-Length", str(len(body))), *headers])
        received = False
        try:
            async with asyncio.timeout(self.timeout_seconds):
                p = conn.protocol
                conn.writer.write(p.send(request) + (p.send(h11.Data(data=body)) if body else b"")
                                  + p.send(h11.EndOfMessage()))
                await conn.writer.drain()
                status, size = None, 0
                while True:
                    event = p.next_event()
                    if event is h11.NEED_DATA:
                        data = await conn.reader.read(READ_CHUNK)
                        if data:
                            received = True
                        elif not received and reused:
                            raise _StaleConnection()
                        p.receive_data(data)
                    elif isinstance(event, h11.Response):
                        status = event.status_code
                    elif isinstance(event, h11.Data):
                        size += len(event.data)
                        if size > MAX_RESPONSE_BYTES:
                            raise HttpError(f"{self.host_header} answered with more than {MAX_RESPONSE_BYTES} bytes")
                    elif isinstance(event, h11.EndOfMessage):
                        break
                    elif isinstance(event, h11.ConnectionClosed):
                        raise HttpError(f"{self.host_header} closed the connection before answering")
        except _StaleConnection:
            conn.close()
            raise
        except (OSError, asyncio.TimeoutError, h11.ProtocolError, ssl.SSLError) as exc:
            conn.close()
            if reused and not received and not isinstance(exc, asyncio.TimeoutError):
                raise _StaleConnection() from None  # e.g. reset on write: the request never got through
            raise HttpError(f"{self.host_header}: {type(exc).__name__}: {exc}") from None
        except BaseException:
            conn.close()
            raise
        if p.our_state is h11.DONE and p.their_state is h11.DONE:
            p.start_next_cycle()
            self._idle.append(conn)
        else:  # the server wants to close (Connection: close, HTTP/1.0)
            conn.close()
        return status

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


class _StaleConnection(Exception):
    """A kept-alive connection the server had closed; the request was not received, so it is safe to resend."""
