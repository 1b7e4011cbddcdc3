"""Outbound webhook requests: route method and auth, HMAC-SHA256 signature, one pooled client.

Signature recipe (docs/webhooks.md): `X-Mpaas-Signature: sha256=<hex>` where the hex is
HMAC-SHA256(account signing secret, f"{X-Mpaas-Timestamp}.{signed content}") and the signed content is
the raw request body for POST/PUT, or the raw query string for GET. During the grace period after a rotation
of the secret, the header carries one signature per valid secret, comma-separated, the newest first.

Where a request may go is the egress policy's call (core/egress.py), checked per connection by the client.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, urlencode, urlsplit

from mpaas.core.egress import REFUSED, EgressPolicy
from mpaas.core.http.client import ForbiddenDestination, HttpError, InvalidRequest, OriginPool, request_head

# Refused, reset, timed out: the receiver may come back, so the delivery is retried.
WebhookUnreachable = HttpError


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    method: str = "POST"
    auth_type: str | None = None  # None | Basic | Bearer | Token
    username: str | None = None
    password_or_token: str | None = None


class WebhookRejected(Exception):
    """The receiver answered, but not with 2xx; worth retrying later."""

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.status_code = status_code


class WebhookForbidden(Exception):
    """The request cannot be sent (a malformed URL, a control character in a header); retrying will not help."""


class WebhookRefused(WebhookForbidden):
    """The egress policy refuses the destination (core/egress.py). Nothing was sent and no connection was
    made; the message is the same for every refused destination, so an attempt a tenant reads tells nothing
    about the addresses its URL resolves to or what listens there."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


USER_AGENT = "mpaas-webhooks/1"
# json.dumps with any non-default argument builds a new encoder per call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def sign(secret: str, timestamp: str, content: bytes) -> str:
    mac = _keyed(secret).copy()  # HMAC-SHA256(secret, timestamp + "." + content)
    mac.update(timestamp.encode() + b"." + content)
    return "sha256=" + mac.hexdigest()


def signatures(secrets: str | tuple[str, ...], timestamp: str, content: bytes) -> str:
    """The X-Mpaas-Signature value: `sha256=<hex>` per secret, comma-separated (docs/webhooks.md)."""
    if isinstance(secrets, str):
        return sign(secrets, timestamp, content)
    if len(secrets) == 1:  # an account's usual case: no rotation in its grace period
        return sign(secrets[0], timestamp, content)
    return ", ".join(sign(secret, timestamp, content) for secret in secrets)


@lru_cache(maxsize=1024)
def _keyed(secret: str) -> hmac.HMAC:
    """The HMAC with the account's key already absorbed: keying (two digest blocks) was most of signing."""
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


@lru_cache(maxsize=4096)
def _destination(url: str) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, path, query) of a webhook URL, parsed once per URL: every event to a receiver
    parsed the same string again."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise WebhookForbidden(f"{url} is not an http(s) URL")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise WebhookForbidden(f"{url} has an invalid port") from None
    try:
        host = host.encode("idna").decode("ascii")  # an internationalized name goes to DNS and Host as xn--
    except UnicodeError:
        raise WebhookForbidden(f"{url} has an invalid host name") from None
    return scheme, host, port, _percent_encoded(parts.path or "/"), _percent_encoded(parts.query)


def _percent_encoded(text: str) -> str:
    """`text` with every character outside visible ASCII percent-encoded (UTF-8), as a browser sends an IRI
    such as `/hooks/café`: a request target is ASCII. Characters already valid are left as they are, so a
    URL that was sendable before is sent byte for byte the same."""
    if text.isascii() and text.isprintable() and " " not in text:
        return text
    return "".join(ch if "!" <= ch <= "~" else quote(ch, safe="") for ch in text)


