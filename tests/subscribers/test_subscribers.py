"""Subscribers: create, get, update; email unique across the platform."""

from __future__ import annotations

import pytest

from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


BODY = {
    "Name": "Jerome User",
    "Email": "jerome@example.com",
    "PhoneNumbers": [],
    "Role": "Subscriber",
    "Password": "a-long-password",
}
NOT_YOURS = "The PhoneNumbers field lists {}, which is not a number of your accounts."


async def test_create_and_get(api, numbers):
    mine = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    created = await api.ok("POST", "/v1.0/subscribers/create", json={**BODY, "PhoneNumbers": [mine]})
    assert created["SubscriberId"].startswith("TSUID-")
    assert created["Account"] == {"AccountId": api.account_id, "CompanyName": "Acme"}
    assert created["PhoneNumbers"] == [mine]
    assert "Password" not in created
    fetched = await api.ok("GET", "/v1.0/subscribers/get", params={"SubscriberId": created["SubscriberId"]})
    assert fetched == created


async def test_phone_numbers_may_be_empty_but_key_is_required(api):
    assert (await api.post("/v1.0/subscribers/create", {**BODY, "PhoneNumbers": []})).status_code == 200
    body = {k: v for k, v in BODY.items() if k != "PhoneNumbers"} | {"Email": "other@example.com"}
    response = await api.post("/v1.0/subscribers/create", body)
    assert response.status_code == 400
    assert response.json()["Message"] == "The PhoneNumbers field is required."


async def test_email_already_exists_case_insensitive(api):
    await api.ok("POST", "/v1.0/subscribers/create", json=BODY)
    response = await api.post("/v1.0/subscribers/create", {**BODY, "Email": "JEROME@example.com"})
    assert response.status_code == 400
    assert response.json() == {"StatusCode": 400, "Message": "Email already exists"}


async def test_email_unique_across_distributors(api, other_api):
    await api.ok("POST", "/v1.0/subscribers/create", json=BODY)
    response = await other_api.post("/v1.0/subscribers/create", BODY)
    assert response.json()["Message"] == "Email already exists"


async def test_role_must_be_known(api):
    response = await api.post("/v1.0/subscribers/create", {**BODY, "Role": "Boss"})
    assert response.status_code == 400
    assert response.json()["Message"] == "The Role field must be one of: Subscriber, Manager, Account Admin."


async def test_email_must_be_valid(api):
    response = await api.post("/v1.0/subscribers/create", {**BODY, "Email": "nope"})
    assert response.json()["Message"] == "The Email field must be a valid email address."


async def test_phone_numbers_must_be_e164(api):
    response = await api.post("/v1.0/subscribers/create", {**BODY, "PhoneNumbers": ["8015551234"]})
    assert response.status_code == 400
    assert "PhoneNumbers" in response.json()["Message"]


async def test_invalid_account_id(api, other_api):
    response = await api.post("/v1.0/subscribers/create", {**BODY, "AccountId": other_api.account_id})
    assert response.status_code == 400
    assert response.json()["Message"] == "Invalid AccountId"


async def test_get_requires_id_and_404s(api):
    assert (await api.get("/v1.0/subscribers/get")).json()["Message"] == "The SubscriberId field is required."
    assert (await api.get("/v1.0/subscribers/get", SubscriberId="TSUID-x")).status_code == 404


async def test_update_partial(api):
    created = await api.ok("POST", "/v1.0/subscribers/create", json=BODY)
    updated = await api.ok(
        "POST",
        "/v1.0/subscribers/update",
        json={"SubscriberId": created["SubscriberId"], "Name": "Jerome 2", "Role": "manager"},
    )
    assert updated["Name"] == "Jerome 2"
    assert updated["Role"] == "Manager"
    assert updated["Email"] == BODY["Email"]
    assert updated["PhoneNumbers"] == BODY["PhoneNumbers"]


async def test_update_unknown_is_404(api):
    response = await api.post("/v1.0/subscribers/update", {"SubscriberId": "TSUID-x", "Name": "y"})
    assert response.status_code == 404


async def test_assigned_numbers_listed(api, numbers):
    created = await api.ok("POST", "/v1.0/subscribers/create", json={**BODY, "PhoneNumbers": []})
    number = await provision(api, await make_message_route(api), AssignedSubscriberId=created["SubscriberId"])
    fetched = await api.ok("GET", "/v1.0/subscribers/get", params={"SubscriberId": created["SubscriberId"]})
    assert fetched["PhoneNumbers"] == [number["PhoneNumberAssigned"]]


async def test_phone_numbers_are_the_callers_own(api, other_api, numbers):
    """Issue 16: a subscriber could list another distributor's number. Another tenant's number, an inventory
    number and an unknown one are refused alike, so the answer reveals nothing of who holds it."""
    mine = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    theirs = (await provision(other_api, await make_message_route(other_api)))["PhoneNumberAssigned"]
    unprovisioned = next(n for n in numbers if n not in (mine, theirs))
    for number in (theirs, unprovisioned, "+15005550006"):
        response = await api.post("/v1.0/subscribers/create", {**BODY, "PhoneNumbers": [mine, number]})
        assert response.status_code == 400
        assert response.json()["Message"] == NOT_YOURS.format(number)
    created = await api.ok("POST", "/v1.0/subscribers/create", json={**BODY, "PhoneNumbers": [mine, mine]})
    assert created["PhoneNumbers"] == [mine]
    update = {"SubscriberId": created["SubscriberId"], "PhoneNumbers": [theirs]}
    response = await api.post("/v1.0/subscribers/update", update)
    assert response.json() == {"StatusCode": 400, "Message": NOT_YOURS.format(theirs)}
    fetched = await api.ok("GET", "/v1.0/subscribers/get", params={"SubscriberId": created["SubscriberId"]})
    assert fetched["PhoneNumbers"] == [mine]


async def test_phone_numbers_and_names_are_bounded(api):
    """Issue 16: 50k PhoneNumbers, NUL or a line break in a name were stored."""
    many = [f"+1801555{i:04d}" for i in range(101)]
    response = await api.post("/v1.0/subscribers/create", {**BODY, "PhoneNumbers": many})
    assert response.json() == {"StatusCode": 400, "Message": "The PhoneNumbers field must hold at most 100 items."}
    for name, problem in (
        ("Jerome\r\nX-Injected: 1", "must be a single line (no line breaks, tabs or control characters)"),
        ("Jer\x00ome", "must not contain NUL characters"),
        ("J" * 256, "must be at most 255 characters long"),
    ):
        response = await api.post("/v1.0/subscribers/create", {**BODY, "Name": name})
        assert response.json() == {"StatusCode": 400, "Message": f"The Name field {problem}."}
