"""Per-credential request limits: 429 in the envelope with Retry-After and X-RateLimit headers."""

from __future__ import annotations

from conftest import Api, new_distributor


async def test_limit_per_credential(platform, http):
    api = Api(http, await new_distributor(platform, "Limited", rate_limit=5))
    statuses = []
    for _ in range(5):
        response = await api.get("/v1.0/account/message/routes")
        statuses.append(response.status_code)
    # The token request counted too: 1 mint + 4 calls fit in 5.
    assert statuses == [200, 200, 200, 200, 429]
    assert response.json() == {"StatusCode": 429, "Message": (
        "Too many requests: rate limit exceeded. Slow your request cadence and retry after a short delay.")}
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
