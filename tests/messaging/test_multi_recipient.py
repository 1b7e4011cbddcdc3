"""A send to several recipients answers one MessageId; every recipient's message, status and callbacks are
reachable from it: its details list each recipient's message, and each callback names it beside its own id."""

from __future__ import annotations

import asyncio
import json

import pytest

from support.api import make_message_route, provision

DELIVERED, FAILING = "+18015737111", "+15005550006"  # the sandbox fails +1500555...


async def _settled(api, message_id: str, timeout: float = 10.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id})
        done = all(m["Status"] in ("Delivered", "Failed") for m in details["Messages"])
        if done or asyncio.get_running_loop().time() > deadline:
            return details
        await asyncio.sleep(0.05)


async def test_details_of_the_send_list_every_recipient(api, numbers):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": DELIVERED}, {"Number": FAILING}], "Body": "hi", "CampaignId": "JCID-1"},
    )
    details = await _settled(api, sent["MessageId"])
    # The send's id is its first recipient's message, and its details list the whole send.
    assert (details["MessageId"], details["To"], details["SendMessageId"]) == (
        sent["MessageId"],
        DELIVERED,
        sent["MessageId"],
    )
    by_to = {m["To"]: m for m in details["Messages"]}
    assert list(by_to) == [DELIVERED, FAILING]
    assert (by_to[DELIVERED]["Status"], by_to[DELIVERED]["ErrorCode"]) == ("Delivered", None)
    assert (by_to[FAILING]["Status"], by_to[FAILING]["ErrorCode"]) == ("Failed", "UNDELIV")
    assert {m["MessageId"] for m in details["Messages"]} == {m["MessageId"] for m in sent["Messages"]}
    assert all(m["Cost"] == 0.0045 for m in details["Messages"])
    # Another recipient's own message names the send, and does not list it again.
    other = await api.ok("GET", "/v1.0/message/details", params={"MessageId": by_to[FAILING]["MessageId"]})
    assert (other["To"], other["Status"], other["SendMessageId"], other["Messages"]) == (
        FAILING,
        "Failed",
        sent["MessageId"],
        None,
    )


@pytest.fixture
def receiver(httpserver):
    httpserver.expect_request("/cb").respond_with_data("ok")
    return httpserver


async def test_each_callback_names_the_send(api, numbers, receiver):
    route = await make_message_route(api, CallbackMessageUrl=receiver.url_for("/cb"))
    source = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": DELIVERED}, {"Number": FAILING}], "Body": "hi"},
    )
    deadline = asyncio.get_running_loop().time() + 10
    while len(receiver.log) < 4 and asyncio.get_running_loop().time() < deadline:  # Sent + final, per recipient
        await asyncio.sleep(0.05)
    events = [json.loads(request.get_data()) for request, _ in receiver.log]
    assert sorted((e["To"], e["Status"]) for e in events) == [
        (FAILING, "Failed"),
        (FAILING, "Sent"),
        (DELIVERED, "Delivered"),
        (DELIVERED, "Sent"),
    ]
    assert {e["SendMessageId"] for e in events} == {sent["MessageId"]}
    assert {e["MessageId"] for e in events} == {m["MessageId"] for m in sent["Messages"]}
