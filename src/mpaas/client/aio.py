"""`AsyncClient`: the asyncio SDK, the same surface as `Client` with `await`."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx2

from mpaas.client import core
from mpaas.client.base import WireRequest
from mpaas.client.core import CachedToken, RetryPolicy
from mpaas.client.errors import MpaasApiError
from mpaas.client.operations import OPERATIONS, Operation


class AsyncClient:
    """See `Client`; here one `asyncio.Lock` per endpoint keeps concurrent tasks to one mint each."""

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
        sleep: core.Sleep = asyncio.sleep,
        clock: core.Clock = time.time,
        transport: httpx2.AsyncBaseTransport | None = None,
        http: httpx2.AsyncClient | None = None,
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
        self._http = http or httpx2.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)
        self._tokens: dict[str, CachedToken] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.mints = 0

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def _pause(self, seconds: float) -> None:
        result = self._sleep(seconds)
        if asyncio.iscoroutine(result):
            await result

    async def _send(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs) -> httpx2.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(method, path, headers=headers, **kwargs)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
                if attempt >= self.retry.max_attempts:
                    raise MpaasApiError(0, f"Could not connect to {self.base_url}: {exc}") from exc
                await self._pause(self.retry.delay(attempt))
                continue
            if not core.should_retry(response.status_code) or attempt >= self.retry.max_attempts:
                return response
            await self._pause(self.retry.delay(attempt, response.headers.get("retry-after"), self._clock()))

    async def token(self, path: str, *, force: bool = False) -> str:
        key = core.scope_key(path)
        cached = self._tokens.get(key)
        if cached and not force and self._clock() < cached.refresh_at:
            return cached.value
        lock = self._locks.setdefault(key, asyncio.Lock())  # no await in between: atomic on one loop
        async with lock:
            current = self._tokens.get(key)
            if current and self._clock() < current.refresh_at and (not force or current is not cached):
                return current.value
            response = await self._send(
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

    async def _auth_headers(self, auth: str, path: str, force: bool = False) -> dict[str, str]:
        if auth == "none":
            return {}
        if auth == "operator":
            if not self.operator_token:
                raise MpaasApiError(401, "This operation needs the operator token (AsyncClient(operator_token=...)).")
            return {"Authorization": f"Bearer {self.operator_token}"}
        return {"Authorization": f"Bearer {await self.token(path, force=force)}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        auth: str = "token",
        operation: Operation | None = None,
    ) -> Any:
        method = method.upper()
        minted = self.mints
        response = await self._send(
            method, path, headers=await self._auth_headers(auth, path), params=params, json=json
        )
        if response.status_code == 401 and auth == "token" and self.mints == minted:
            # A cached token was refused (e.g. the server's signing key rotated): re-authenticate once, as
            # the 401 message asks. A token minted for this very call is never retried.
            response = await self._send(
                method, path, headers=await self._auth_headers(auth, path, force=True), params=params, json=json
            )
        core.raise_for(response)
        return core.parse(operation, response)

    async def call(self, operation: Operation | str, request: WireRequest | dict | None = None, /, **fields) -> Any:
        op = core.resolve(operation)
        return await self.request(
            op.method, op.path, auth=op.auth, operation=op, **core.build_request(op, request, fields)
        )


def _bind(op: Operation):
    async def method(self: AsyncClient, request=None, /, **fields):
        return await self.call(op, request, **fields)

    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = core.describe(op)
    method.__signature__ = core.signature_of(op)  # type: ignore[attr-defined]
    return method


for _op in OPERATIONS:
    setattr(AsyncClient, _op.name, _bind(_op))
