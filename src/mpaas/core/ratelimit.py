"""Per-credential request limits over a moving 60-second window (the `limits` library).

Storage is in memory for one process; scale-out swaps in Redis storage by URL without touching callers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


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


class RateLimiter:
    def __init__(self, storage_url: str = "memory://"):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))
        self._items: dict[int, RateLimitItemPerMinute] = {}

    def hit(self, key: str, per_minute: int) -> RateDecision:
        if per_minute <= 0:
            return RateDecision(True, 0, 0, 0)
        item = self._items.setdefault(per_minute, RateLimitItemPerMinute(per_minute))
        allowed = self._limiter.hit(item, "credential", key)
        stats = self._limiter.get_window_stats(item, "credential", key)
        return RateDecision(allowed, per_minute, max(0, stats.remaining), int(math.ceil(stats.reset_time)))
