"""Outbound webhook requests: route method and auth, HMAC-SHA256 signature, one pooled client.

Signature recipe (docs/webhooks.md): `X-Mpaas-Signature: sha256=<hex>` where the hex is
HMAC-SHA256(account signing secret, f"{X-Mpaas-Timestamp}.{signed content}") and the signed content is
the raw request body for POST/PUT, or the raw query string for GET.
"""

from __future__ import annotations

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


class WebhookForbidden(Exception):
    """The destination is not allowed by settings; retrying will not help."""


def sign(secret: str, timestamp: str, content: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + content, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


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


class WebhookSender:
    def __init__(self, timeout_seconds: float = 10.0, allow_private: bool = True):
        self._client = httpx2.AsyncClient(timeout=timeout_seconds,
                                          limits=httpx2.Limits(max_connections=100, max_keepalive_connections=20))
        self.allow_private = allow_private

    async def send(self, target: WebhookTarget, payload: dict, *, signing_secret: str, event_id: str,
                   timestamp: int) -> int:
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
            response = await self._client.request("GET", f"{target.url}{sep}{query}", headers=headers)
        else:
            body = json.dumps(payload, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
            headers["X-Mpaas-Signature"] = sign(signing_secret, ts, body)
            response = await self._client.request(method, target.url, content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            raise WebhookRejected(f"{target.url} answered {response.status_code}")
        return response.status_code

    async def close(self) -> None:
        await self._client.aclose()
