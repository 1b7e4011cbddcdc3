"""The contract's GETs that declare a JSON body: `GET /v1.0/account/webhooks` and `GET /v1.0/webhook` take
`AccountId` (and `WebhookId`) from it, as the vendor's samples send them (issue 17)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.no_workers

HOOK = {"WebhookUrl": "https://example.com/events", "Method": "POST", "SubscribedEvents": "Order_Update"}


async def test_account_id_in_the_body_of_a_get(api, other_api):
    first = (await api.ok("POST", "/v1.0/webhook/create", json=HOOK))["WebhookId"]
    second = (await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"}))["AccountId"]
    theirs = (await api.ok("POST", "/v1.0/webhook/create", json={**HOOK, "AccountId": second}))["WebhookId"]

    listed = await api.ok("GET", "/v1.0/account/webhooks", json={"AccountId": second})
    assert [h["WebhookId"] for h in listed] == [theirs]
    listed = await api.ok("GET", "/v1.0/account/webhooks", json={"accountid": api.account_id})
    assert [h["WebhookId"] for h in listed] == [first]
    # The query parameter wins over the body.
    listed = await api.ok("GET", "/v1.0/account/webhooks", params={"AccountId": second}, json={"AccountId": "x"})
    assert [h["WebhookId"] for h in listed] == [theirs]
    one = await api.ok("GET", "/v1.0/webhook", json={"AccountId": second, "WebhookId": theirs})
    assert one["WebhookId"] == theirs

    # Tenancy: another distributor's account in the body is refused like in the query.
    response = await other_api.call("GET", "/v1.0/account/webhooks", json={"AccountId": second})
    assert response.status_code == 400 and response.json()["Message"] == "Invalid AccountId"
    response = await api.call("GET", "/v1.0/account/webhooks", content=b"[1]")
    assert response.status_code == 400 and response.json()["Message"] == "The request body must be a JSON object."
