"""A lean HTTP/1.1 client for webhooks: keep-alive connections per origin, framing written here.

Why not httpx2 (the design's choice for outbound HTTP): in the message pipeline benchmark its layers
(client, auth and redirect handling, transport, pool bookkeeping, response streaming) took 46% of the
event loop, for two callbacks per message. A webhook needs none of them: one request, a status code, the
body read and dropped, the connection kept for the next one.

Why not h11 either (this module used it until the worker role was profiled alone): its event objects,
header validation and state machine were most of a delivery's CPU, about 45% of the webhook worker's time
under cProfile, in an in-process run of the delivery handler against a local receiver. What a webhook
client must get right is small: refuse CR, LF and NUL in anything it writes (header injection), and read a
response framed by Content-Length, chunked encoding or the connection's close, skipping 1xx interim
answers, with bounded sizes. That is what is here, and the tests cover each case.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from mpaas.core.egress import ALLOW_ALL, EgressPolicy, EgressRefused

log = logging.getLogger("mpaas.webhooks")
READ_CHUNK = 64 * 1024
MAX_RESPONSE_BYTES = 1 << 20  # a webhook answer is a status; more than this is not read
MAX_HEAD_BYTES = 64 * 1024  # status line and headers
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: [^\r\n]*)?")
_FORBIDDEN_IN_HEAD = re.compile(r"[\r\n\x00]")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(r"[\x21-\x7e]+")  # visible ASCII: no spaces, no controls


class HttpError(Exception):
    """Could not get an answer: refused, reset, timed out, or a malformed response."""


# The origin resolves to an address the egress policy refuses (core/egress.py): sending again will not help.
ForbiddenDestination = EgressRefused

# What a request came to (OriginPool.exchange_all): its status code or its error, and the seconds it took.
Outcome = tuple[int | Exception, float]
_NOT_SENT = HttpError("not sent")  # a placeholder, replaced in every slot before exchange_all returns


async def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`, from the loop's resolver (a thread: a lookup never blocks the loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class InvalidRequest(ValueError):
    """The request cannot be written safely (a control character in a header, a bad method or target):
    sending it again will not help."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    used: bool = False  # has carried a request: a close the server made since is not an error (_StaleConnection)

    def close(self) -> None:
        self.writer.close()


def request_head(method: str, target: str, host_header: str, headers: list[tuple[str, str]], body_length: int) -> bytes:
    """The request line and headers, refusing anything that could split the head (CR, LF, NUL) or is not
    a token where HTTP wants one. A route's credentials end up in Authorization, so this is user input."""
    _check_request_line(method, target)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host_header}", f"Content-Length: {body_length}"]
    for name, value in headers:
        # isprintable() is False for CR, LF and NUL (and for tabs and the like, which the search then allows):
        # the usual values, digits, ids and signatures, need no regex.
        if not _is_token(name) or (not value.isprintable() and _FORBIDDEN_IN_HEAD.search(value)):
            raise InvalidRequest(f"invalid header {name!r}: control characters are not allowed")
        lines.append(f"{name}: {value}")
    try:
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="strict")
    except UnicodeEncodeError:
        # A route's or webhook's credential with a character HTTP/1.1 cannot carry in a header (a token with
        # "€"): the request can never be sent, like one with a line break; not an error that escapes the batch.
        raise InvalidRequest("invalid header: characters outside ISO-8859-1 cannot be sent") from None


# A receiver's method, path and header names are the same for every event sent to it: checked once each.
@lru_cache(maxsize=1024)
def _check_request_line(method: str, target: str) -> None:
    if not _TOKEN.fullmatch(method):
        raise InvalidRequest(f"invalid HTTP method {method!r}")
    if not _TARGET.fullmatch(target):
        raise InvalidRequest(f"invalid request target {target!r}")


@lru_cache(maxsize=1024)
def _is_token(name: str) -> bool:
    return _TOKEN.fullmatch(name) is not None


@lru_cache(maxsize=256)
def _parsed_head(head: bytes) -> _Response:
    """A response head, parsed once for identical heads: a receiver answers every event alike, a Date header
    changing once a second (callgrind: parsing was an eighth of a callback's instructions). A malformed head
    raises HttpError, which is not cached. Responses are only read, never changed."""
    return _Response(head)


