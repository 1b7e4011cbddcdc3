"""Concurrent provisioning never hands one number out twice."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from support.api import make_message_route
from support.seed import add_inventory

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


BODY = {
    "NumberType": "mvno",
    "MessageType": "p2p",
    "MessageEnabled": True,
    "VoiceEnabled": False,
    "ProductType": "Sms-Only",
}


async def test_last_ten_numbers_of_an_area(api, platform):
    await add_inventory(platform, 10, ["801"])
    route = await make_message_route(api)
    await api.token("/v1.0/numbers/provision")
    body = {**BODY, "MessageRouteId": route, "AreaCode": "801"}

    async def attempt():
        return await api.post("/v1.0/numbers/provision", body)

    responses = await asyncio.gather(*(attempt() for _ in range(50)))
    ok = [r.json()["PhoneNumberAssigned"] for r in responses if r.status_code == 200]
    assert len(ok) == 10
    assert len(set(ok)) == 10
    assert all(n.startswith("+1801") for n in ok)
    failures = Counter(r.json()["Message"] for r in responses if r.status_code != 200)
    assert failures == {"No available numbers match the request; check POST /v1.0/numbers/availability.": 40}
    availability = await api.ok(
        "POST",
        "/v1.0/numbers/availability",
        json={"NumberType": "mobile", "MessageEnabled": True, "VoiceEnabled": False, "AreaCode": "801"},
    )
    assert availability["ResultsTotal"] == 0


async def test_same_named_number_twenty_times(api, other_api, platform):
    numbers = await add_inventory(platform, 3, ["801"])
    wanted = numbers[0]
    routes = {id(api): await make_message_route(api), id(other_api): await make_message_route(other_api)}
    for client in (api, other_api):
        await client.token("/v1.0/numbers/provision")

    async def attempt(i):
        client = api if i % 2 else other_api
        return await client.post(
            "/v1.0/numbers/provision",
            {**BODY, "MessageRouteId": routes[id(client)], "PhoneNumbers": [{"Number": wanted}]},
        )

    responses = await asyncio.gather(*(attempt(i) for i in range(20)))
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert winners[0].json()["PhoneNumberAssigned"] == wanted
    losers = [r.json() for r in responses if r.status_code != 200]
    assert losers == [{"StatusCode": 400, "Message": "Phone number already in use"}] * 19
