"""AccountId once a distributor has several accounts (issue 17): it is required only where the contract's schema
requires it (`subscribers/create`, `GET /v1.0/account`); elsewhere a read spans all of the caller's accounts and a
create goes to the distributor's default account, its oldest."""

from __future__ import annotations

import pytest

from support.api import MESSAGE_ROUTE, Api, make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers

HOOK = {"WebhookUrl": "https://example.com/events", "Method": "POST", "SubscribedEvents": "Order_Update"}


async def test_several_accounts_need_no_account_id_where_the_schema_has_it_optional(api: Api, other_api: Api, numbers):
    first = api.account_id
    in_first = await make_message_route(api)
    second = (await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"}))["AccountId"]
    in_second = await make_message_route(api, AccountId=second)
    await make_message_route(other_api)  # another distributor's: never listed

    # Creates without AccountId go to the default account: the oldest.
    route = await api.ok("POST", "/v1.0/message/routes", json=MESSAGE_ROUTE)
    assert route["AccountId"] == first
    voice = await api.ok("GET", "/v1.0/voice/routes", params={"CallRouteID": await make_voice_route(api)})
    assert voice["AccountId"] == first
    hook = await api.ok("POST", "/v1.0/webhook/create", json=HOOK)
    assert hook["AccountId"] == first
    number = await provision(api, in_first)
    assert (await api.ok("GET", "/v1.0/numbers", params={"Number": number["PhoneNumberAssigned"]}))["Number"]
    second_number = await provision(api, in_second, AccountId=second)
    updated = await api.ok("POST", "/v1.0/account/update", json={"AccountName": "Renamed"})
    assert updated["AccountId"] == first and updated["AccountName"] == "Renamed"

    # Reads without AccountId span both accounts; with it, only the one named.
    listed = await api.ok("GET", "/v1.0/account/message/routes")
    assert listed["AccountID"] is None
    assert {r["MessageRouteId"] for r in listed["Results"]} == {in_first, in_second, route["MessageRouteId"]}
    only = await api.ok("GET", "/v1.0/account/message/routes", params={"AccountId": second})
    assert only["AccountID"] == second and [r["MessageRouteId"] for r in only["Results"]] == [in_second]
    assert (await api.ok("GET", "/v1.0/account/voice/routes"))["TotalRoutes"] == 1
    inventory = await api.ok("GET", "/v1.0/numbers/inventory")
    assert {n["Number"] for n in inventory["PhoneNumbers"]} == {
        number["PhoneNumberAssigned"],
        second_number["PhoneNumberAssigned"],
    }
    assert inventory["AccountId"] is None and inventory["TotalResults"] == 2
    assert (await api.ok("GET", "/v1.0/account/schedules"))["AccountID"] is None
    assert (await api.ok("GET", "/v1.0/account/subscriptions"))["AccountId"] is None
    assert [h["WebhookId"] for h in await api.ok("GET", "/v1.0/account/webhooks")] == [hook["WebhookId"]]
    for path in ("/v1.0/account/services", "/v1.0/account/products", "/v1.0/account/packages"):
        await api.ok("GET", path)

    # Tenancy stays absolute: another distributor's account is still `Invalid AccountId`.
    response = await other_api.get("/v1.0/account/message/routes", AccountId=first)
    assert response.status_code == 400 and response.json()["Message"] == "Invalid AccountId"
    theirs = await other_api.ok("GET", "/v1.0/account/message/routes")
    assert theirs["AccountID"] == other_api.account_id and theirs["TotalRoutes"] == 1


async def test_account_id_required_where_the_schema_requires_it(api: Api):
    subscriber = {
        "Name": "Jerome User 4",
        "Email": "jerome4@example.com",
        "PhoneNumbers": [],
        "Role": "Subscriber",
        "Password": "1234567890",
    }
    # One account: the contract's single-account credentials omit it.
    assert (await api.ok("POST", "/v1.0/subscribers/create", json=subscriber))["Account"]["AccountId"] == api.account_id
    # GET /v1.0/account: the query parameter is marked required, and is, whatever the number of accounts.
    response = await api.get("/v1.0/account")
    assert response.status_code == 400 and response.json()["Message"] == "The AccountId field is required."
    second = (await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"}))["AccountId"]
    response = await api.post("/v1.0/subscribers/create", {**subscriber, "Email": "jerome5@example.com"})
    assert response.status_code == 400 and response.json()["Message"] == "The AccountId field is required."
    created = await api.ok(
        "POST", "/v1.0/subscribers/create", json={**subscriber, "Email": "jerome5@example.com", "AccountId": second}
    )
    assert created["Account"]["AccountId"] == second
    # mpaas's own per-account money reads (/ext) name the account once there are several.
    for path in ("/ext/v1/billing/charges", "/ext/v1/billing/statement"):
        response = await api.get(path)
        assert response.status_code == 400 and response.json()["Message"] == "The AccountId field is required.", path
        assert (await api.ok("GET", path, params={"AccountId": second}))["AccountId"] == second