class _Response:
    """Status line and headers, parsed; what the framing of the body is."""

    def __init__(self, head: bytes):
        lines = head.split(b"\r\n")
        match = _STATUS_LINE.fullmatch(lines[0])
        if match is None:
            raise HttpError(f"malformed status line {lines[0][:80]!r}")
        self.http10 = match.group(1) == b"0"
        self.status = int(match.group(2))
        self.headers: dict[bytes, bytes] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(b":")
            if not sep or not name or name != name.strip():
                raise HttpError(f"malformed header line {line[:80]!r}")
            key = name.lower()
            value = value.strip()
            # Repeated headers join with commas (RFC 9110 5.3); only framing ones matter here.
            self.headers[key] = self.headers[key] + b", " + value if key in self.headers else value
        tokens = {t.strip().lower() for t in self.headers.get(b"connection", b"").split(b",")}
        self.persistent = b"keep-alive" in tokens if self.http10 else b"close" not in tokens

    def keep_alive(self) -> bool:
        return self.persistent


class OriginPool:
    """Keep-alive connections to one scheme://host:port, at most `size` in use at once."""

    def __init__(
        self, scheme: str, host: str, port: int, size: int, timeout_seconds: float, *, policy: EgressPolicy = ALLOW_ALL
    ):
        if scheme not in ("http", "https"):
            raise HttpError(f"unsupported URL scheme {scheme!r}")
        self.scheme, self.host, self.port = scheme, host, port
        self.timeout_seconds = timeout_seconds
        self.policy = policy  # the webhook sender passes the operator's; ALLOW_ALL is for unit use
        self.size = size
        self.gate = asyncio.Semaphore(size)
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if scheme == "https" else None
        default_port = 443 if scheme == "https" else 80
        self.host_header = host if port == default_port else f"{host}:{port}"
        if ":" in host and not host.startswith("["):  # an IPv6 literal
            self.host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"

    async def request(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> int:
        """Send one request and return the response's status code (the body is read and dropped). Raises
        InvalidRequest for a request that cannot be written safely, ForbiddenDestination for an origin that
        resolves to an address the egress policy refuses (before any connection is made), HttpError when no
        answer came."""
        head = self.head(method, target, headers, len(body))
        ((outcome, _seconds),) = await self.exchange_all([(method, head, body)])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def head(self, method: str, target: str, headers: list[tuple[str, str]], body_length: int) -> bytes:
        """A request's line and headers for this origin (request_head: raises InvalidRequest)."""
        return request_head(method, target, self.host_header, headers, body_length)

    async def exchange_all(self, requests: Sequence[tuple[str, bytes, bytes]]) -> list[Outcome]:
        """Send requests already framed, (method, head, body) each, and return each one's outcome in order: its
        status code or its error (HttpError, ForbiddenDestination), and the seconds it took.

        Up to the pool's size of connections carry them at once, each taking the next request when it has read
        the answer to its last: no task, semaphore wait or future per request. A task per request was about a
        fifth of a status callback's CPU (callgrind of a batch of 2,000 callbacks to a local receiver). Other
        callers share the connections: each lane holds one place in the pool's gate."""
        outcomes: list[Outcome] = [(_NOT_SENT, 0.0)] * len(requests)
        order = iter(range(len(requests)))

        async def lane() -> None:
            async with self.gate:
                conn: _Connection | None = None
                for i in order:
                    method, head, body = requests[i]
                    started = time.monotonic()
                    try:
                        status, conn = await self._send(conn, method, head, body)
                    except (HttpError, ForbiddenDestination) as exc:
                        outcomes[i] = (exc, time.monotonic() - started)
                        conn = None  # closed by _exchange, or never opened
                    else:
                        outcomes[i] = (status, time.monotonic() - started)
                if conn is not None:
                    self._idle.append(conn)

        lanes = min(len(requests), self.size)
        if lanes == 1:
            await lane()
        else:
            await asyncio.gather(*(lane() for _ in range(lanes)))
        return outcomes

    async def _send(
        self, conn: _Connection | None, method: str, head: bytes, body: bytes
    ) -> tuple[int, _Connection | None]:
        """One exchange on `conn`, a kept-alive one, or a new one; the status, and the connection if it can carry
        the next request. A kept connection the server had closed is replaced: nothing was received, so the
        request is sent again."""
        while True:
            if conn is None:
                conn = self._idle.pop() if self._idle else await self._open()
            try:
                status, reusable = await self._exchange(conn, method, head, body, reused=conn.used)
            except _StaleConnection:
                conn = None
                continue
            conn.used = True
            return status, conn if reusable else None

    async def _open(self) -> _Connection:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                address = await self._checked_address()
                reader, writer = await asyncio.open_connection(
                    address,
                    self.port,
                    ssl=self._ssl,
                    server_hostname=self.host if self._ssl else None,
                    limit=MAX_HEAD_BYTES,
                )
        except (TimeoutError, OSError, ssl.SSLError) as exc:
            raise HttpError(f"cannot connect to {self.host_header}: {exc!r}") from None
        return _Connection(reader, writer)

    async def _checked_address(self) -> str:
        """The address to connect to: the host is resolved once per connection, every address it has must be
        permitted by the egress policy, and the connection goes to the address that was checked. (Checking
        one lookup and connecting by name would do a second: a name that answers a public address first and
        a private one next, DNS rebinding, would get through.)"""
        addresses = await resolve(self.host, self.port)
        try:
            return self.policy.check(addresses)
        except EgressRefused:
            # The operator's log says what was refused (the tenant's attempt does not): a receiver of yours that
            # MPAAS_EGRESS_ALLOW should open shows here.
            log.warning("egress refused: %s resolves to %s", self.host, ", ".join(addresses))
            raise

    async def _exchange(
        self, conn: _Connection, method: str, head: bytes, body: bytes, *, reused: bool
    ) -> tuple[int, bool]:
        """The status, and whether the connection can carry the next request (if not, it is closed)."""
        received = False
        try:
            async with asyncio.timeout(self.timeout_seconds):
                conn.writer.write(head + body if len(body) < READ_CHUNK else head)
                if len(body) >= READ_CHUNK:
                    conn.writer.write(body)
                await conn.writer.drain()
                while True:
                    try:
                        raw = await conn.reader.readuntil(b"\r\n\r\n")
                    except asyncio.IncompleteReadError as exc:
                        if not exc.partial and not received and reused:
                            raise _StaleConnection() from None
                        raise HttpError(f"{self.host_header} closed the connection before answering") from None
                    received = True
                    response = _parsed_head(raw[:-4])
                    if 100 <= response.status < 200 and response.status != 101:
                        continue  # interim (100 Continue, 103 Early Hints): the answer follows
                    break
                reusable = await self._read_body(conn.reader, response, method)
        except _StaleConnection:
            conn.close()
            raise
        except (
            TimeoutError,
            OSError,
            ssl.SSLError,
            asyncio.LimitOverrunError,
            asyncio.IncompleteReadError,
            ValueError,
        ) as exc:
            conn.close()
            if reused and not received and not isinstance(exc, asyncio.TimeoutError):
                raise _StaleConnection() from None  # e.g. reset on write: the request never got through
            raise HttpError(f"{self.host_header}: {type(exc).__name__}: {exc}") from None
        except BaseException:
            conn.close()
            raise
        if not reusable:
            conn.close()
        return response.status, reusable

    async def _read_body(self, reader: asyncio.StreamReader, response: _Response, method: str) -> bool:
        """Read and drop the body; returns whether the connection can carry the next request."""
        if method == "HEAD" or response.status in (204, 304) or response.status < 200:
            return response.keep_alive() and response.status != 101
        encoding = response.headers.get(b"transfer-encoding")
        if encoding is not None:
            if encoding.split(b",")[-1].strip().lower() != b"chunked":
                await self._drain_until_close(reader)  # framed by the close (RFC 9112 6.3)
                return False
            size = 0
            while True:
                line = await reader.readuntil(b"\r\n")
                chunk = int(line.split(b";", 1)[0].strip(), 16)  # ValueError if garbled: an error above
                if chunk < 0:
                    raise HttpError(f"{self.host_header} sent a negative chunk size")
                if chunk == 0:
                    while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the end
                        pass
                    return response.keep_alive()
                size += chunk
                if size > MAX_RESPONSE_BYTES:
                    raise HttpError(f"{self.host_header} answered with more than {MAX_RESPONSE_BYTES} bytes")
                await reader.readexactly(chunk + 2)
        length = response.headers.get(b"content-length")
        if length is not None:
            values = {v.strip() for v in length.split(b",")}
            if len(values) != 1 or not next(iter(values)).isdigit():
                raise HttpError(f"{self.host_header} sent an invalid Content-Length {length[:40]!r}")
            n = int(next(iter(values)))
            if n > MAX_RESPONSE_BYTES:
                raise HttpError(f"{self.host_header} answered with more than {MAX_RESPONSE_BYTES} bytes")
            if n:
                await reader.readexactly(n)
            return response.keep_alive()
        await self._drain_until_close(reader)
        return False

    async def _drain_until_close(self, reader: asyncio.StreamReader) -> None:
        size = 0
        while data := await reader.read(READ_CHUNK):
            size += len(data)
            if size > MAX_RESPONSE_BYTES:
                raise HttpError(f"{self.host_header} answered with more than {MAX_RESPONSE_BYTES} bytes")

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


class _StaleConnection(Exception):
    """A kept-alive connection the server had closed; the request was not received, so it is safe to resend."""
