"""Outbound webhook requests: route method and auth, HMAC-SHA256 signature, one pooled client.

Signature recipe (docs/webhooks.md): `X-Mpaas-Signature: sha256=<hex>` where the hex is
HMAC-SHA256(account signing secret, f"{X-Mpaas-Timestamp}.{signed content}") and the signed content is
the raw request body for POST/PUT, or the raw query string for GET.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx2


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
    """The destination is not allowed by settings; retrying will not help."""


def sign(secret: str, timestamp: str, content: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + content, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


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


def _is_private(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved:
            return True
    return False


class _Destination:
    """One origin's keep-alive pool and the gate that bounds requests to it."""

    def __init__(self, timeout_seconds: float, connections: int):
        self.client = httpx2.AsyncClient(timeout=timeout_seconds, limits=httpx2.Limits(
            max_connections=connections, max_keepalive_connections=connections))
        self.gate = asyncio.Semaphore(connections)


class WebhookSender:
    """A small keep-alive pool per destination origin, with bounded concurrency: one slow receiver cannot
    take every connection, and the pool never queues requests (httpx's pool rescans its queue and its
    connections on every request, which costs more than the request once either grows)."""

    def __init__(self, timeout_seconds: float = 10.0, allow_private: bool = True, per_destination: int = 8):
        self.timeout_seconds = timeout_seconds
        self.per_destination = per_destination
        self.allow_private = allow_private
        self._destinations: dict[str, _Destination] = {}

    def _destination(self, url: str) -> _Destination:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin not in self._destinations:
            self._destinations[origin] = _Destination(self.timeout_seconds, self.per_destination)
        return self._destinations[origin]

    async def send(self, target: WebhookTarget, payload: dict, *, signing_secret: str, event_id: str,
                   timestamp: int, data_format: str = "json") -> int:
        destination = self._destination(target.url)
        async with destination.gate:
            return await self._send(destination.client, target, payload, signing_secret, event_id, timestamp,
                                    data_format)

    async def _send(self, client: httpx2.AsyncClient, target: WebhookTarget, payload: dict, signing_secret: str,
                    event_id: str, timestamp: int, data_format: str) -> int:
        host = urlsplit(target.url).hostname or ""
        if not self.allow_private and _is_private(host):
            raise WebhookForbidden(f"destination {host} is in a private range")
        ts = str(timestamp)
        headers = {"X-Mpaas-Timestamp": ts, "X-Mpaas-Event-Id": event_id, "User-Agent": "mpaas-webhooks/1"}
        headers.update(_auth_header(target))
        method = (target.method or "POST").upper()
        if method == "GET":
            query = urlencode({k: "" if v is None else v for k, v in payload.items()})
            headers["X-Mpaas-Signature"] = sign(signing_secret, ts, query.encode())
            sep = "&" if urlsplit(target.url).query else "?"
            response = await client.request("GET", f"{target.url}{sep}{query}", headers=headers)
        else:
            if data_format == "xml":
                body = to_xml(payload)
                headers["Content-Type"] = "application/xml"
            else:
                body = json.dumps(payload, separators=(",", ":")).encode()
                headers["Content-Type"] = "application/json"
            headers["X-Mpaas-Signature"] = sign(signing_secret, ts, body)
            response = await client.request(method, target.url, content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            raise WebhookRejected(f"{target.url} answered {response.status_code}", response.status_code)
        return response.status_code

    async def close(self) -> None:
        for destination in self._destinations.values():
            await destination.client.aclose()
        self._destinations.clear()
