"""The request to a URL route's `VoiceUrl`: signed like every webhook, through the egress policy, answered within
a deadline, and its answer's body read (a webhook's is dropped).

Why not the webhook sender as it is: it returns a status and drops the body, and the VoiceUrl's answer is the
routing instruction. So this reuses its parts (the target's method and authentication, the signature recipe, URL
parsing, core/http/client.py's keep-alive pools with the egress check made after resolution and the connection made
to the checked address) and reads the body of the answer, up to `MAX_ANSWER_BYTES`.

One client per process and event loop (`client_for`): a keep-alive pool per origin, so a customer's VoiceUrl is
asked over a kept-open connection call after call (the question sits inside the INVITE's routing decision)."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlencode

from mpaas.core.egress import EgressPolicy
from mpaas.core.http.client import ForbiddenDestination, HttpError, InvalidRequest, OriginPool
from mpaas.core.http.webhook_sender import (
    _COMPACT_JSON,
    WebhookTarget,
    _auth_header,
    _destination,
    signatures,
)

# An instruction is a few hundred bytes; an answer larger than this is refused as a bad answer.
MAX_ANSWER_BYTES = 64 * 1024
# Requests in flight to one VoiceUrl origin at once (a pool's connections).
PER_ORIGIN = 16

_SINK: ContextVar[bytearray | None] = ContextVar("mpaas_voice_url_answer", default=None)


class AnswerTooLarge(HttpError):
    """The answer's body is larger than MAX_ANSWER_BYTES."""


