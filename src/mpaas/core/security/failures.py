"""The budget of failed credential checks, separate from a credential's working rate limit.

A wrong AccountSecret (or an unknown AccountKey) is charged here, never to the credential's per-minute limit,
so someone guessing cannot spend the owner's budget. A correct secret is never charged. Three counters, each
over a fixed window (`MPAAS_AUTH_FAILURE_WINDOW_SECONDS`, from its first failure):

- per (AccountKey, client address): `MPAAS_AUTH_FAILURES_PER_KEY_ADDRESS` failures lock that pair out;
- per client address, whatever the keys: `MPAAS_AUTH_FAILURES_PER_ADDRESS` failures lock the address out;
- per AccountKey, from every address: past `MPAAS_AUTH_FAILURES_PER_KEY` failures the key is under attack and
  an address that already failed on it in the window is refused before its next check (one guess per address),
  while an address with no failure on the key (the owner's, normally) is still checked as usual.

A lockout lasts `MPAAS_AUTH_LOCKOUT_SECONDS` and doubles with each further lockout of the same pair or address
within a day (backoff), up to `MPAAS_AUTH_LOCKOUT_MAX_SECONDS`. So the owner with the right secret is never
locked out by wrong guesses from other addresses; an owner behind the same address as the attacker (one NAT)
can be, for the lockout's length.

Unknown AccountKeys are counted like known ones, so guessing keys is throttled too. Keys (attacker-chosen
strings) are stored as a short hash. Counters live in Redis when `MPAAS_REDIS_URL` is set (every API process
shares them), otherwise in a bounded map in this process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("mpaas.auth.failures")

KEY_PREFIX = "mpaas-authfail"
STRIKE_SECONDS = 86_400  # how long a past lockout makes the next one longer


class CounterStore(Protocol):
    async def incr(self, key: str, ttl: float) -> int:
        """Add one to `key`; a new key expires `ttl` seconds later. Returns the new value."""
        ...

    async def get(self, key: str) -> tuple[int, float]:
        """The value (0 when absent) and the seconds before it expires."""
        ...

    async def put(self, key: str, value: int, ttl: float) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def close(self) -> None: ...


class MemoryCounters:
    """Counters of one process, at most `max_keys` of them (the oldest written go first): the keys come from
    request bodies, so the map must not grow with what an attacker sends."""

    def __init__(self, max_keys: int = 100_000):
        self._data: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._max = max_keys

    def _live(self, key: str) -> tuple[int, float] | None:
        found = self._data.get(key)
        if found is not None and found[1] <= time.monotonic():
            del self._data[key]
            return None
        return found

    def _store(self, key: str, value: int, expires: float) -> None:
        self._data[key] = (value, expires)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)

    async def incr(self, key: str, ttl: float) -> int:
        found = self._live(key)
        value, expires = (found[0] + 1, found[1]) if found else (1, time.monotonic() + ttl)
        self._store(key, value, expires)
        return value

    async def get(self, key: str) -> tuple[int, float]:
        found = self._live(key)
        return (found[0], max(0.0, found[1] - time.monotonic())) if found else (0, 0.0)

    async def put(self, key: str, value: int, ttl: float) -> None:
        self._store(key, value, time.monotonic() + ttl)

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def close(self) -> None:
        pass


class RedisCounters:
    """The same counters in Redis, shared by every API process (redis-py's asyncio client)."""

    def __init__(self, redis_url: str):
        import redis.asyncio as aioredis  # deferred: only loaded when MPAAS_REDIS_URL is set

        self._redis = aioredis.Redis.from_url(redis_url)

    def _k(self, key: str) -> str:
        return f"{KEY_PREFIX}:{key}"

    async def incr(self, key: str, ttl: float) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._k(key), 0, px=max(1, int(ttl * 1000)), nx=True)
            pipe.incr(self._k(key))
            _, value = await pipe.execute()
        return int(value)

    async def get(self, key: str) -> tuple[int, float]:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(self._k(key))
            pipe.pttl(self._k(key))
            value, pttl = await pipe.execute()
        if value is None:
            return 0, 0.0
        return int(value), max(0.0, pttl / 1000) if pttl and pttl > 0 else 0.0

    async def put(self, key: str, value: int, ttl: float) -> None:
        await self._redis.set(self._k(key), value, px=max(1, int(ttl * 1000)))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._k(key))

    async def close(self) -> None:
        await self._redis.aclose()


@dataclass(frozen=True)
class FailurePolicy:
    per_key_address: int = 5
    per_address: int = 30
    per_key: int = 100
    window_seconds: float = 900.0
    lockout_seconds: float = 60.0
    lockout_max_seconds: float = 3600.0


class Locked(Exception):
    """A check refused before it ran; `retry_after` in whole seconds."""

    def __init__(self, retry_after: int, scope: str):
        super().__init__(scope)
        self.retry_after = retry_after
        self.scope = scope


def _key_id(account_key: str) -> str:
    return hashlib.sha256(account_key.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class FailureBudget:
    def __init__(self, policy: FailurePolicy, store: CounterStore):
        self.policy = policy
        self._store = store

    @classmethod
    def build(cls, policy: FailurePolicy, redis_url: str | None) -> FailureBudget:
        return cls(policy, RedisCounters(redis_url) if redis_url else MemoryCounters())

    async def check(self, account_key: str, address: str) -> None:
        """Raise Locked when this (key, address) or this address may not try now."""
        try:
            await self._check(_key_id(account_key), address)
        except Locked:
            raise
        except Exception as exc:  # the store away: check the secret rather than refuse everyone (logged)
            log.warning("credential failure budget unavailable, not checked: %r", exc)

    async def _check(self, key: str, address: str) -> None:
        for scope in (f"addr:{address}", f"ka:{key}:{address}"):
            locked, left = await self._store.get(f"lock:{scope}")
            if locked:
                raise Locked(max(1, math.ceil(left)), scope)
        key_failures, _ = await self._store.get(f"fail:k:{key}")
        if key_failures >= self.policy.per_key:
            mine, left = await self._store.get(f"fail:ka:{key}:{address}")
            if mine:  # the key is under attack and this address already guessed wrong on it
                raise Locked(max(1, math.ceil(left)), f"ka:{key}:{address}")

    async def close(self) -> None:
        await self._store.close()

    async def record_failure(self, account_key: str, address: str) -> None:
        key = _key_id(account_key)
        p = self.policy
        try:
            await self._store.incr(f"fail:k:{key}", p.window_seconds)
            await self._count(f"ka:{key}:{address}", p.per_key_address)
            await self._count(f"addr:{address}", p.per_address)
        except Exception as exc:
            log.warning("credential failure budget unavailable, failure not counted: %r", exc)

    async def _count(self, scope: str, limit: int) -> None:
        failures = await self._store.incr(f"fail:{scope}", self.policy.window_seconds)
        if failures < limit:
            return
        strikes = await self._store.incr(f"strikes:{scope}", STRIKE_SECONDS)
        seconds = min(self.policy.lockout_seconds * 2 ** (strikes - 1), self.policy.lockout_max_seconds)
        await self._store.put(f"lock:{scope}", 1, seconds)
        await self._store.delete(f"fail:{scope}")  # after the lockout, `limit` more tries, then a longer one
        log.warning("credential checks locked for %.0f s: %s (%d failures)", seconds, scope.split(":")[0], failures)
