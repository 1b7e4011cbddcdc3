"""Guardian features, guardian relations and the 11 call-filter operations, through the API: the contract's
fields and shapes, the rules (Guardian on first, duplicates, presets need a guardian, update takes WHITELIST or
BLACKLIST), a guardian managing its child's filter, and tenancy."""

from __future__ import annotations

import pytest

from support.api import make_message_route, provision
from support.guardian import call_filter, enable, relate, subscriber

pytestmark = pytest.mark.no_workers


async def _number(api) -> str:
    return (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]


async def _kid(api, *, on: bool = True) -> tuple[str, str]:
    number = await _number(api)
    kid = await subscriber(api, [number])
    if on:
        await enable(api, kid, calls=True, messages=False)
    return kid, number


# --- features ---


async def test_features_are_off_until_configured_and_toggle_independently(api, numbers):
    kid = await subscriber(api)
    read = await api.ok("GET", "/v1.0/subscribers/guardian-features", params={"SubscriberId": kid})
    assert read == {
        "SubscriberId": kid,
        "EnableIntelligentGuardianCalls": False,
        "EnableIntelligentGuardianMessages": False,
    }
    answer = await api.ok(
        "POST",
        "/v1.0/subscribers/guardian-features",
        json={"SubscriberId": kid, "EnableIntelligentGuardianCalls": True},
    )
    assert answer == {
        "SubscriberId": kid,
        "EnableIntelligentGuardianCalls": True,
        "EnableIntelligentGuardianMessages": False,
    }
    await api.ok(
        "POST",
        "/v1.0/subscribers/guardian-features",
        json={"SubscriberId": kid, "EnableIntelligentGuardianMessages": "true"},
    )
    read = await api.ok("GET", "/v1.0/subscribers/guardian-features", params={"SubscriberId": kid})
    assert read["EnableIntelligentGuardianCalls"] is True and read["EnableIntelligentGuardianMessages"] is True


async def test_features_need_a_subscriber_of_the_caller(api, other_api):
    kid = await subscriber(api)
    response = await other_api.post("/v1.0/subscribers/guardian-features", {"SubscriberId": kid})
    assert response.status_code == 404
    response = await other_api.get("/v1.0/subscribers/guardian-features", SubscriberId=kid)
    assert response.status_code == 404
    response = await api.get("/v1.0/subscribers/guardian-features")
    assert response.json() == {"StatusCode": 400, "Message": "The SubscriberId field is required."}
    response = await api.post("/v1.0/subscribers/guardian-features", {"EnableIntelligentGuardianCalls": True})
    assert response.status_code == 400 and "SubscriberId" in response.json()["Message"]


# --- relations ---


async def test_relation_lifecycle(api, numbers):
    parent, child = await subscriber(api, name="Mum"), await subscriber(api)
    for who in (parent, child):
        await enable(api, who)
    created = await relate(api, parent, child, "Guardian")
    assert created == {"ParentSubscriberId": parent, "ChildSubscriberId": child, "Relation": "Guardian"}
    children = await api.ok("GET", "/v1.0/subscribers/guardians/relation/parent", params={"ParentSubscriberId": parent})
    assert children == {"ParentSubscriberId": parent, "Children": [created]}
    guardians = await api.ok("GET", "/v1.0/subscribers/guardians/relation/child", params={"ChildSubscriberId": child})
    assert guardians == {"ChildSubscriberId": child, "Guardians": [created]}
    relabelled = await relate(api, parent, child, "Caregiver")  # again: the label changes, no second relation
    assert relabelled["Relation"] == "Caregiver"
    deleted = await api.ok(
        "POST",
        "/v1.0/subscribers/guardians/relation/delete",
        json={"ParentSubscriberId": parent, "ChildSubscriberId": child},
    )
    assert deleted["Status"] == "Deleted" and deleted["Relation"] == "Caregiver" and deleted["DateDeleted"]
    assert (deleted["ParentSubscriberId"], deleted["ChildSubscriberId"]) == (parent, child)
    children = await api.ok("GET", "/v1.0/subscribers/guardians/relation/parent", params={"ParentSubscriberId": parent})
    assert children["Children"] == []
    again = await api.post(
        "/v1.0/subscribers/guardians/relation/delete", {"ParentSubscriberId": parent, "ChildSubscriberId": child}
    )
    assert again.status_code == 404


