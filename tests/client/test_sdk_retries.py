"""Retries per the vendor's guidance, against a real HTTP server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import json
from email.utils import parsedate_to_datetime

import pytest
from werkzeug import Response

from mpaas.client import AsyncClient, Client, MpaasApiError, RetryPolicy
from mpaas.client.core import parse_retry_after, parse_token_expiry

TOKEN = {"token": "t0k3n", "successful": True, "tokenExpiry": "01/01/2099 12:00:00 AM"}


def _envelope(status: int, message: str = "nope", headers: dict | None = None) -> Response:
    return Response(
        json.dumps({"StatusCode": status, "Message": message}),
        status=status,
        headers=headers or {},
        content_type="application/json",
    )


def _ok(body: dict | list) -> Response:
    return Response(json.dumps(body), status=200, content_type="application/json")


@pytest.fixture
def vendor(httpserver):
    """A token endpoint that always works; tests script /v1.0/account/voice/routes."""
    httpserver.expect_request("/v1.0/OAuth2/tokens", method="POST").respond_with_json(TOKEN)
    return httpserver


def _script(server, path: str, responses: list[Response]) -> list:
    seen = []
    queue = list(responses)

    def handler(request):
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    server.expect_request(path).respond_with_handler(handler)
    return seen


def test_backoff_schedule():
    policy = RetryPolicy()
    assert [policy.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert policy.delay(1, "7") == 7
    when = "Wed, 21 Oct 2099 07:28:00 GMT"
    assert policy.delay(3, when, now=parsedate_to_datetime(when).timestamp() - 12) == 12
    assert parse_retry_after("soon", 0) is None
    assert parse_token_expiry("05/02/2025 06:36:13 PM") == 1746210973.0
    assert parse_token_expiry("2025-05-02T18:36:13Z") == 1746210973.0


@pytest.mark.parametrize("status", [408, 429, 500, 503, 504])
def test_retryable_statuses_back_off_and_succeed(vendor, status):
    seen = _script(
        vendor,
        "/v1.0/account/voice/routes",
        [_envelope(status), _envelope(status), _envelope(status), _ok({"TotalRoutes": 0})],
    )
    sleeps: list[float] = []
    with Client(vendor.url_for("/"), "DID-x", "s", sleep=sleeps.append) as client:
        assert client.list_voice_routes().total_routes == 0
    assert len(seen) == 4
    assert sleeps == [1, 2, 4]


def test_retry_after_is_honoured(vendor):
    _script(
        vendor, "/v1.0/account/voice/routes", [_envelope(429, headers={"Retry-After": "7"}), _ok({"TotalRoutes": 1})]
    )
    sleeps: list[float] = []
    with Client(vendor.url_for("/"), "DID-x", "s", sleep=sleeps.append) as client:
        assert client.list_voice_routes().total_routes == 1
    assert sleeps == [7]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405])
def test_never_retried(vendor, status):
    seen = _script(vendor, "/v1.0/account/voice/routes", [_envelope(status, "exact text"), _ok({})])
    sleeps: list[float] = []
    with (
        Client(vendor.url_for("/"), "DID-x", "s", sleep=sleeps.append) as client,
        pytest.raises(MpaasApiError) as caught,
    ):
        client.list_voice_routes()
    assert caught.value.status_code == status
    assert caught.value.message == "exact text"
    assert sleeps == []
    assert len(seen) == 1


def test_gives_up_after_max_attempts(vendor):
    seen = _script(vendor, "/v1.0/account/voice/routes", [_envelope(503, "down")])
    sleeps: list[float] = []
    with (
        Client(vendor.url_for("/"), "DID-x", "s", sleep=sleeps.append, retry=RetryPolicy(max_attempts=4)) as client,
        pytest.raises(MpaasApiError) as caught,
    ):
        client.list_voice_routes()
    assert caught.value.status_code == 503
    assert caught.value.message == "down"
    assert len(seen) == 4 and sleeps == [1, 2, 4]


def test_token_endpoint_is_retried_too(httpserver):
    _script(httpserver, "/v1.0/OAuth2/tokens", [_envelope(503), _ok(TOKEN)])
    seen = _script(httpserver, "/v1.0/account/voice/routes", [_ok({"TotalRoutes": 2})])
    sleeps: list[float] = []
    with Client(
        httpserver.url_for("/"), "DID-x", "s", sleep=sleeps.append, scope_base="https://api.telegent.com"
    ) as client:
        assert client.list_voice_routes().total_routes == 2
    assert sleeps == [1]
    assert seen[0].headers["Authorization"] == "Bearer t0k3n"
    token_request = next(r for r, _ in httpserver.log if r.path == "/v1.0/OAuth2/tokens")
    assert token_request.get_json()["ApiEndpoint"] == "https://api.telegent.com/v1.0/account/voice/routes"


def test_non_envelope_errors_still_raise_the_one_type(vendor):
    _script(vendor, "/v1.0/account/voice/routes", [Response("<html>bad gateway</html>", status=502)])
    with (
        Client(vendor.url_for("/"), "DID-x", "s", sleep=lambda s: None) as client,
        pytest.raises(MpaasApiError) as caught,
    ):
        client.list_voice_routes()
    assert caught.value.status_code == 502
    assert "bad gateway" in caught.value.message


def test_connection_failures_are_retried_then_reported():
    sleeps: list[float] = []
    with (
        Client("http://127.0.0.1:9", "DID-x", "s", sleep=sleeps.append, retry=RetryPolicy(max_attempts=3)) as client,
        pytest.raises(MpaasApiError) as caught,
    ):
        client.list_voice_routes()
    assert caught.value.status_code == 0
    assert sleeps == [1, 2]


async def test_async_retries_with_injected_sleep(vendor):
    _script(
        vendor,
        "/v1.0/account/voice/routes",
        [_envelope(504), _envelope(429, headers={"Retry-After": "3"}), _ok({"TotalRoutes": 5})],
    )
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with AsyncClient(vendor.url_for("/"), "DID-x", "s", sleep=fake_sleep) as client:
        assert (await client.list_voice_routes()).total_routes == 5
    assert sleeps == [1, 3]


async def test_async_one_mint_under_concurrency_even_when_minting_is_slow(httpserver):
    import time

    def slow_token(_request):
        time.sleep(0.2)
        return _ok(TOKEN)

    httpserver.expect_request("/v1.0/OAuth2/tokens").respond_with_handler(slow_token)
    httpserver.expect_request("/v1.0/account/voice/routes").respond_with_json({"TotalRoutes": 0})
    async with AsyncClient(httpserver.url_for("/"), "DID-x", "s") as client:
        await asyncio.gather(*(client.list_voice_routes() for _ in range(10)))
        assert client.mints == 1
    assert sum(1 for r, _ in httpserver.log if r.path == "/v1.0/OAuth2/tokens") == 1
