"""Account and distributor endpoints: shapes, errors, who may create what, tenancy between distributors."""

from __future__ import annotations

import pytest

from support.api import BASE_URL, OPERATOR_TOKEN, Api

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


ADDRESS = {"Street1": "Street 1", "Street2": "Street 2", "City": "Heber", "State": "Utah", "Zip": "", "Country": "USA"}


async def operator_post(http, path: str, body: dict, token: str = OPERATOR_TOKEN):
    return await http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


async def test_operator_creates_distributor_and_it_can_authenticate(http):
    response = await operator_post(
        http, "/v1.0/distributor/create", {"DistributorName": "Telegent Account 2", "BillingAddress": ADDRESS}
    )
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["DistributorId"].startswith("DID-") and created["AccountKey"] == created["DistributorId"]
    assert created["Secret"] and created["TotalAccounts"] == 1 and created["AccountId"].startswith("AID-")
    assert created["BillingAddress"] == ADDRESS
    assert created["MailingAddress"] == dict.fromkeys(ADDRESS)
    token = await http.post(
        "/v1.0/OAuth2/tokens",
        json={
            "AccountKey": created["AccountKey"],
            "AccountSecret": created["Secret"],
            "ApiEndpoint": f"{BASE_URL}/v1.0/distributor",
        },
    )
    assert token.status_code == 200
    details = await http.get(
        "/v1.0/distributor",
        params={"DistributorId": created["DistributorId"]},
        headers={"Authorization": f"Bearer {token.json()['token']}"},
    )
    assert details.status_code == 200
    assert details.json()["DistributorName"] == "Telegent Account 2" and details.json()["Secret"] is None


async def test_distributor_token_cannot_create_distributors(api: Api, http):
    response = await api.post("/v1.0/distributor/create", {"DistributorName": "Sneaky"})
    assert response.status_code == 403
    assert "only the platform operator" in response.json()["Message"]
    assert (await operator_post(http, "/v1.0/distributor/create", {"DistributorName": "X"}, "wrong")).status_code == 401
    assert (await http.post("/v1.0/distributor/create", json={"DistributorName": "X"})).status_code == 401
    missing = await operator_post(http, "/v1.0/distributor/create", {})
    assert missing.status_code == 400 and "DistributorName" in missing.json()["Message"]


async def test_account_create_get_update(api: Api):
    created = await api.ok(
        "POST",
        "/v1.0/account/create",
        json={
            "AccountName": "Telegent Account 3",
            "AccountAdmin": "jerome@joonto.com",
            "BillingAddress": ADDRESS,
            "MailingAddress": {"Street1": None, "City": None},
        },
    )
    assert created["AccountId"].startswith("AID-") and created["TotalSubscribers"] == 0
    assert created["BillingAddress"] == ADDRESS
    got = await api.ok("GET", "/v1.0/account", params={"AccountId": created["AccountId"]})
    assert got == created
    updated = await api.ok(
        "POST",
        "/v1.0/account/update",
        json={
            "AccountId": created["AccountId"],
            "AccountName": "Telegent Account 3.1",
            "BillingAddress": {"City": "Provo"},
        },
    )
    assert updated["AccountName"] == "Telegent Account 3.1"
    assert updated["BillingAddress"] == {**ADDRESS, "City": "Provo"}
    # With two accounts, update without AccountId (the contract's schema has none) updates the default account.
    default = await api.ok("POST", "/v1.0/account/update", json={"AccountName": "x"})
    assert default["AccountId"] == api.account_id and default["AccountName"] == "x"


async def test_account_errors(api: Api):
    assert (await api.get("/v1.0/account")).status_code == 400
    response = await api.post("/v1.0/account/create", {"AccountAdmin": "a@b.co"})
    assert response.status_code == 400 and "AccountName" in response.json()["Message"]
    bad_email = await api.post("/v1.0/account/create", {"AccountName": "A", "AccountAdmin": "nope"})
    assert bad_email.status_code == 400


