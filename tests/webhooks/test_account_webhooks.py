"""Account webhooks: management endpoints, New_Sms delivery in json and xml, attempts recorded."""

from __future__ import annotations

import asyncio
import json

import pytest

from support.api import make_message_route, provision

BODY = {
    "WebhookUrl": "https://api.example.com/events",
    "Method": "POST",
    "DataFormat": "json",
    "AuthenticationType": "Basic",
    "AuthenticationUsername": "u",
    "AuthenticationPassword": "p",
    "SubscribedEvents": "Order_Update, New_SMS",
}


async def test_create_get_list_update_delete(api):
    created = await api.ok("POST", "/v1.0/webhook/create", json=BODY)
    assert created["WebhookId"].startswith("WID-")
    assert created["AccountId"] == api.account_id
    assert created["SubscribedEvents"] == "Order_Update, New_Sms"
    assert created["Active"] is True
    fetched = await api.ok("GET", "/v1.0/webhook", params={"WebhookId": created["WebhookId"]})
    assert fetched == created
    listing = await api.ok("GET", "/v1.0/account/webhooks")
    assert listing == [created]
    updated = await api.ok(
        "POST",
        "/v1.0/webhook/update",
        json={
            "WebhookId": created["WebhookId"],
            "Method": "put",
            "DataFormat": "XML",
            "AuthenticationType": "Bearer",
            "AuthenticationToken": "tok",
            "SubscribedEvents": ["New_Sms"],
        },
    )
    assert (updated["Method"], updated["DataFormat"], updated["AuthenticationType"]) == ("PUT", "xml", "Bearer")
    assert updated["SubscribedEvents"] == "New_Sms"
    assert updated["WebhookUrl"] == BODY["WebhookUrl"]
    deleted = await api.ok("POST", "/v1.0/webhook/delete", json={"WebhookId": created["WebhookId"]})
    assert deleted == {"WebhookId": created["WebhookId"], "WebhookStatus": "Deleted"}
    assert (await api.get("/v1.0/webhook", WebhookId=created["WebhookId"])).status_code == 404


@pytest.mark.parametrize(
    "change,message",
    [
        ({"SubscribedEvents": "New_Sms, Nope"}, "The SubscribedEvents field has an unknown event 'Nope'"),
        ({"SubscribedEvents": ""}, "The SubscribedEvents field must name at least one of"),
        ({"Method": "GET"}, "The Method field must be one of: POST, PUT."),
        ({"DataFormat": "csv"}, "The DataFormat field must be one of: json, xml."),
        ({"WebhookUrl": "ftp://x"}, "The WebhookUrl field must be an absolute http:// or https:// URL."),
        (
            {"AuthenticationType": "Token"},
            "The AuthenticationToken field is required when AuthenticationType is Token.",
        ),
        ({"AuthenticationPassword": None}, "The AuthenticationUsername and AuthenticationPassword fields are required"),
    ],
)
async def test_validation(api, change, message):
    response = await api.post("/v1.0/webhook/create", {**BODY, **change})
    assert response.status_code == 400
    assert response.json()["Message"].startswith(message)
    assert await api.ok("GET", "/v1.0/account/webhooks") == []


async def test_other_distributor_cannot_see_or_touch(api, other_api):
    created = await api.ok("POST", "/v1.0/webhook/create", json=BODY)
    assert (await other_api.get("/v1.0/webhook", WebhookId=created["WebhookId"])).status_code == 404
    assert (await other_api.post("/v1.0/webhook/delete", {"WebhookId": created["WebhookId"]})).status_code == 404
    assert await other_api.ok("GET", "/v1.0/account/webhooks") == []


async def _until(predicate, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_new_sms_delivered_json_and_xml(api, numbers, httpserver, http):
    httpserver.expect_request("/json").respond_with_data("ok")
    httpserver.expect_request("/xml").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={
            "WebhookUrl": httpserver.url_for("/json"),
            "AuthenticationType": "Token",
            "AuthenticationToken": "tkn",
            "SubscribedEvents": "New_Sms",
        },
    )
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={
            "WebhookUrl": httpserver.url_for("/xml"),
            "Method": "PUT",
            "DataFormat": "xml",
            "SubscribedEvents": "New_Sms",
        },
    )
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/orders"), "SubscribedEvents": "Order_Update"},
    )
    owner = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    sent = await api.post("/sandbox/v1/inbound", {"From": "+18015737111", "To": owner, "Body": "a < b"})
    await _until(lambda: len([r for r, _ in httpserver.log if r.path in ("/json", "/xml")]) >= 2)
    by_path = {r.path: r for r, _ in httpserver.log}
    # The Order_Update-only webhook heard the provisioning order, never the message.
    order_events = [json.loads(r.get_data())["EventType"] for r, _ in httpserver.log if r.path == "/orders"]
    assert set(order_events) <= {"Order_Update"}
    event = json.loads(by_path["/json"].get_data())
    assert event["EventType"] == "New_Sms" and event["AccountId"] == api.account_id
    assert event["Data"]["Message_ID"] == sent.json()["MessageId"]
    assert event["Data"]["Message_Body"] == "a < b"
    assert by_path["/json"].headers["Authorization"] == "Bearer tkn"
    xml = by_path["/xml"]
    assert xml.method == "PUT" and xml.headers["Content-Type"] == "application/xml"
    assert b"<EventType>New_Sms</EventType>" in xml.get_data()
    assert b"<Message_Body>a &lt; b</Message_Body>" in xml.get_data()
    assert by_path["/json"].headers["X-Mpaas-Event-Id"] != xml.headers["X-Mpaas-Event-Id"]


async def test_attempts_listed_per_message(api, numbers, httpserver, http):
    from werkzeug import Response

    httpserver.expect_ordered_request("/cb").respond_with_response(Response("no", status=500))
    httpserver.expect_request("/cb").respond_with_data("ok")
    route = await make_message_route(api, CallbackMessageUrl=httpserver.url_for("/cb"))
    source = (await provision(api, route))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "x"}
    )

    async def attempts():
        return await api.ok("GET", "/ext/v1/messages/webhook-attempts", params={"MessageId": sent["MessageId"]})

    deadline = asyncio.get_running_loop().time() + 10
    while (data := await attempts())["TotalAttempts"] < 3:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.1)
    codes = [(a["EventType"], a["StatusCode"], a["Attempt"]) for a in data["Attempts"]]
    assert codes[0] == ("message.status", 500, 1)
    assert ("message.status", 200, 2) in codes
    assert all(a["Url"] == httpserver.url_for("/cb") for a in data["Attempts"])
    assert (await other_attempts(api, "TMID-nope")).status_code == 404


async def other_attempts(api, message_id):
    return await api.get("/ext/v1/messages/webhook-attempts", MessageId=message_id)


async def test_order_update_on_provision(api, numbers, httpserver):
    httpserver.expect_request("/orders").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/orders"), "SubscribedEvents": "Order_Update"},
    )
    order = await provision(api, await make_message_route(api))
    await _until(lambda: any(r.path == "/orders" for r, _ in httpserver.log))
    event = json.loads(next(r for r, _ in httpserver.log if r.path == "/orders").get_data())
    assert event["EventType"] == "Order_Update"
    assert event["Data"]["OrderId"] == order["OrderId"]
    assert event["Data"]["OrderStatus"] == "Complete"
    assert event["Data"]["PhoneNumbersOrdered"] == [{"Number": order["PhoneNumberAssigned"]}]
