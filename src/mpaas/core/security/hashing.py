"""Secrets are stored as argon2 hashes; verification runs off the event loop (it is CPU-bound).

Credential checks on the request path go through a `SecretVerifier`: at most `concurrency` argon2 runs at a
time (each takes 64 MiB and a core for ~100 ms at the production cost), the rest wait their turn without a
thread. Unbounded, 300 concurrent wrong secrets took the process from 450 MB to 2 GB and another tenant's
reads from 6 ms to 1.75 s.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


async def hash_secret_off_loop(secret: str) -> str:
    """For request paths: hashing takes tens of milliseconds of CPU, which must not stall the event loop."""
    return await anyio.to_thread.run_sync(hash_secret, secret)


def verify_secret_sync(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


async def verify_secret(hashed: str, secret: str) -> bool:
    return await anyio.to_thread.run_sync(verify_secret_sync, hashed, secret)


def default_concurrency() -> int:
    """One argon2 run per core but one, so a core stays for the event loop (at least one run)."""
    return max(1, (os.cpu_count() or 2) - 1)


class SecretVerifier:
    """Bounded concurrent verification; `max_in_flight` records the most runs seen at once (tests, bench)."""

    def __init__(self, concurrency: int | None = None):
        self.concurrency = max(1, concurrency or default_concurrency())
        self._limiter: anyio.CapacityLimiter | None = None
        self.in_flight = 0
        self.max_in_flight = 0

    def _capacity(self) -> anyio.CapacityLimiter:
        # Made on first use, inside the event loop that serves the requests.
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.concurrency)
        return self._limiter

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `concurrency` places; verify inside it with `verify_in_slot`."""
        async with self._capacity():
            yield

    async def verify_in_slot(self, hashed: str, secret: str) -> bool:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await anyio.to_thread.run_sync(verify_secret_sync, hashed, secret)
        finally:
            self.in_flight -= 1

    async def verify(self, hashed: str, secret: str) -> bool:
        async with self.slot():
            return await self.verify_in_slot(hashed, secret)


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
