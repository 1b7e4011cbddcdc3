"""A number accepted for port-in is usable once it is ours (issue 17): the vendor's port-in sample `+15555551234`
has area code 555, which the numbering data lists as unassigned, yet after the port completes its owner can read
it, refresh its NNID and send from it, like any other number."""

from __future__ import annotations

import asyncio

from support.api import make_message_route

ADDRESS = {"Street1": "2701 N Thanksgiving Way", "Street2": "Suite 202", "City": "Lehi", "State": "UT", "Zip": "84043"}
SAMPLE = "+15555551234"


async def test_a_ported_in_sample_number_is_usable(api, numbers, platform):
    platform.settings.sandbox_port_seconds = 0.3
    route = await make_message_route(api)
    body = {
        "PortInNumber": SAMPLE,
        "CurrentCarrierName": "Telegent",
        "CurrentAccountNumber": "46512222",
        "CurrentAccountPassword": "0000",
        "TargetPortinClassification": "mvno",
        "SubscriberName": "Telegent",
        "CurrentBillingAddress": ADDRESS,
        "MessageRouteId": route,
    }
    order_id = (await api.ok("POST", "/v1.0/numbers/portin", json=body))["OrderId"]
    for _ in range(100):
        order = await api.ok("GET", "/v1.0/numbers/order", params={"OrderId": order_id})
        if order["OrderStatus"] == "Complete":
            break
        await asyncio.sleep(0.05)
    assert order["OrderStatus"] == "Complete", order
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": SAMPLE})
    assert details["Number"] == SAMPLE and details["Status"] == "Active"
    refreshed = await api.ok("POST", "/v1.0/numbers/refresh-nnid", json={"PhoneNumber": SAMPLE})
    assert refreshed["PhoneNumber"] == SAMPLE and refreshed["Successful"] is True
    sent = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": SAMPLE, "To": [{"Number": "+18015737111"}], "Body": "hi"}
    )
    assert sent["From"] == SAMPLE
