"""Per-credential request limits over a moving 60-second window (the `limits` library).

Storage is chosen by URL: memory (one process; the default) or Redis (`MPAAS_REDIS_URL`), which makes one
credential's limit hold across every API process. The async API keeps a Redis round trip off the event
loop's critical path.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

KEY_PREFIX = "mpaas-limits"
log = logging.getLogger("mpaas.ratelimit")


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_epoch: int  # when the oldest request in the window leaves it

    def headers(self) -> dict[str, str]:
        if self.limit <= 0:
            return {}
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_epoch),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.reset_epoch - time.time())))
        return headers


def storage_for(redis_url: str | None) -> Storage:
    """Memory when no Redis URL is set; otherwise Redis through redis-py (already a dependency)."""
    if not redis_url:
        return MemoryStorage()
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"MPAAS_REDIS_URL must be a redis://, rediss:// or unix:// URL, got {redis_url!r}")
    return RedisStorage(
        redis_url.replace("unix://", "redis+unix://", 1), implementation="redispy", key_prefix=KEY_PREFIX
    )


class RateLimiter:
    def __init__(self, redis_url: str | None = None):
        self.shared = bool(redis_url)
        self._limiter = MovingWindowRateLimiter(storage_for(redis_url))
        self._items: dict[int, RateLimitItemPerMinute] = {}

    async def hit(self, key: str, per_minute: int) -> RateDecision:
        if per_minute <= 0:
            return RateDecision(True, 0, 0, 0)
        item = self._items.setdefault(per_minute, RateLimitItemPerMinute(per_minute))
        try:
            allowed = await self._limiter.hit(item, "credential", key)
            stats = await self._limiter.get_window_stats(item, "credential", key)
        except Exception as exc:
            # Redis away: serve the request unlimited rather than fail it (a limit protects the platform;
            # an outage of the limiter's store must not become an outage of the API). Logged every time.
            log.warning("rate limit storage unavailable, request not counted: %r", exc)
            return RateDecision(True, 0, 0, 0)
        return RateDecision(allowed, per_minute, max(0, stats.remaining), int(math.ceil(stats.reset_time)))

    async def check(self) -> bool:
        """Whether the storage answers (health checks)."""
        return await self._limiter.storage.check()
