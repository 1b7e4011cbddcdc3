"""Status callbacks and inbound messages reach a real HTTP receiver, signed, with the route's method and auth."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl

import pytest
from werkzeug import Response

from support.api import make_message_route, provision


async def _signing_secret(platform, account_id: str) -> str:
    from mpaas.messaging.repository import signing_secret

    async with platform.db.read() as session:
        return await signing_secret(session, account_id)


def _verify(secret: str, request) -> bool:
    """The recipe in docs/webhooks.md."""
    content = request.get_data() if request.method != "GET" else request.query_string
    expected = (
        "sha256="
        + hmac.new(
            secret.encode(), request.headers["X-Mpaas-Timestamp"].encode() + b"." + content, hashlib.sha256
        ).hexdigest()
    )
    return hmac.compare_digest(expected, request.headers["X-Mpaas-Signature"])


async def _until(predicate, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)


def _received(httpserver, path: str) -> list:
    return [req for req, _resp in httpserver.log if req.path == path]


@pytest.fixture
def receiver(httpserver):
    httpserver.expect_request("/in").respond_with_data("ok")
    httpserver.expect_request("/cb").respond_with_data("ok")
    return httpserver


async def test_status_callbacks_signed(api, numbers, platform, receiver):
    route = await make_message_route(
        api,
        CallbackMessageUrl=receiver.url_for("/cb"),
        CallbackMessageAuthenticationType="Bearer",
        CallbackMessagePasswordToken="cb-token",
    )
    source = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "hi"}
    )
    await _until(lambda: len(_received(receiver, "/cb")) >= 2)
    secret = await _signing_secret(platform, api.account_id)
    callbacks = _received(receiver, "/cb")
    bodies = [json.loads(r.get_data()) for r in callbacks]
    assert [b["Status"] for b in bodies] == ["Sent", "Delivered"]
    assert all(b["MessageId"] == sent["MessageId"] for b in bodies)
    assert all(_verify(secret, r) for r in callbacks)
    assert all(r.headers["Authorization"] == "Bearer cb-token" for r in callbacks)
    event_ids = [r.headers["X-Mpaas-Event-Id"] for r in callbacks]
    assert len(set(event_ids)) == 2 and event_ids == [b["EventId"] for b in bodies]


async def test_a_status_callback_carries_every_documented_field(api, numbers, platform, receiver):
    """The callback job stores only the change (status, error, time); the rest comes from the message when
    it is delivered, and must read exactly as docs/webhooks.md shows it."""
    from datetime import datetime

    route = await make_message_route(api, CallbackMessageUrl=receiver.url_for("/cb"))
    source = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "x" * 200, "CampaignId": "CMP-7"},
    )
    await _until(lambda: len(_received(receiver, "/cb")) >= 2)
    details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": sent["MessageId"]})
    sent_event, delivered = [json.loads(r.get_data()) for r in _received(receiver, "/cb")]
    assert list(delivered) == [
        "EventId",
        "EventType",
        "MessageId",
        "SendMessageId",
        "Status",
        "Direction",
        "From",
        "To",
        "Owner",
        "ErrorCode",
        "Segment",
        "Cost",
        "CampaignId",
        "Timestamp",
    ]
    assert {
        k: delivered[k]
        for k in (
            "EventType",
            "MessageId",
            "Status",
            "Direction",
            "From",
            "To",
            "Owner",
            "ErrorCode",
            "Segment",
            "CampaignId",
        )
    } == {
        "EventType": "message.status",
        "MessageId": sent["MessageId"],
        "Status": "Delivered",
        "Direction": "Outbound",
        "From": source,
        "To": "+18015737111",
        "Owner": source,
        "ErrorCode": None,
        "Segment": 2,
        "CampaignId": "CMP-7",
    }
    assert delivered["Cost"] == sent_event["Cost"] and delivered["Cost"] > 0
    assert str(delivered["Cost"]) in json.dumps(details)  # the message's own cost
    sent_at, delivered_at = (datetime.fromisoformat(e["Timestamp"]) for e in (sent_event, delivered))
    assert sent_at.utcoffset().total_seconds() == 0 and sent_at <= delivered_at


async def test_a_status_callback_queued_whole_is_delivered_as_stored(api, numbers, platform, receiver):
    """Callback jobs of an earlier version hold the whole event: after an upgrade they go out unchanged."""
    from mpaas.core.jobs.queue import enqueue
    from mpaas.webhooks.jobs import DELIVER_JOB

    route = await make_message_route(api, CallbackMessageUrl=receiver.url_for("/cb"))
    source = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "hi"}
    )
    await _until(lambda: len(_received(receiver, "/cb")) >= 2)
    stored = {
        "EventId": "EVT-OLD",
        "EventType": "message.status",
        "MessageId": sent["MessageId"],
        "Status": "Delivered",
        "Note": "as queued by the earlier version",
    }
    async with platform.db.write() as session:
        enqueue(
            session,
            platform.clock.now(),
            DELIVER_JOB,
            {
                "target": "callback",
                "message_id": sent["MessageId"],
                "event_id": "EVT-OLD",
                "event_type": "message.status",
                "payload": stored,
            },
        )
    platform.jobs.notify()
    await _until(lambda: len(_received(receiver, "/cb")) >= 3)
    assert json.loads(_received(receiver, "/cb")[2].get_data()) == stored


async def test_inbound_reaches_message_url(api, numbers, platform, receiver, http):
    route = await make_message_route(
        api,
        MessageUrl=receiver.url_for("/in"),
        MessageAuthenticationType="Basic",
        MessageUsername="admin",
        MessagePasswordToken="s3cret",
    )
    owner = (await provision(api, route))["PhoneNumberAssigned"]
    response = await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": owner, "Body": "Hi back"})
    assert response.status_code == 200
    await _until(lambda: len(_received(receiver, "/in")) >= 1)
    request = _received(receiver, "/in")[0]
    payload = json.loads(request.get_data())
    assert payload["Message_ID"] == response.json()["MessageId"]
    assert payload["Owner"] == owner and payload["To"] == owner
    assert payload["From"] == "+18015737111"
    assert payload["Message_Body"] == "Hi back"
    assert payload["Segment"] == 1
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"admin:s3cret").decode()
    assert _verify(await _signing_secret(platform, api.account_id), request)
    details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": payload["Message_ID"]})
    assert details["Status"] == "Received" and details["Direction"] == "INBOUND"


async def test_get_method_sends_query(api, numbers, platform, receiver, http):
    route = await make_message_route(api, MessageUrl=receiver.url_for("/in"), MessageUrlMethod="GET")
    owner = (await provision(api, route))["PhoneNumberAssigned"]
    await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": owner, "Body": "q"})
    await _until(lambda: len(_received(receiver, "/in")) >= 1)
    request = _received(receiver, "/in")[0]
    assert request.method == "GET"
    assert dict(parse_qsl(request.query_string.decode()))["Message_Body"] == "q"
    assert _verify(await _signing_secret(platform, api.account_id), request)


async def test_receiver_down_then_up_gets_it(api, numbers, httpserver, http):
    httpserver.expect_ordered_request("/in").respond_with_response(Response("down", status=503))
    httpserver.expect_ordered_request("/in").respond_with_data("ok")
    route = await make_message_route(api, MessageUrl=httpserver.url_for("/in"))
    owner = (await provision(api, route))["PhoneNumberAssigned"]
    await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": owner, "Body": "retry me"})
    await _until(lambda: len(_received(httpserver, "/in")) >= 2)
    first, second = _received(httpserver, "/in")
    assert first.headers["X-Mpaas-Event-Id"] == second.headers["X-Mpaas-Event-Id"]


async def test_disabled_route_sends_nothing(api, numbers, receiver, http):
    route = await make_message_route(api, MessageUrl=receiver.url_for("/in"), MessageRouteEnabled=False)
    owner = (await provision(api, route))["PhoneNumberAssigned"]
    response = await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": owner, "Body": "x"})
    assert response.status_code == 200
    await asyncio.sleep(0.5)
    assert _received(receiver, "/in") == []


async def test_inbound_to_unknown_number_is_404(api, numbers):
    response = await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": numbers[0], "Body": "x"})
    assert response.status_code == 404


async def test_inbound_validation(api):
    response = await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "Body": "x"})
    assert response.json() == {"StatusCode": 400, "Message": "The To field is required."}
