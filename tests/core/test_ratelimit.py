"""Per-credential request limits: 429 in the envelope with Retry-After and X-RateLimit headers."""

from __future__ import annotations

import pytest

from support.api import Api
from support.seed import new_distributor

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def test_limit_per_credential(platform, http):
    api = Api(http, await new_distributor(platform, "Limited", rate_limit=5))
    statuses = []
    for _ in range(5):
        response = await api.get("/v1.0/account/message/routes")
        statuses.append(response.status_code)
    # The token request counted too: 1 mint + 4 calls fit in 5.
    assert statuses == [200, 200, 200, 200, 429]
    assert response.json() == {
        "StatusCode": 429,
        "Message": ("Too many requests: rate limit exceeded. Slow your request cadence and retry after a short delay."),
    }
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert response.headers["X-RateLimit-Remaining"] == "0"


async def test_headers_on_success(platform, http):
    api = Api(http, await new_distributor(platform, "Limited", rate_limit=10))
    response = await api.get("/v1.0/account/message/routes")
    assert response.headers["X-RateLimit-Limit"] == "10"
    assert response.headers["X-RateLimit-Remaining"] == "8"
    assert int(response.headers["X-RateLimit-Reset"]) > 0


async def test_credentials_do_not_share_a_bucket(platform, http):
    first = Api(http, await new_distributor(platform, "One", rate_limit=2))
    second = Api(http, await new_distributor(platform, "Two", rate_limit=2))
    assert (await first.get("/v1.0/account/message/routes")).status_code == 200
    assert (await first.get("/v1.0/account/message/routes")).status_code == 429
    assert (await second.get("/v1.0/account/message/routes")).status_code == 200


async def test_default_comes_from_settings(platform, http):
    platform.settings.rate_limit_per_minute = 3
    api = Api(http, await new_distributor(platform, "Default", rate_limit=None))
    codes = [(await api.get("/v1.0/account/message/routes")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


async def test_zero_is_unlimited(platform, http):
    api = Api(http, await new_distributor(platform, "Unlimited", rate_limit=0))
    for _ in range(60):
        response = await api.get("/v1.0/account/message/routes")
        assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers


REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


async def test_redis_storage_shares_one_credential_budget_between_limiters():
    """Two limiters on one Redis stand for two API processes: together they allow the limit, not twice it."""
    import uuid

    import pytest

    from mpaas.core.security.ratelimit import RateLimiter

    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    first, second = RateLimiter(REDIS_URL), RateLimiter(REDIS_URL)
    key = f"test-{uuid.uuid4()}"
    decisions = [await (first if i % 2 else second).hit(key, 6) for i in range(10)]
    assert [d.allowed for d in decisions] == [True] * 6 + [False] * 4
    assert decisions[5].remaining == 0


async def test_unreachable_redis_serves_the_request_uncounted():
    from mpaas.core.security.ratelimit import RateLimiter

    limiter = RateLimiter("redis://127.0.0.1:1/0")  # nothing listens on port 1
    decision = await limiter.hit("anyone", 5)
    assert decision.allowed and decision.headers() == {}


def test_a_redis_url_of_another_scheme_is_refused_naming_the_setting():
    import pytest

    from mpaas.core.security.ratelimit import RateLimiter

    with pytest.raises(ValueError, match="MPAAS_REDIS_URL"):
        RateLimiter("http://127.0.0.1:6379")
