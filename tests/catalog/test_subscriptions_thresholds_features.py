"""Subscriptions, thresholds, features and their assignments: every operation, errors, tenancy."""

from __future__ import annotations

import pytest

from support.api import Api, make_message_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def make_subscriber(api: Api, email: str = "sub@example.com") -> str:
    return (
        await api.ok(
            "POST",
            "/v1.0/subscribers/create",
            json={
                "Name": "Sub",
                "Email": email,
                "PhoneNumbers": [],
                "Role": "Subscriber",
                "Password": "a-long-password",
            },
        )
    )["SubscriberId"]


async def make_package(api: Api, price=10, name="Basic") -> str:
    return (
        await api.ok(
            "POST", "/v1.0/packages", json={"PackageName": name, "Type": "esim", "Price": price, "Monthly": True}
        )
    )["PackageId"]


async def test_subscription_crud(api: Api, numbers):
    number = await provision(api, await make_message_route(api))
    subscriber, package = await make_subscriber(api), await make_package(api)
    created = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={
            "SubscriberId": subscriber,
            "TNID": number["TNID"] if "TNID" in number else number["PhoneNumberAssigned"],
            "ICCID": "8901240397190002080",
            "PackageId": package,
            "Type": "Mvno",
        },
    )
    sid = created["SubscriptionId"]
    assert sid.startswith("SUB-") and created["Type"] == "mvno" and created["Active"] is True
    assert created["TNID"].startswith("NID-") and created["ICCID"] == "8901240397190002080"
    assert await api.ok("GET", "/v1.0/subscriptions", params={"SubscriptionId": sid}) == created
    # One subscription per number.
    again = await api.post(
        "/v1.0/subscriptions",
        {"SubscriberId": subscriber, "TNID": created["TNID"], "PackageId": package, "Type": "mvno"},
    )
    assert again.status_code == 400 and "one subscription per number" in again.json()["Message"]
    # A package with an active subscription cannot be deleted.
    refused = await api.post("/v1.0/packages/delete", {"PackageId": package})
    assert refused.status_code == 400 and "active subscription" in refused.json()["Message"]
    other = await make_package(api, 20, "Plus")
    updated = await api.ok(
        "POST", "/v1.0/subscriptions/update", json={"SubscriptionId": sid, "PackageId": other, "ICCID": None}
    )
    assert updated["PackageId"] == other and updated["ICCID"] is None
    listed = await api.ok("GET", "/v1.0/distributor/subscriptions", params={"Filter": "Active"})
    assert [s["SubscriptionId"] for s in listed["Results"]] == [sid]
    deleted = await api.ok("POST", "/v1.0/subscriptions/delete", json={"SubscriptionId": sid})
    assert deleted == {"SubscriptionId": sid, "SubscriptionStatus": "Deleted"}
    assert (await api.get("/v1.0/subscriptions", SubscriptionId=sid)).status_code == 404
    # A deleted subscription is listed as inactive.
    inactive = await api.ok("GET", "/v1.0/account/subscriptions", params={"Filter": "Inactive"})
    assert [(s["SubscriptionId"], s["Active"]) for s in inactive["Results"]] == [(sid, False)]
    assert (await api.ok("GET", "/v1.0/distributor/subscriptions", params={"Filter": "Active"}))["Results"] == []
    history = await api.ok("GET", "/v1.0/packages/subscriptions", params={"PackageId": other})
    assert history["Subscriptions"][0]["Active"] is False
    assert (await api.ok("POST", "/v1.0/packages/delete", json={"PackageId": package}))["PackageStatus"] == "Deleted"


