"""POST /v1.0/subscribers/transfer: between accounts of one distributor, numbers and subscriptions move too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mpaas.models import PhoneNumber, Subscription
from support.api import Api, make_message_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def _setup(api: Api, numbers):
    route = await make_message_route(api)
    number = (await provision(api, route, AreaCode="801"))["PhoneNumberAssigned"]
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Mover",
            "Email": "mover@example.com",
            "PhoneNumbers": [number],
            "Role": "Subscriber",
            "Password": "a-long-password",
        },
    )
    second = await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"})
    return subscriber, number, second["AccountId"]


async def test_transfer_moves_numbers_and_subscriptions(api: Api, platform, numbers):
    subscriber, number, target = await _setup(api, numbers)
    product = await api.ok(
        "POST",
        "/v1.0/products",
        json={"SKU": "eSim", "Description": "eSim", "Type": "esim", "Cost": 1, "BillingFrequency": "MRC"},
    )
    package = await api.ok(
        "POST",
        "/v1.0/packages",
        json={
            "PackageName": "P",
            "Type": "esim",
            "Price": 10,
            "Monthly": True,
            "PackageItems": [{"ProductId": product["ProductId"]}],
        },
    )
    async with platform.db.read() as session:
        nid = (await session.execute(select(PhoneNumber.id).where(PhoneNumber.number == number))).scalar_one()
    sub = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={
            "SubscriberId": subscriber["SubscriberId"],
            "TNID": nid,
            "PackageId": package["PackageId"],
            "Type": "mvno",
            "AccountId": api.account_id,
        },
    )
    moved = await api.ok(
        "POST",
        "/v1.0/subscribers/transfer",
        json={"SubscriberId": subscriber["SubscriberId"], "FromAccountId": api.account_id, "ToAccountId": target},
    )
    assert moved["Account"]["AccountId"] == target and moved["Account"]["CompanyName"] == "Second"
    assert number in moved["PhoneNumbers"]
    async with platform.db.read() as session:
        assert (
            await session.execute(select(PhoneNumber.account_id).where(PhoneNumber.id == nid))
        ).scalar_one() == target
        assert (await session.get(Subscription, sub["SubscriptionId"])).account_id == target
    listed = await api.ok("GET", "/v1.0/account/subscriptions", params={"AccountId": target})
    assert [s["SubscriptionId"] for s in listed["Results"]] == [sub["SubscriptionId"]]
    # The number now sends for the new account.
    assert (await api.ok("GET", "/v1.0/subscriptions", params={"SubscriptionId": sub["SubscriptionId"]}))["TNID"] == nid


async def test_transfer_errors_and_tenancy(api: Api, other_api: Api, numbers):
    subscriber, _, target = await _setup(api, numbers)
    sid = subscriber["SubscriberId"]
    same = await api.post(
        "/v1.0/subscribers/transfer",
        {"SubscriberId": sid, "FromAccountId": api.account_id, "ToAccountId": api.account_id},
    )
    assert same.status_code == 400
    foreign = await api.post(
        "/v1.0/subscribers/transfer",
        {"SubscriberId": sid, "FromAccountId": api.account_id, "ToAccountId": other_api.account_id},
    )
    assert foreign.status_code == 400 and "ToAccountId" in foreign.json()["Message"]
    wrong_origin = await api.post(
        "/v1.0/subscribers/transfer", {"SubscriberId": sid, "FromAccountId": target, "ToAccountId": api.account_id}
    )
    assert wrong_origin.status_code == 404
    stolen = await other_api.post(
        "/v1.0/subscribers/transfer",
        {"SubscriberId": sid, "FromAccountId": api.account_id, "ToAccountId": other_api.account_id},
    )
    assert stolen.status_code == 400
    missing = await api.post("/v1.0/subscribers/transfer", {"SubscriberId": sid})
    assert missing.status_code == 400