async def test_tenancy_between_distributors(api: Api, other_api: Api):
    assert (await other_api.get("/v1.0/account", AccountId=api.account_id)).status_code == 400  # Invalid AccountId
    response = await other_api.get("/v1.0/distributor", DistributorId=api.credential.account_key)
    assert response.status_code == 404
    response = await other_api.post(
        "/v1.0/distributor/update", {"DistributorId": api.credential.account_key, "DistributorName": "Hijacked"}
    )
    assert response.status_code == 404
    accounts = await other_api.ok("GET", "/v1.0/distributor/accounts")
    assert [a["AccountId"] for a in accounts["Results"]] == [other_api.account_id]


async def test_distributor_update_and_lists(api: Api):
    did = api.credential.account_key
    updated = await api.ok(
        "POST",
        "/v1.0/distributor/update",
        json={"DistributorId": did, "DistributorName": "Acme 2.1", "MailingAddress": ADDRESS},
    )
    assert updated["DistributorName"] == "Acme 2.1" and updated["MailingAddress"] == ADDRESS
    assert updated["TotalAccounts"] == 1
    await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"})
    accounts = await api.ok("GET", "/v1.0/distributor/accounts", params={"Filter": "Active"})
    assert accounts["TotalAccounts"] == 2 and accounts["Filter"] == "Active"
    assert {"AccountId", "AccountName", "TotalSubscribers", "BillingAddress", "MailingAddress"} <= set(
        accounts["Results"][0]
    )
    bad = await api.get("/v1.0/distributor/accounts", Filter="Some")
    assert bad.status_code == 400 and "All, Active, Inactive" in bad.json()["Message"]
    for path in ("/v1.0/distributor/products", "/v1.0/distributor/packages", "/v1.0/distributor/subscriptions"):
        listed = await api.ok("GET", path, params={"Filter": "all"})
        assert listed["Filter"] == "All" and listed["Results"] == [] and listed["DistributorId"] == did


async def test_distributor_subscribers_paged(api: Api):
    for i in range(5):
        await api.ok(
            "POST",
            "/v1.0/subscribers/create",
            json={
                "Name": f"User {i}",
                "Email": f"user{i}@example.com",
                "PhoneNumbers": [],
                "Role": "Subscriber",
                "Password": "a-long-password",
            },
        )
    page = await api.ok("GET", "/v1.0/distributor/subscribers", params={"PageNumber": 2, "TotalPerPage": 2})
    assert page["PageNumber"] == 2 and page["TotalSubscribers"] == 5
    assert [s["Name"] for s in page["Subscribers"]] == ["User 2", "User 3"]
    assert page["Subscribers"][0]["Subscriptions"] == [] and page["Subscribers"][0]["Account"]["AccountId"]
    default = await api.ok("GET", "/v1.0/distributor/subscribers")
    assert default["PageNumber"] == 1 and len(default["Subscribers"]) == 5
    assert (await api.get("/v1.0/distributor/subscribers", PageNumber=0)).status_code == 400
    assert (await api.get("/v1.0/distributor/subscribers", TotalPerPage=5000)).status_code == 400


async def test_account_lists(api: Api):
    for path, total in (
        ("/v1.0/account/services", "TotalServices"),
        ("/v1.0/account/products", "TotalProducts"),
        ("/v1.0/account/packages", "TotalPackages"),
        ("/v1.0/account/subscriptions", "TotalSubscriptions"),
    ):
        listed = await api.ok("GET", path, params={"Filter": "Inactive"})
        assert listed[total] == 0 and listed["Filter"] == "Inactive" and listed["Results"] == []
        assert (await api.get(path, Filter="bogus")).status_code == 400
    assert await api.ok("GET", "/v1.0/account/workgroups") == {"Workgroups": []}
    schedules = await api.ok("GET", "/v1.0/account/schedules")
    assert schedules == {"AccountID": api.account_id, "TotalSchedules": 0, "Results": []}