def to_xml(payload: dict, root: str = "Event") -> bytes:
    """`{"A": 1, "B": {"C": [2, 3]}}` -> `<Event><A>1</A><B><C><Item>2</Item><Item>3</Item></C></B></Event>`."""
    from xml.sax.saxutils import escape

    def element(name: str, value) -> str:
        if isinstance(value, dict):
            inner = "".join(element(k, v) for k, v in value.items())
        elif isinstance(value, list):
            inner = "".join(element("Item", v) for v in value)
        elif value is None:
            return f"<{name}/>"
        elif isinstance(value, bool):
            inner = "true" if value else "false"
        else:
            inner = escape(str(value))
        return f"<{name}>{inner}</{name}>"

    return ('<?xml version="1.0" encoding="UTF-8"?>' + element(root, payload)).encode()


def _auth_header(target: WebhookTarget) -> dict[str, str]:
    kind = (target.auth_type or "None").lower()
    if kind == "basic" and target.username is not None:
        raw = f"{target.username}:{target.password_or_token or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}
    if kind in ("bearer", "token") and target.password_or_token:
        return {"Authorization": f"Bearer {target.password_or_token}"}
    return {}


class Delivery(NamedTuple):
    """One event for WebhookSender.send_all (the arguments of `send`). A tuple, cheap to build for each event."""

    target: WebhookTarget
    payload: dict
    signing_secret: str | tuple[str, ...]
    event_id: str
    timestamp: int
    data_format: str = "json"


def _judged(target: WebhookTarget, answer: int | Exception) -> int | Exception:
    """What an exchange's outcome means for a webhook: a 2xx status, or the error send() raises."""
    if isinstance(answer, ForbiddenDestination):  # never says which address was refused (WebhookRefused)
        return WebhookRefused()
    if isinstance(answer, Exception):
        return answer  # HttpError, which is WebhookUnreachable
    if not 200 <= answer < 300:
        return WebhookRejected(f"{target.url} answered {answer}", answer)
    return answer


@lru_cache(maxsize=1024)
def _fixed_head(
    host_header: str, method: str, target: str, destination: WebhookTarget, content_type: str
) -> tuple[str, str]:
    """The parts of a signed request's head that every event to one destination shares, around the lines of its
    own (Content-Length, X-Mpaas-Timestamp, X-Mpaas-Event-Id; X-Mpaas-Signature last): the request line and Host,
    then User-Agent, Authorization and Content-Type. Checked once by request_head (InvalidRequest, not cached),
    and the head comes out byte for byte as request_head writes it: building it line by line for every event
    was a tenth of sending one."""
    fixed = [("User-Agent", USER_AGENT), *_auth_header(destination).items(), ("Content-Type", content_type)]
    request_head(method, target, host_header, fixed, 0)
    middle = "".join(f"{name}: {value}\r\n" for name, value in fixed)
    return f"{method} {target} HTTP/1.1\r\nHost: {host_header}\r\n", middle


