"""The asyncio client against the real app in process: calls, one mint per endpoint under concurrency."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from mpaas.client import AsyncClient, MpaasApiError
from support.api import BASE_URL

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


@pytest.fixture
async def sdk(app, api):
    async with AsyncClient(
        BASE_URL, api.credential.account_key, api.credential.account_secret, transport=httpx2.ASGITransport(app=app)
    ) as client:
        yield client


async def test_create_and_read_back(sdk: AsyncClient, numbers):
    route = await sdk.create_message_route(
        route_name="Main", message_url="http://127.0.0.1:9/in", message_url_method="POST"
    )
    again = await sdk.message_route_details(message_route_id=route.message_route_id)
    assert again.message_route_id == route.message_route_id
    assert again.route_name == "Main"
    order = await sdk.number_provision(
        {
            "NumberType": "mvno",
            "MessageType": "p2p",
            "MessageEnabled": True,
            "VoiceEnabled": False,
            "MessageRouteId": route.message_route_id,
            "ProductType": "Sms+Data",
        },
        area_code="212",
    )
    assert order.phone_number_assigned.startswith("+1212")
    detail = await sdk.number_details(number=order.phone_number_assigned)
    assert detail.to_wire()


async def test_concurrent_tasks_mint_once_per_endpoint(sdk: AsyncClient):
    results = await asyncio.gather(
        *(sdk.list_message_routes() for _ in range(20)), *(sdk.list_voice_routes() for _ in range(20))
    )
    assert len(results) == 40
    assert sdk.mints == 2


async def test_list_responses_become_model_lists(sdk: AsyncClient):
    hooks = await sdk.get_account_webhooks()
    assert hooks == []


async def test_async_errors(sdk: AsyncClient):
    with pytest.raises(MpaasApiError) as caught:
        await sdk.get_subscriber_details(subscriber_id="TSUID-00000000-0000-0000-0000-000000000000")
    assert caught.value.status_code == 404
    assert caught.value.body["StatusCode"] == 404


async def test_other_accounts_are_invisible(app, api, other_api):
    async with (
        AsyncClient(
            BASE_URL, api.credential.account_key, api.credential.account_secret, transport=httpx2.ASGITransport(app=app)
        ) as mine,
        AsyncClient(
            BASE_URL,
            other_api.credential.account_key,
            other_api.credential.account_secret,
            transport=httpx2.ASGITransport(app=app),
        ) as theirs,
    ):
        route = await mine.create_message_route(
            route_name="Mine", message_url="http://127.0.0.1:9/in", message_url_method="POST"
        )
        with pytest.raises(MpaasApiError) as caught:
            await theirs.message_route_details(message_route_id=route.message_route_id)
    assert caught.value.status_code == 404


async def test_real_rate_limit_is_retried_per_retry_after(app, platform):
    from mpaas.client import RetryPolicy
    from support.seed import new_distributor

    limited = await new_distributor(platform, "Limited", rate_limit=3)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async with AsyncClient(
        BASE_URL,
        limited.account_key,
        limited.account_secret,
        sleep=no_wait,
        retry=RetryPolicy(max_attempts=3),
        transport=httpx2.ASGITransport(app=app),
    ) as client:
        await client.list_message_routes()  # the token and the call: 2 of 3
        await client.list_message_routes()  # 3 of 3
        with pytest.raises(MpaasApiError) as caught:
            await client.list_message_routes()
    assert caught.value.status_code == 429
    assert caught.value.message.startswith("Too many requests")
    # Two retries, each after the server's Retry-After (seconds until the window frees a slot).
    assert len(waits) == 2 and all(1 <= w <= 61 for w in waits)