async def test_relation_rules(api, other_api, numbers):
    parent, child, off = await subscriber(api, name="Mum"), await subscriber(api), await subscriber(api)
    for who in (parent, child):
        await enable(api, who, calls=False, messages=True)  # either feature counts as Guardian on
    body = {"ParentSubscriberId": parent, "ChildSubscriberId": off, "Relation": "Parent"}
    response = await api.post("/v1.0/subscribers/guardians/relation", body)
    assert response.status_code == 400 and "ChildSubscriberId" in response.json()["Message"]
    assert "AI Guardian" in response.json()["Message"]
    response = await api.post("/v1.0/subscribers/guardians/relation", {**body, "ChildSubscriberId": parent})
    assert response.status_code == 400
    await relate(api, parent, child)
    response = await api.post(
        "/v1.0/subscribers/guardians/relation",
        {"ParentSubscriberId": child, "ChildSubscriberId": parent, "Relation": "Parent"},
    )
    assert response.status_code == 400 and "each other" in response.json()["Message"]
    response = await api.post("/v1.0/subscribers/guardians/relation", {"ParentSubscriberId": parent, "Relation": "x"})
    assert response.status_code == 400 and "ChildSubscriberId" in response.json()["Message"]
    # Another distributor sees neither subscriber nor relation.
    stranger = await subscriber(other_api)
    await enable(other_api, stranger)
    response = await other_api.post(
        "/v1.0/subscribers/guardians/relation",
        {"ParentSubscriberId": stranger, "ChildSubscriberId": child, "Relation": "Parent"},
    )
    assert response.status_code == 404
    response = await other_api.get("/v1.0/subscribers/guardians/relation/parent", ParentSubscriberId=parent)
    assert response.status_code == 404
    response = await other_api.get("/v1.0/subscribers/guardians/relation/child", ChildSubscriberId=child)
    assert response.status_code == 404
    response = await other_api.post(
        "/v1.0/subscribers/guardians/relation/delete", {"ParentSubscriberId": parent, "ChildSubscriberId": child}
    )
    assert response.status_code == 404


# --- call filters ---


async def test_create_get_update_delete(api, numbers):
    kid, number = await _kid(api)
    created = await call_filter(
        api,
        kid,
        number,
        "WHITELIST",
        AllowedNumbers=["+1111111111", "+12125550100"],
        BlockedNumbers=["+3333333333"],
        EnableTranscription=True,
        KeywordFilter='{"CustomKeywords":["banned"],"SystemKeywords":{"Violence":["threat1"]},"SeverityMap":{"banned":"HIGH"}}',
        TranscriptionAction="warning",
        WarningMessage="This call may be terminated",
        NotificationPhones=["+12125550199"],
    )
    assert created["FilterId"].startswith("CFID-")
    assert created["SubscriberId"] == kid and created["Phone"] == number and created["FilterMode"] == "WHITELIST"
    assert created["AllowedNumbers"] == ["+1111111111", "+12125550100"]
    assert created["BlockedNumbers"] == ["+3333333333"]
    assert created["TranscriptionAction"] == "WARNING" and created["EnableTranscription"] is True
    assert created["ApplyToInbound"] is True and created["ApplyToOutbound"] is False  # docs/guardian.md defaults
    assert created["BlockUnknownNumbers"] is False and created["BlockInternational"] is False
    assert created["RecordFlaggedCalls"] is False and created["TimeRestrictions"] is None
    assert created["Enforcement"] == "ACTIVE"
    filter_id = created["FilterId"]

    listed = await api.ok("GET", "/v1.0/subscribers/call-filter", params={"SubscriberId": kid})
    assert listed == [created]
    assert await api.ok("GET", "/v1.0/subscribers/call-filter", params={"Phone": number}) == [created]
    assert await api.ok("GET", "/v1.0/subscribers/call-filter") == [created]

    updated = await api.ok(
        "POST",
        "/v1.0/subscribers/call-filter/update",
        json={
            "FilterId": filter_id,
            "FilterMode": "BLACKLIST",
            "BlockInternational": True,
            "Enforcement": "monitor_only",
        },
    )
    assert updated["FilterMode"] == "BLACKLIST" and updated["BlockInternational"] is True
    assert updated["Enforcement"] == "MONITOR_ONLY"
    assert updated["AllowedNumbers"] == created["AllowedNumbers"]  # left out: kept

    keywords = await api.ok(
        "GET", "/v1.0/subscribers/call-filter/keywords", params={"SubscriberId": kid, "CallFilterId": filter_id}
    )
    assert keywords == {
        "CustomKeywords": ["banned"],
        "SystemKeywords": {"Violence": ["threat1"]},
        "SeverityMap": {"banned": "HIGH"},
    }

    deleted = await api.ok("POST", "/v1.0/subscribers/call-filter/delete", json={"CallFilterId": filter_id})
    assert deleted["Status"] == "Deleted" and deleted["FilterId"] == filter_id and deleted["DateDeleted"]
    assert await api.ok("GET", "/v1.0/subscribers/call-filter", params={"SubscriberId": kid}) == []
    response = await api.post("/v1.0/subscribers/call-filter/delete", {"CallFilterId": filter_id})
    assert response.status_code == 404