class WebhookSender:
    """A small keep-alive pool per destination origin, with bounded concurrency: one slow receiver cannot
    take every connection (core/http/client.py says why this is not httpx2)."""

    def __init__(
        self, timeout_seconds: float = 10.0, policy: EgressPolicy | None = None, per_destination: int = 8
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.per_destination = per_destination
        self.policy = policy if policy is not None else EgressPolicy()  # public addresses only, unless told
        self._pools: dict[tuple[str, str, int], OriginPool] = {}

    def _pool(self, scheme: str, host: str, port: int) -> OriginPool:
        key = (scheme, host, port)
        if key not in self._pools:
            self._pools[key] = OriginPool(
                scheme, host, port, self.per_destination, self.timeout_seconds, policy=self.policy
            )
        return self._pools[key]

    async def send(
        self,
        target: WebhookTarget,
        payload: dict,
        *,
        signing_secret: str | tuple[str, ...],
        event_id: str,
        timestamp: int,
        data_format: str = "json",
    ) -> int:
        """Deliver one event; returns the 2xx status. Raises WebhookRejected (other status),
        WebhookUnreachable (no answer), WebhookRefused (the egress policy refuses the destination) or
        WebhookForbidden (the request cannot be sent). `signing_secret` may be several secrets (the current one
        first, then one rotated out but still in its grace period): one signature for each, comma-separated."""
        ((outcome, _seconds),) = await self.send_all(
            [Delivery(target, payload, signing_secret, event_id, timestamp, data_format)]
        )
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def send_all(self, deliveries: Sequence[Delivery]) -> list[tuple[int | Exception, float]]:
        """Deliver events, and return what each came to, in order: its 2xx status or the error `send` would
        raise, and the seconds its exchange took. The events to one origin go through its pool's connections
        together (OriginPool.exchange_all), each connection taking the next event when the last is answered."""
        outcomes: list[tuple[int | Exception, float]] = [(0, 0.0)] * len(deliveries)
        by_pool: dict[OriginPool, list[tuple[int, str, bytes, bytes]]] = {}
        for i, delivery in enumerate(deliveries):
            try:
                pool, method, head, body = self._framed(delivery)
            except WebhookForbidden as exc:
                outcomes[i] = (exc, 0.0)
                continue
            by_pool.setdefault(pool, []).append((i, method, head, body))

        async def through(pool: OriginPool, framed: list[tuple[int, str, bytes, bytes]]) -> None:
            answers = await pool.exchange_all([(method, head, body) for _, method, head, body in framed])
            for (i, *_), (answer, seconds) in zip(framed, answers, strict=True):
                outcomes[i] = (_judged(deliveries[i].target, answer), seconds)

        if len(by_pool) == 1:
            await through(*next(iter(by_pool.items())))
        elif by_pool:
            await asyncio.gather(*(through(pool, framed) for pool, framed in by_pool.items()))
        return outcomes

    def _framed(self, delivery: Delivery) -> tuple[OriginPool, str, bytes, bytes]:
        """The pool, method, head and body of one event's request, signed. Raises WebhookForbidden for a
        request that cannot be sent."""
        target, payload, event_id = delivery.target, delivery.payload, delivery.event_id
        scheme, host, port, path, url_query = _destination(target.url)
        pool = self._pool(scheme, host, port)
        ts = str(delivery.timestamp)
        method = (target.method or "POST").upper()
        content_type: str | None = None
        if method == "GET":
            query = urlencode({k: "" if v is None else v for k, v in payload.items()})
            signature = signatures(delivery.signing_secret, ts, query.encode())
            path_and_query, body = f"{path}?{url_query}&{query}" if url_query else f"{path}?{query}", b""
        else:
            if delivery.data_format == "xml":
                body, content_type = to_xml(payload), "application/xml"
            else:
                body, content_type = _COMPACT_JSON.encode(payload).encode(), "application/json"
            signature = signatures(delivery.signing_secret, ts, body)
            path_and_query = f"{path}?{url_query}" if url_query else path
            if event_id.isascii() and event_id.isprintable():  # what a head may carry; else request_head says why
                try:
                    first, middle = _fixed_head(pool.host_header, method, path_and_query, target, content_type)
                except InvalidRequest as exc:
                    raise WebhookForbidden(f"{target.url}: {exc}") from None
                head = (
                    f"{first}Content-Length: {len(body)}\r\nX-Mpaas-Timestamp: {ts}\r\nX-Mpaas-Event-Id: {event_id}"
                    f"\r\n{middle}X-Mpaas-Signature: {signature}\r\n\r\n"
                ).encode("latin-1")
                return pool, method, head, body
        headers = [
            ("X-Mpaas-Timestamp", ts),
            ("X-Mpaas-Event-Id", event_id),
            ("User-Agent", USER_AGENT),
            *_auth_header(target).items(),
            *([("Content-Type", content_type)] if content_type else []),
            ("X-Mpaas-Signature", signature),
        ]
        try:
            head = pool.head(method, path_and_query, headers, len(body))
        except InvalidRequest as exc:  # e.g. a line break in the route's credentials: not retried
            raise WebhookForbidden(f"{target.url}: {exc}") from None
        return pool, method, head, body

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()
