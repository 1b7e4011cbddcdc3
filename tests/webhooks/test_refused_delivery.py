"""A webhook the egress policy refuses at delivery (a URL saved before the operator narrowed
MPAAS_EGRESS_ALLOW, or a name resolving to a refused address) never connects, and the tenant's attempts show
only that the policy refused it: no status code, no error text from the destination, not retried."""

from __future__ import annotations

import asyncio

import pytest

from mpaas.core.egress import EgressPolicy
from mpaas.core.http.webhook_sender import WebhookSender
from support.api import make_message_route, provision


@pytest.fixture
async def platform(platform):
    """URLs are saved under the suite's policy (loopback allowed), but the workers deliver under the production
    one (public addresses only): the operator narrowed the policy after the route was saved."""
    platform.webhooks = WebhookSender(platform.settings.webhook_timeout_seconds, EgressPolicy.parse(""))
    return platform


async def test_a_refused_destination_is_never_connected_to_and_reveals_nothing(api, numbers, httpserver):
    httpserver.expect_request("/in").respond_with_data("internal secret page", status=500)
    route = await make_message_route(api, MessageUrl=httpserver.url_for("/in"))
    number = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok("POST", "/sandbox/v1/inbound", json={"From": "+18015737111", "To": number, "Body": "x"})
    for _ in range(200):
        found = await api.ok("GET", "/ext/v1/messages/webhook-attempts", params={"MessageId": sent["MessageId"]})
        if found["Attempts"]:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # a retry, if there were one, would come now
    found = await api.ok("GET", "/ext/v1/messages/webhook-attempts", params={"MessageId": sent["MessageId"]})
    assert [(a["StatusCode"], a["Error"]) for a in found["Attempts"]] == [
        (None, "refused by the egress policy: the destination is not a public address")
    ]
    assert httpserver.log == []  # never connected