async def test_allowed_and_blocked_numbers(api, numbers):
    kid, number = await _kid(api)
    filter_id = (await call_filter(api, kid, number, "BLACKLIST", AllowedNumbers=["+1111111111"]))["FilterId"]
    ids = {"SubscriberId": kid, "CallFilterId": filter_id}
    added = await api.ok(
        "POST", "/v1.0/subscribers/call-filter/allowed-numbers/add", json={**ids, "Numbers": ["+15555555555"]}
    )
    assert added == {"FilterId": filter_id, "SubscriberId": kid, "AllowedNumbers": ["+1111111111", "+15555555555"]}
    removed = await api.ok(
        "POST", "/v1.0/subscribers/call-filter/allowed-numbers/remove", json={**ids, "Numbers": ["+15555555555"]}
    )
    assert removed["AllowedNumbers"] == ["+1111111111"]
    assert await api.ok("GET", "/v1.0/subscribers/call-filter/allowed-numbers", params=ids) == ["+1111111111"]

    added = await api.ok(
        "POST",
        "/v1.0/subscribers/call-filter/blocked-numbers/add",
        json={**ids, "Numbers": ["+3333333333", "+15555555555", "+3333333333"]},
    )
    assert added == {"FilterId": filter_id, "SubscriberId": kid, "BlockedNumbers": ["+3333333333", "+15555555555"]}
    removed = await api.ok(
        "POST", "/v1.0/subscribers/call-filter/blocked-numbers/remove", json={**ids, "Numbers": ["+3333333333"]}
    )
    assert removed["BlockedNumbers"] == ["+15555555555"]
    assert await api.ok("GET", "/v1.0/subscribers/call-filter/blocked-numbers", params=ids) == ["+15555555555"]

    response = await api.post("/v1.0/subscribers/call-filter/blocked-numbers/add", {**ids, "Numbers": ["12345"]})
    assert response.status_code == 400 and "Numbers" in response.json()["Message"]
    response = await api.post("/v1.0/subscribers/call-filter/blocked-numbers/add", {**ids, "Numbers": []})
    assert response.status_code == 400 and "Numbers" in response.json()["Message"]
    response = await api.get("/v1.0/subscribers/call-filter/blocked-numbers", SubscriberId=kid)
    assert response.json() == {"StatusCode": 400, "Message": "The CallFilterId field is required."}


async def test_create_rules(api, numbers):
    kid, number = await _kid(api, on=False)
    body = {"SubscriberId": kid, "Phone": number, "FilterMode": "WHITELIST"}
    response = await api.post("/v1.0/subscribers/call-filter", body)
    assert response.status_code == 400 and "AI Guardian calls are not enabled" in response.json()["Message"]
    await enable(api, kid, calls=True)
    response = await api.post("/v1.0/subscribers/call-filter", {**body, "FilterMode": "CHILD"})
    assert response.status_code == 400 and "needs a guardian" in response.json()["Message"]
    response = await api.post("/v1.0/subscribers/call-filter", {**body, "FilterMode": "STRICT"})
    assert response.status_code == 400 and "FilterMode" in response.json()["Message"]
    response = await api.post("/v1.0/subscribers/call-filter", {**body, "Phone": "+12125550100"})
    assert response.status_code == 400 and "Phone" in response.json()["Message"]
    response = await api.post("/v1.0/subscribers/call-filter", {**body, "KeywordFilter": "{not json"})
    assert response.status_code == 400 and "KeywordFilter" in response.json()["Message"]
    created = await api.ok("POST", "/v1.0/subscribers/call-filter", json=body)
    response = await api.post("/v1.0/subscribers/call-filter", body)
    assert response.json() == {
        "StatusCode": 400,
        "Message": "Duplicate filter found for the same subscriber and phone number",
    }
    response = await api.post(
        "/v1.0/subscribers/call-filter/update", {"FilterId": created["FilterId"], "FilterMode": "CHILD"}
    )
    assert response.status_code == 400 and "FilterMode" in response.json()["Message"]


