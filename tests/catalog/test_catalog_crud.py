"""Products, packages (+items) and services (+items): every operation, in-use refusals, tenancy."""

from __future__ import annotations

import pytest

from support.api import Api

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


PRODUCT = {
    "SKU": "eSim",
    "Description": "Telegent eSim",
    "Type": "esim",
    "SubType": "esim",
    "Cost": 12.34,
    "BillingFrequency": "MRC",
}


async def new_product(api: Api, **overrides) -> dict:
    return await api.ok("POST", "/v1.0/products", json={**PRODUCT, **overrides})


async def new_package(api: Api, items: list[dict] | None = None, **overrides) -> dict:
    body = {
        "PackageName": "Package 10",
        "Description": "d",
        "Type": "sip",
        "Price": 300.0,
        "Monthly": True,
        "PackageItems": items or [],
        **overrides,
    }
    return await api.ok("POST", "/v1.0/packages", json=body)


async def test_product_crud(api: Api):
    created = await new_product(api)
    pid = created["ProductId"]
    assert pid.startswith("PRID-") and created["Cost"] == 12.34 and created["BillingFrequency"] == "MRC"
    assert created["Active"] is True and created["DistributorId"] == api.credential.account_key
    assert await api.ok("GET", "/v1.0/products", params={"ProductId": pid}) == created
    updated = await api.ok(
        "POST", "/v1.0/products/update", json={"ProductId": pid, "Cost": "1.50", "BillingFrequency": "nrc"}
    )
    assert updated["Cost"] == 1.5 and updated["BillingFrequency"] == "NRC" and updated["SKU"] == "eSim"
    await api.ok("POST", "/v1.0/products/update", json={"ProductId": pid, "Active": False})
    assert (await api.ok("GET", "/v1.0/distributor/products", params={"Filter": "Inactive"}))["TotalProducts"] == 1
    assert (await api.ok("GET", "/v1.0/account/products", params={"Filter": "Active"}))["TotalProducts"] == 0
    deleted = await api.ok("POST", "/v1.0/products/delete", json={"ProductId": pid})
    assert deleted == {"ProductId": pid, "ProductStatus": "Deleted"}
    assert (await api.get("/v1.0/products", ProductId=pid)).status_code == 404
    assert (await api.post("/v1.0/products/delete", {"ProductId": pid})).status_code == 404


async def test_product_validation(api: Api):
    for bad in (
        {**PRODUCT, "BillingFrequency": "weekly"},
        {**PRODUCT, "Cost": -1},
        {**PRODUCT, "Cost": "abc"},
        {k: v for k, v in PRODUCT.items() if k != "SKU"},
        {**PRODUCT, "Cost": "1.0000001"},
    ):
        response = await api.post("/v1.0/products", bad)
        assert response.status_code == 400, bad
    assert isinstance(await api.ok("GET", "/v1.0/products"), list)  # no id: a list (issue 17)
    response = await api.post("/v1.0/products/update", {"ProductId": "PRID-nope", "Cost": 1})
    assert response.status_code == 404


async def test_package_with_items_and_in_use_refusals(api: Api):
    product = await new_product(api)
    package = await new_package(
        api, [{"ProductId": product["ProductId"], "Price": "1.12", "Monthly": False, "Type": "Type 3"}]
    )
    pkg = package["PackageId"]
    assert pkg.startswith("PID-") and package["Price"] == 300 and package["Monthly"] is True
    items = await api.ok("GET", "/v1.0/packages/items", params={"PackageId": pkg})
    assert len(items) == 1 and items[0]["Price"] == 1.12 and items[0]["PackageItemId"].startswith("PIID-")
    # A product in a package cannot be deleted.
    refused = await api.post("/v1.0/products/delete", {"ProductId": product["ProductId"]})
    assert refused.status_code == 400 and pkg in refused.json()["Message"] and "in use" in refused.json()["Message"]
    added = await api.ok("POST", "/v1.0/packages/items/add", json={"PackageId": pkg, "ProductId": product["ProductId"]})
    assert added["Price"] == 12.34 and added["Monthly"] is True  # defaults from the product
    changed = await api.ok(
        "POST",
        "/v1.0/packages/items/update",
        json={"PackageId": pkg, "PackageItemId": added["PackageItemId"], "Price": "2.5", "Type": "mvno"},
    )
    assert changed["Price"] == 2.5 and changed["Type"] == "mvno"
    for item in await api.ok("GET", "/v1.0/packages/items", params={"PackageId": pkg}):
        gone = await api.ok(
            "POST", "/v1.0/packages/items/delete", json={"PackageId": pkg, "PackageItemId": item["PackageItemId"]}
        )
        assert gone["PackageItemStatus"] == "Deleted"
    await api.ok("POST", "/v1.0/products/delete", json={"ProductId": product["ProductId"]})
    updated = await api.ok(
        "POST",
        "/v1.0/packages/update",
        json={"PackageId": pkg, "PackageName": "Package 5 Updated", "Price": 250, "Monthly": False},
    )
    assert updated["PackageName"] == "Package 5 Updated" and updated["Price"] == 250 and updated["Monthly"] is False
    assert await api.ok("GET", "/v1.0/packages", params={"PackageId": pkg}) == updated
    subs = await api.ok("GET", "/v1.0/packages/subscriptions", params={"PackageId": pkg})
    assert subs["Subscriptions"] == [] and subs["PackageId"] == pkg
    assert (await api.ok("POST", "/v1.0/packages/delete", json={"PackageId": pkg}))["PackageStatus"] == "Deleted"
    assert (await api.get("/v1.0/packages", PackageId=pkg)).status_code == 404