class VoiceUrlRefused(Exception):
    """The egress policy refuses the VoiceUrl's destination, or the request cannot be written (a control character
    in the route's credentials, a malformed URL): nothing was sent."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


class _AnswerPool(OriginPool):
    """An origin pool that keeps the body of the answer (in the calling task's sink) instead of dropping it."""

    async def _read_body(self, reader: asyncio.StreamReader, response, method: str) -> bool:
        sink = _SINK.get()
        if sink is None:  # not asked through VoiceUrlClient.ask: drop it, as the base class does
            return await super()._read_body(reader, response, method)
        if method == "HEAD" or response.status in (204, 304) or response.status < 200:
            return response.keep_alive() and response.status != 101
        encoding = response.headers.get(b"transfer-encoding")
        if encoding is not None:
            if encoding.split(b",")[-1].strip().lower() != b"chunked":
                await self._until_close(reader, sink)
                return False
            while True:
                line = await reader.readuntil(b"\r\n")
                size = int(line.split(b";", 1)[0].strip(), 16)  # ValueError if garbled: an HttpError above
                if size < 0:
                    raise HttpError(f"{self.host_header} sent a negative chunk size")
                if size == 0:
                    while await reader.readuntil(b"\r\n") != b"\r\n":
                        pass
                    return response.keep_alive()
                if len(sink) + size > MAX_ANSWER_BYTES:
                    raise AnswerTooLarge(f"{self.host_header} answered with more than {MAX_ANSWER_BYTES} bytes")
                sink += (await reader.readexactly(size + 2))[:-2]
        length = response.headers.get(b"content-length")
        if length is not None:
            values = {v.strip() for v in length.split(b",")}
            if len(values) != 1 or not next(iter(values)).isdigit():
                raise HttpError(f"{self.host_header} sent an invalid Content-Length {length[:40]!r}")
            n = int(next(iter(values)))
            if n > MAX_ANSWER_BYTES:
                raise AnswerTooLarge(f"{self.host_header} answered with more than {MAX_ANSWER_BYTES} bytes")
            if n:
                sink += await reader.readexactly(n)
            return response.keep_alive()
        await self._until_close(reader, sink)
        return False

    async def _until_close(self, reader: asyncio.StreamReader, sink: bytearray) -> None:
        while data := await reader.read(MAX_ANSWER_BYTES + 1):
            sink += data
            if len(sink) > MAX_ANSWER_BYTES:
                raise AnswerTooLarge(f"{self.host_header} answered with more than {MAX_ANSWER_BYTES} bytes")


class VoiceUrlClient:
    """Keep-alive pools per VoiceUrl origin, under one egress policy."""

    def __init__(self, policy: EgressPolicy, per_origin: int = PER_ORIGIN) -> None:
        self.policy = policy
        self.per_origin = per_origin
        self._pools: dict[tuple[str, str, int], _AnswerPool] = {}

    def _pool(self, scheme: str, host: str, port: int, timeout: float) -> _AnswerPool:
        key = (scheme, host, port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _AnswerPool(scheme, host, port, self.per_origin, timeout, policy=self.policy)
        pool.timeout_seconds = timeout  # the setting as it is now
        return pool

    async def ask(
        self,
        target: WebhookTarget,
        payload: dict,
        *,
        signing_secret: str | tuple[str, ...],
        event_id: str,
        timestamp: int,
        timeout: float,
    ) -> Answer:
        """Send `payload` to the VoiceUrl as a webhook is sent (docs/webhooks.md: X-Mpaas-Timestamp,
        X-Mpaas-Event-Id, X-Mpaas-Signature over the body, or over the query string of a GET) and return its answer
        within `timeout` seconds in all (waiting for a pool's connection included). Raises TimeoutError, HttpError
        (no answer: refused, reset, malformed, too large) or VoiceUrlRefused."""
        try:
            scheme, host, port, path, url_query = _destination(target.url)
        except Exception as exc:  # WebhookForbidden: not an http(s) URL, a bad port or host
            raise VoiceUrlRefused(str(exc)) from None
        ts = str(timestamp)
        headers = [
            ("X-Mpaas-Timestamp", ts),
            ("X-Mpaas-Event-Id", event_id),
            ("User-Agent", "mpaas-voice/1"),
            ("Accept", "application/json"),
            *_auth_header(target).items(),
        ]
        method = (target.method or "POST").upper()
        if method == "GET":
            query = urlencode({k: "" if v is None else v for k, v in payload.items()})
            headers.append(("X-Mpaas-Signature", signatures(signing_secret, ts, query.encode())))
            path_and_query, body = (f"{path}?{url_query}&{query}" if url_query else f"{path}?{query}"), b""
        else:
            body = _COMPACT_JSON.encode(payload).encode()
            headers += [
                ("Content-Type", "application/json"),
                ("X-Mpaas-Signature", signatures(signing_secret, ts, body)),
            ]
            path_and_query = f"{path}?{url_query}" if url_query else path
        sink = bytearray()
        token = _SINK.set(sink)
        try:
            async with asyncio.timeout(timeout):
                status = await self._pool(scheme, host, port, timeout).request(method, path_and_query, headers, body)
        except ForbiddenDestination:
            raise VoiceUrlRefused("refused by the egress policy (MPAAS_EGRESS_ALLOW)") from None
        except (InvalidRequest, UnicodeError) as exc:  # a header that cannot be written (not Latin-1, a line break)
            raise VoiceUrlRefused(f"the request cannot be written: {exc}") from None
        finally:
            _SINK.reset(token)
        return Answer(status, bytes(sink))

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


# One client per event loop (a pool's connections and semaphore belong to the loop that made them) and policy. Not
# a WeakKeyDictionary: a client's connections refer to their loop, so the loop would never be collected. The clients
# of loops that were closed (one per test, say) are dropped when the next loop asks: their sockets close with them.
_CLIENTS: dict[asyncio.AbstractEventLoop, dict[str, VoiceUrlClient]] = {}


def client_for(policy: EgressPolicy) -> VoiceUrlClient:
    """This process's client (for the running event loop) under `policy`."""
    loop = asyncio.get_running_loop()
    per_loop = _CLIENTS.get(loop)
    if per_loop is None:
        for closed in [other for other in _CLIENTS if other.is_closed()]:
            del _CLIENTS[closed]
        per_loop = _CLIENTS[loop] = {}
    client = per_loop.get(policy.spec)
    if client is None or client.policy != policy:
        client = per_loop[policy.spec] = VoiceUrlClient(policy)
    return client