async def test_a_guardian_manages_its_childs_filters(api, numbers):
    kid, number = await _kid(api)
    parent = await subscriber(api, name="Mum")
    await enable(api, parent)
    outsider = await subscriber(api, name="Neighbour")
    await enable(api, outsider)
    # Not (yet) the guardian: the child's number is not its own.
    response = await api.post(
        "/v1.0/subscribers/call-filter", {"SubscriberId": parent, "Phone": number, "FilterMode": "CHILD"}
    )
    assert response.status_code == 400 and "Phone" in response.json()["Message"]
    await relate(api, parent, kid)
    created = await call_filter(api, parent, number, "CHILD")
    assert created["SubscriberId"] == kid  # the child's filter, made by its guardian
    assert created["ApplyToInbound"] is True and created["ApplyToOutbound"] is True  # presets screen both ways
    # The guardian lists it among its own, and changes its lists.
    assert [
        f["FilterId"] for f in await api.ok("GET", "/v1.0/subscribers/call-filter", params={"SubscriberId": parent})
    ] == [created["FilterId"]]
    ids = {"SubscriberId": parent, "CallFilterId": created["FilterId"]}
    added = await api.ok(
        "POST", "/v1.0/subscribers/call-filter/allowed-numbers/add", json={**ids, "Numbers": ["+12125550100"]}
    )
    assert added["SubscriberId"] == kid and added["AllowedNumbers"] == ["+12125550100"]
    # Someone else's subscriber of the same account is not the child's guardian.
    response = await api.get(
        "/v1.0/subscribers/call-filter/allowed-numbers", SubscriberId=outsider, CallFilterId=created["FilterId"]
    )
    assert response.status_code == 404
    assert await api.ok("GET", "/v1.0/subscribers/call-filter", params={"SubscriberId": outsider}) == []


async def test_another_distributor_never_reaches_a_call_filter(api, other_api, numbers):
    kid, number = await _kid(api)
    created = await call_filter(api, kid, number, "BLACKLIST")
    filter_id = created["FilterId"]
    ids = {"SubscriberId": kid, "CallFilterId": filter_id}
    assert await other_api.ok("GET", "/v1.0/subscribers/call-filter") == []
    assert (await other_api.get("/v1.0/subscribers/call-filter", SubscriberId=kid)).status_code == 404
    for path in ("allowed-numbers", "blocked-numbers", "keywords"):
        assert (await other_api.get(f"/v1.0/subscribers/call-filter/{path}", **ids)).status_code == 404
    for path in ("allowed-numbers/add", "blocked-numbers/remove"):
        response = await other_api.post(f"/v1.0/subscribers/call-filter/{path}", {**ids, "Numbers": ["+12125550100"]})
        assert response.status_code == 404
    response = await other_api.post(
        "/v1.0/subscribers/call-filter/update", {"FilterId": filter_id, "FilterMode": "WHITELIST"}
    )
    assert response.status_code == 404
    response = await other_api.post("/v1.0/subscribers/call-filter/delete", {"CallFilterId": filter_id})
    assert response.status_code == 404
    response = await other_api.post(
        "/v1.0/subscribers/call-filter", {"SubscriberId": kid, "Phone": number, "FilterMode": "WHITELIST"}
    )
    assert response.status_code == 404
    assert await api.ok("GET", "/v1.0/subscribers/call-filter", params={"SubscriberId": kid}) == [created]


async def test_account_id_scopes_every_guardian_operation(api, numbers):
    kid, number = await _kid(api)
    made = await call_filter(api, kid, number, "BLACKLIST")
    second = (await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"}))["AccountId"]
    elsewhere = {"AccountId": second}
    assert (await api.get("/v1.0/subscribers/guardian-features", SubscriberId=kid, **elsewhere)).status_code == 404
    assert (await api.get("/v1.0/subscribers/call-filter", SubscriberId=kid, **elsewhere)).status_code == 404
    assert await api.ok("GET", "/v1.0/subscribers/call-filter", params=elsewhere) == []
    ids = {"SubscriberId": kid, "CallFilterId": made["FilterId"], **elsewhere}
    assert (await api.get("/v1.0/subscribers/call-filter/allowed-numbers", **ids)).status_code == 404
    response = await api.post("/v1.0/subscribers/call-filter/delete", {"CallFilterId": made["FilterId"], **elsewhere})
    assert response.status_code == 404
    mine = {"AccountId": api.account_id}
    assert await api.ok("GET", "/v1.0/subscribers/call-filter", params=mine) == [made]
    response = await api.get("/v1.0/subscribers/call-filter", AccountId="AID-00000000-0000-0000-0000-000000000000")
    assert response.json() == {"StatusCode": 400, "Message": "Invalid AccountId"}