async def test_package_errors(api: Api, other_api: Api):
    foreign = await new_product(other_api)
    response = await api.post(
        "/v1.0/packages",
        {
            "PackageName": "P",
            "Type": "t",
            "Price": 1,
            "Monthly": True,
            "PackageItems": [{"ProductId": foreign["ProductId"]}],
        },
    )
    assert response.status_code == 400 and "PackageItems[0].ProductId" in response.json()["Message"]
    assert (await api.post("/v1.0/packages", {"PackageName": "P", "Type": "t", "Price": 1})).status_code == 400
    package = await new_package(api)
    missing_item = await api.post(
        "/v1.0/packages/items/update", {"PackageId": package["PackageId"], "PackageItemId": "PIID-x"}
    )
    assert missing_item.status_code == 404


async def test_catalog_tenancy(api: Api, other_api: Api):
    product = await new_product(api)
    package = await new_package(api)
    service = await api.ok("POST", "/v1.0/services", json={"ServiceName": "Caller Id", "Cost": 1.23})
    assert (await other_api.get("/v1.0/products", ProductId=product["ProductId"])).status_code == 404
    assert (await other_api.get("/v1.0/packages", PackageId=package["PackageId"])).status_code == 404
    assert (await other_api.get("/v1.0/services", ServiceId=service["ServiceId"])).status_code == 404
    assert (await other_api.post("/v1.0/products/delete", {"ProductId": product["ProductId"]})).status_code == 404
    assert (
        await other_api.post("/v1.0/packages/update", {"PackageId": package["PackageId"], "Price": 0})
    ).status_code == 404
    assert (await other_api.ok("GET", "/v1.0/distributor/packages"))["TotalPackages"] == 0
    assert (await other_api.ok("GET", "/v1.0/account/services"))["TotalServices"] == 0


async def test_service_and_items(api: Api):
    created = await api.ok("POST", "/v1.0/services", json={"ServiceName": "Caller Id", "Cost": 1.23, "Monthly": True})
    sid = created["ServiceId"]
    assert created == {"ServiceId": sid, "ServiceName": "Caller Id", "Cost": 1.23, "Monthly": True, "Active": True}
    updated = await api.ok("POST", "/v1.0/services/update", json={"ServiceId": sid, "Cost": 2.34})
    assert updated["Cost"] == 2.34 and await api.ok("GET", "/v1.0/services", params={"ServiceId": sid}) == updated
    added = await api.ok(
        "POST",
        "/v1.0/services/items/add",
        json={"ServiceId": sid, "DistributorId": "DID-abc123", "Price": 9.99, "Monthly": True},
    )
    assert added["ServiceId"] == sid and added["Price"] == 9.99 and added["Successful"] is True
    items = await api.ok("GET", "/v1.0/services/items", params={"ServiceId": sid})
    assert items["ServiceId"] == sid and [i["Price"] for i in items["Items"]] == [9.99]
    assert await api.ok(
        "POST", "/v1.0/services/items/update", json={"ServiceId": sid, "Price": 14.99, "Monthly": True}
    ) == {"Price": 14.99, "Monthly": True, "Successful": True}
    refused = await api.post("/v1.0/services/delete", {"ServiceId": sid})
    assert refused.status_code == 400 and "pricing item" in refused.json()["Message"]
    assert await api.ok("POST", "/v1.0/services/items/delete", json={"ServiceId": sid}) == {"Successful": True}
    assert (await api.post("/v1.0/services/items/delete", {"ServiceId": sid})).status_code == 404
    listed = await api.ok("GET", "/v1.0/account/services", params={"Filter": "Active"})
    assert listed["TotalServices"] == 1 and listed["Results"][0]["ServiceId"] == sid
    assert (await api.ok("POST", "/v1.0/services/delete", json={"ServiceId": sid}))["ServiceStatus"] == "Deleted"
    assert (await api.get("/v1.0/services", ServiceId=sid)).status_code == 404
    assert (await api.post("/v1.0/services", {"Cost": 1})).status_code == 400