async def test_subscription_errors_and_tenancy(api: Api, other_api: Api):
    subscriber, package = await make_subscriber(api), await make_package(api)
    foreign_package = await make_package(other_api)
    bad_type = await api.post("/v1.0/subscriptions", {"SubscriberId": subscriber, "PackageId": package, "Type": "x"})
    assert bad_type.status_code == 400
    foreign = await api.post(
        "/v1.0/subscriptions", {"SubscriberId": subscriber, "PackageId": foreign_package, "Type": "mvno"}
    )
    assert foreign.status_code == 400 and "PackageId" in foreign.json()["Message"]
    stolen = await other_api.post(
        "/v1.0/subscriptions", {"SubscriberId": subscriber, "PackageId": foreign_package, "Type": "mvno"}
    )
    assert stolen.status_code == 404
    no_number = await api.post(
        "/v1.0/subscriptions", {"SubscriberId": subscriber, "PackageId": package, "Type": "mvno", "TNID": "NID-nope"}
    )
    assert no_number.status_code == 400 and "TNID" in no_number.json()["Message"]
    sid = (
        await api.ok(
            "POST", "/v1.0/subscriptions", json={"SubscriberId": subscriber, "PackageId": package, "Type": "iot"}
        )
    )["SubscriptionId"]
    assert (await other_api.get("/v1.0/subscriptions", SubscriptionId=sid)).status_code == 404
    assert (await other_api.post("/v1.0/subscriptions/delete", {"SubscriptionId": sid})).status_code == 404
    assert [s["SubscriptionId"] for s in await api.ok("GET", "/v1.0/subscriptions")] == [sid]  # no id: a list
    assert await other_api.ok("GET", "/v1.0/subscriptions") == []


async def test_thresholds_and_assignments(api: Api, other_api: Api):
    subscriber, package = await make_subscriber(api), await make_package(api)
    sid = (
        await api.ok(
            "POST", "/v1.0/subscriptions", json={"SubscriberId": subscriber, "PackageId": package, "Type": "mvno"}
        )
    )["SubscriptionId"]
    created = await api.ok(
        "POST",
        "/v1.0/subscriptions/thresholds/add",
        json={
            "ThresholdName": "80% Data Alert",
            "ThresholdType": "Data",
            "ThresholdAmount": 80,
            "ThresholdUnit": "MB",
            "ThresholdAction": "Alert",
        },
    )
    tid = created["ThresholdId"]
    assert tid.startswith("THID-") and created["AccountId"] == api.account_id and created["Active"] is True
    assert await api.ok("GET", "/v1.0/subscriptions/thresholds", params={"ThresholdId": tid}) == created
    updated = await api.ok(
        "POST",
        "/v1.0/subscriptions/thresholds/update",
        json={"ThresholdId": tid, "ThresholdAmount": 2, "ThresholdUnit": "GB", "ThresholdAction": "restrict"},
    )
    assert (updated["ThresholdAmount"], updated["ThresholdUnit"], updated["ThresholdAction"]) == (2, "GB", "Restrict")
    mismatch = await api.post("/v1.0/subscriptions/thresholds/update", {"ThresholdId": tid, "ThresholdType": "SMS"})
    assert mismatch.status_code == 400 and "Count" in mismatch.json()["Message"]
    assert (await api.post("/v1.0/subscriptions/thresholds/add", {"ThresholdName": "x"})).status_code == 400
    assignment = await api.ok(
        "POST", "/v1.0/subscriptions/thresholds/assignments/add", json={"ThresholdId": tid, "SubscriptionId": sid}
    )
    aid = assignment["ThresholdAssignmentId"]
    assert aid.startswith("TAID-") and assignment == {
        "ThresholdAssignmentId": aid,
        "ThresholdId": tid,
        "SubscriptionId": sid,
        "Active": True,
    }
    assert await api.ok("GET", "/v1.0/subscriptions/thresholds/assignments", params={"ThresholdId": tid}) == [
        assignment
    ]
    second = (
        await api.ok(
            "POST",
            "/v1.0/subscriptions/thresholds/add",
            json={
                "ThresholdName": "SMS cap",
                "ThresholdType": "SMS",
                "ThresholdAmount": 100,
                "ThresholdUnit": "Count",
                "ThresholdAction": "Pause",
            },
        )
    )["ThresholdId"]
    moved = await api.ok(
        "POST",
        "/v1.0/subscriptions/thresholds/assignments/update",
        json={"ThresholdAssignmentId": aid, "ThresholdId": second},
    )
    assert moved["ThresholdId"] == second
    assert (
        await other_api.post(
            "/v1.0/subscriptions/thresholds/assignments/add", {"ThresholdId": tid, "SubscriptionId": sid}
        )
    ).status_code == 404
    assert (await other_api.get("/v1.0/subscriptions/thresholds", ThresholdId=tid)).status_code == 404
    gone = await api.ok(
        "POST", "/v1.0/subscriptions/thresholds/assignments/delete", json={"ThresholdAssignmentId": aid}
    )
    assert gone == {"ThresholdAssignmentId": aid, "ThresholdAssignmentStatus": "Deleted"}
    await api.ok(
        "POST", "/v1.0/subscriptions/thresholds/assignments/add", json={"ThresholdId": tid, "SubscriptionId": sid}
    )
    deleted = await api.ok("POST", "/v1.0/subscriptions/thresholds/delete", json={"ThresholdId": tid})
    assert deleted == {"ThresholdId": tid, "ThresholdStatus": "Deleted"}
    assert (await api.get("/v1.0/subscriptions/thresholds/assignments", ThresholdId=tid)).status_code == 404


