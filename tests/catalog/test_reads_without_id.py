"""The contract marks the id optional on every catalog and route GET; without it the answer lists every record
the caller may read, as a JSON array of the one-record shape (issue 17). Tenancy holds: another distributor's
records never appear."""

from __future__ import annotations

import pytest

from support.api import Api, make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers


async def _catalog(api: Api) -> dict[str, str]:
    """One of everything, with the ids."""
    product = await api.ok(
        "POST",
        "/v1.0/products",
        json={"SKU": "eSim", "Description": "Telegent eSim", "Type": "esim", "Cost": 12.34, "BillingFrequency": "MRC"},
    )
    package = await api.ok(
        "POST",
        "/v1.0/packages",
        json={
            "PackageName": "Package 10",
            "Type": "sip",
            "Price": 300.0,
            "Monthly": True,
            "PackageItems": [{"ProductId": product["ProductId"], "Price": "1.12", "Monthly": False}],
        },
    )
    service = await api.ok("POST", "/v1.0/services", json={"ServiceName": "Caller Id", "Cost": 1.23, "Monthly": True})
    await api.ok("POST", "/v1.0/services/items/add", json={"ServiceId": service["ServiceId"], "Price": 9.99})
    route = await make_message_route(api)
    number = await provision(api, route)
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Sub",
            "Email": f"sub-{api.account_id}@example.com",
            "PhoneNumbers": [],
            "Role": "Subscriber",
            "Password": "a-long-password",
        },
    )
    subscription = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={
            "SubscriberId": subscriber["SubscriberId"],
            "TNID": number["PhoneNumberId"],
            "PackageId": package["PackageId"],
            "Type": "mvno",
        },
    )
    threshold = await api.ok(
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
    feature = await api.ok(
        "POST", "/v1.0/subscriptions/features/add", json={"FeatureName": "Roaming", "FeatureType": "Roaming"}
    )
    sid = subscription["SubscriptionId"]
    threshold_assignment = await api.ok(
        "POST",
        "/v1.0/subscriptions/thresholds/assignments/add",
        json={"ThresholdId": threshold["ThresholdId"], "SubscriptionId": sid},
    )
    feature_assignment = await api.ok(
        "POST",
        "/v1.0/subscriptions/features/assignments/add",
        json={"FeatureId": feature["FeatureId"], "SubscriptionId": sid},
    )
    return {
        "ProductId": product["ProductId"],
        "PackageId": package["PackageId"],
        "ServiceId": service["ServiceId"],
        "SubscriptionId": sid,
        "ThresholdId": threshold["ThresholdId"],
        "FeatureId": feature["FeatureId"],
        "ThresholdAssignmentId": threshold_assignment["ThresholdAssignmentId"],
        "FeatureAssignmentId": feature_assignment["FeatureAssignmentId"],
        "MessageRouteId": route,
        "CallRouteId": await make_voice_route(api),
    }


# path -> (the id each listed record carries, the query parameter that names one record)
READS = {
    "/v1.0/products": ("ProductId", "ProductId"),
    "/v1.0/packages": ("PackageId", "PackageId"),
    "/v1.0/packages/subscriptions": ("PackageId", "PackageId"),
    "/v1.0/packages/items": ("PackageId", "PackageId"),
    "/v1.0/services": ("ServiceId", "ServiceId"),
    "/v1.0/services/items": ("ServiceId", "ServiceId"),
    "/v1.0/subscriptions": ("SubscriptionId", "SubscriptionId"),
    "/v1.0/subscriptions/thresholds": ("ThresholdId", "ThresholdId"),
    "/v1.0/subscriptions/thresholds/assignments": ("ThresholdAssignmentId", "ThresholdId"),
    "/v1.0/subscriptions/features": ("FeatureId", "FeatureId"),
    "/v1.0/subscriptions/features/assignments": ("FeatureAssignmentId", "FeatureId"),
    "/v1.0/message/routes": ("MessageRouteId", "MessageRouteId"),
    "/v1.0/voice/routes": ("CallRouteId", "CallRouteID"),
}


async def test_get_without_id_lists(api: Api, other_api: Api, numbers):
    mine = await _catalog(api)
    theirs = await _catalog(other_api)
    for path, (key, param) in READS.items():
        listed = await api.ok("GET", path)
        assert isinstance(listed, list), path
        assert [record[key] for record in listed] == [mine[key]], path
        assert theirs[key] not in {record[key] for record in listed}, path
        one = await api.ok("GET", path, params={param: mine[key if param == "CallRouteID" else param]})
        shape = one[0] if isinstance(one, list) else one
        assert set(shape) == set(listed[0]), path  # the listed records have the one-record shape
