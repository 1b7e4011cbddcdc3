"""`Client`: the blocking SDK. One method per row of `OPERATIONS`, tokens handled for you."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx2

from mpaas.client import core
from mpaas.client.base import WireRequest
from mpaas.client.core import CachedToken, RetryPolicy
from mpaas.client.errors import MpaasApiError
from mpaas.client.operations import OPERATIONS, Operation


class Client:
    """A Telegent-compatible API client (this server or any with the same contract).

    - `base_url`: where requests go, e.g. `http://127.0.0.1:8080` or `https://api.telegent.com`.
    - `scope_base`: the scheme and host named in each token's `ApiEndpoint` (defaults to `base_url`);
      set it when the server sits behind a proxy that knows itself by another name.
    - Tokens: one per endpoint, minted on first use and again `refresh_margin` seconds before expiry;
      one mint per endpoint at a time however many threads call it. A 401 on a *cached* token mints a
      fresh one and tries once more (the 401 message asks callers to re-authenticate); a 401 on a token
      minted for that very call is raised, never retried.
    - Retries: 408/429/500/503/504 and failed connections, per `retry` (1 s doubling to 30 s, or the
      server's `Retry-After`); `sleep` is injectable for tests. Every failure is an `MpaasApiError`.
    """

    def __init__(
        self,
        base_url: str,
        account_key: str,
        account_secret: str,
        *,
        scope_base: str | None = None,
        operator_token: str | None = None,
        retry: RetryPolicy | None = None,
        refresh_margin: float = 60.0,
        timeout: float = 30.0,
        sleep: core.Sleep = time.sleep,
        clock: core.Clock = time.time,
        transport: httpx2.BaseTransport | None = None,
        http: httpx2.Client | None = None,
    ):
        self.base_url = core.normalize_base(base_url)
        self.scope_base = core.normalize_base(scope_base or self.base_url)
        self.account_key = account_key
        self.account_secret = account_secret
        self.operator_token = operator_token
        self.retry = retry or RetryPolicy()
        self.refresh_margin = refresh_margin
        self._sleep = sleep
        self._clock = clock
        self._owns_http = http is None
        self._http = http or httpx2.Client(base_url=self.base_url, timeout=timeout, transport=transport)
        self._tokens: dict[str, CachedToken] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.mints = 0  # tokens minted so far (observable for tests and diagnostics)

    # -- lifecycle
    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transport with retries
    def _send(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs) -> httpx2.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(method, path, headers=headers, **kwargs)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
                # Nothing reached the server, so even a POST is safe to send again.
                if attempt >= self.retry.max_attempts:
                    raise MpaasApiError(0, f"Could not connect to {self.base_url}: {exc}") from exc
                self._sleep(self.retry.delay(attempt))
                continue
            if not core.should_retry(response.status_code) or attempt >= self.retry.max_attempts:
                return response
            self._sleep(self.retry.delay(attempt, response.headers.get("retry-after"), self._clock()))

    # -- tokens
    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def token(self, path: str, *, force: bool = False) -> str:
        """The bearer token for `path`, minted if there is none or it is about to expire."""
        key = core.scope_key(path)
        cached = self._tokens.get(key)
        if cached and not force and self._clock() < cached.refresh_at:
            return cached.value
        with self._lock_for(key):
            current = self._tokens.get(key)
            # Another thread may have minted while this one waited for the lock.
            if current and self._clock() < current.refresh_at and (not force or current is not cached):
                return current.value
            response = self._send(
                "POST",
                core.TOKEN_PATH,
                json={
                    "AccountKey": self.account_key,
                    "AccountSecret": self.account_secret,
                    "ApiEndpoint": f"{self.scope_base}{path.split('?', 1)[0]}",
                },
            )
            core.raise_for(response)
            fresh = core.cached_token(core.decode(response), self._clock(), self.refresh_margin)
            self.mints += 1
            self._tokens[key] = fresh
            return fresh.value

    def _auth_headers(self, auth: str, path: str, force: bool = False) -> dict[str, str]:
        if auth == "none":
            return {}
        if auth == "operator":
            if not self.operator_token:
                raise MpaasApiError(401, "This operation needs the operator token (Client(operator_token=...)).")
            return {"Authorization": f"Bearer {self.operator_token}"}
        return {"Authorization": f"Bearer {self.token(path, force=force)}"}

    # -- calls
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        auth: str = "token",
        operation: Operation | None = None,
    ) -> Any:
        """Any call by method and path (tokens, retries and errors handled); the decoded response."""
        method = method.upper()
        minted = self.mints
        response = self._send(method, path, headers=self._auth_headers(auth, path), params=params, json=json)
        if response.status_code == 401 and auth == "token" and self.mints == minted:
            # A cached token was refused (e.g. the server's signing key rotated): re-authenticate once, as
            # the 401 message asks. A token minted for this very call is never retried.
            response = self._send(
                method, path, headers=self._auth_headers(auth, path, force=True), params=params, json=json
            )
        core.raise_for(response)
        return core.parse(operation, response)

    def call(self, operation: Operation | str, request: WireRequest | dict | None = None, /, **fields) -> Any:
        """Run one operation of the table by name (or `Operation`) with a model, a dict or keywords."""
        op = core.resolve(operation)
        return self.request(op.method, op.path, auth=op.auth, operation=op, **core.build_request(op, request, fields))


def _bind(op: Operation):
    def method(self: Client, request=None, /, **fields):
        return self.call(op, request, **fields)

    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = core.describe(op)
    method.__signature__ = core.signature_of(op)  # type: ignore[attr-defined]
    return method


for _op in OPERATIONS:
    setattr(Client, _op.name, _bind(_op))