async def test_features_and_assignments(api: Api, other_api: Api):
    subscriber, package = await make_subscriber(api), await make_package(api)
    sid = (
        await api.ok(
            "POST", "/v1.0/subscriptions", json={"SubscriberId": subscriber, "PackageId": package, "Type": "mvno"}
        )
    )["SubscriptionId"]
    created = await api.ok(
        "POST",
        "/v1.0/subscriptions/features/add",
        json={
            "FeatureName": "International Roaming",
            "FeatureType": "Roaming",
            "FeatureDescription": "Enables data and voice while roaming internationally.",
        },
    )
    fid = created["FeatureId"]
    assert fid.startswith("FEID-") and created["AccountId"] == api.account_id
    assert await api.ok("GET", "/v1.0/subscriptions/features", params={"FeatureId": fid}) == created
    updated = await api.ok(
        "POST", "/v1.0/subscriptions/features/update", json={"FeatureId": fid, "FeatureType": "VoIP"}
    )
    assert updated["FeatureType"] == "VoIP" and updated["FeatureName"] == "International Roaming"
    assignment = await api.ok(
        "POST", "/v1.0/subscriptions/features/assignments/add", json={"FeatureId": fid, "SubscriptionId": sid}
    )
    faid = assignment["FeatureAssignmentId"]
    assert faid.startswith("FAID-")
    assert await api.ok("GET", "/v1.0/subscriptions/features/assignments", params={"FeatureId": fid}) == [assignment]
    assert (
        await api.ok(
            "POST",
            "/v1.0/subscriptions/features/assignments/update",
            json={"FeatureAssignmentId": faid, "SubscriptionId": sid},
        )
    )["FeatureId"] == fid
    assert (await other_api.get("/v1.0/subscriptions/features", FeatureId=fid)).status_code == 404
    assert (
        await other_api.post("/v1.0/subscriptions/features/assignments/delete", {"FeatureAssignmentId": faid})
    ).status_code == 404
    assert (
        await api.ok("POST", "/v1.0/subscriptions/features/assignments/delete", json={"FeatureAssignmentId": faid})
    )["FeatureAssignmentStatus"] == "Deleted"
    assert (await api.ok("POST", "/v1.0/subscriptions/features/delete", json={"FeatureId": fid}))[
        "FeatureStatus"
    ] == "Deleted"
    assert (await api.post("/v1.0/subscriptions/features/add", {"FeatureType": "x"})).status_code == 400
