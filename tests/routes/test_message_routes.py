"""Message routes: create, details, update, delete, account listing."""

from __future__ import annotations

import pytest

from support.api import MESSAGE_ROUTE, make_message_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def test_create_echoes_contract_fields(api):
    body = {
        **MESSAGE_ROUTE,
        "MessageAuthenticationType": "Basic",
        "MessageUsername": "admin",
        "MessagePasswordToken": "pw",
        "CallbackMessageUrl": "https://example.com/cb",
        "CallbackMessageUrlMethod": "GET",
        "InboundBypass": True,
    }
    data = await api.ok("POST", "/v1.0/message/routes", json=body)
    assert data["MessageRouteId"].startswith("MRID-")
    assert data["AccountId"] == api.account_id
    assert data["RouteName"] == "Main SMS Webhook"
    assert data["MessageRouteEnabled"] is True
    assert data["MessageAuthenticationType"] == "Basic"
    assert data["CallbackMessageUrlMethod"] == "GET"
    assert data["InboundBypass"] is True


async def test_create_accepts_any_key_casing(api):
    data = await api.ok(
        "POST",
        "/v1.0/message/routes",
        json={"routename": "lower", "MESSAGEURL": "https://example.com/x", "messageUrlMethod": "post"},
    )
    assert data["RouteName"] == "lower"
    assert data["MessageUrlMethod"] == "POST"


async def test_create_requires_route_name(api):
    response = await api.post("/v1.0/message/routes", {"MessageUrl": "https://e.com/x", "MessageUrlMethod": "POST"})
    assert response.status_code == 400
    assert response.json() == {"StatusCode": 400, "Message": "The RouteName field is required."}


async def test_create_rejects_bad_method_naming_field(api):
    response = await api.post("/v1.0/message/routes", {**MESSAGE_ROUTE, "MessageUrlMethod": "PATCH"})
    assert response.status_code == 400
    assert response.json()["Message"] == "The MessageUrlMethod field must be one of: GET, POST."


async def test_create_rejects_non_url(api):
    response = await api.post("/v1.0/message/routes", {**MESSAGE_ROUTE, "MessageUrl": "not a url"})
    assert response.status_code == 400
    assert "MessageUrl" in response.json()["Message"]


async def test_basic_auth_needs_username(api):
    response = await api.post("/v1.0/message/routes", {**MESSAGE_ROUTE, "MessageAuthenticationType": "Basic"})
    assert response.status_code == 400
    assert "MessageUsername" in response.json()["Message"]


async def test_bad_input_changes_nothing(api):
    await api.post("/v1.0/message/routes", {**MESSAGE_ROUTE, "MessageUrlMethod": "PATCH"})
    listing = await api.ok("GET", "/v1.0/account/message/routes")
    assert listing["TotalRoutes"] == 0


async def test_details_by_either_query_casing(api):
    route_id = await make_message_route(api)
    for name in ("MessageRouteId", "MessageRouteID", "messagerouteid"):
        data = await api.ok("GET", "/v1.0/message/routes", params={name: route_id})
        assert data["MessageRouteId"] == route_id


async def test_details_without_id_lists(api):
    """MessageRouteId is optional in the contract: without it, the caller's routes (issue 17)."""
    assert await api.ok("GET", "/v1.0/message/routes") == []


async def test_details_unknown_is_404(api):
    response = await api.get("/v1.0/message/routes", MessageRouteId="MRID-nope")
    assert response.status_code == 404


async def test_update_is_partial(api):
    route_id = await make_message_route(api, CallbackMessageUrl="https://e.com/cb")
    data = await api.ok(
        "POST",
        "/v1.0/message/routes/update",
        json={"MessageRouteId": route_id, "RouteName": "Renamed", "MessageRouteEnabled": False},
    )
    assert data["RouteName"] == "Renamed"
    assert data["MessageRouteEnabled"] is False
    assert data["CallbackMessageUrl"] == "https://e.com/cb"
    assert data["MessageUrl"] == MESSAGE_ROUTE["MessageUrl"]


async def test_update_cannot_clear_required_field(api):
    route_id = await make_message_route(api)
    response = await api.post("/v1.0/message/routes/update", {"MessageRouteId": route_id, "MessageUrl": None})
    assert response.status_code == 400
    assert "MessageUrl" in response.json()["Message"]


async def test_update_unknown_is_404(api):
    response = await api.post("/v1.0/message/routes/update", {"MessageRouteId": "MRID-x", "RouteName": "y"})
    assert response.status_code == 404


async def test_delete(api):
    route_id = await make_message_route(api)
    data = await api.ok("POST", "/v1.0/message/routes/delete", json={"MessageRouteId": route_id})
    assert data == {"MessageRouteStatus": "Deleted", "MRID": route_id}
    assert (await api.get("/v1.0/message/routes", MessageRouteId=route_id)).status_code == 404


async def test_delete_refused_while_numbers_use_it(api, numbers):
    route_id = await make_message_route(api)
    await provision(api, route_id)
    response = await api.post("/v1.0/message/routes/delete", {"MessageRouteId": route_id})
    assert response.status_code == 400
    assert "used by 1 number" in response.json()["Message"]


async def test_account_listing(api):
    first = await make_message_route(api, RouteName="one")
    second = await make_message_route(api, RouteName="two")
    data = await api.ok("GET", "/v1.0/account/message/routes")
    assert data["AccountID"] == api.account_id
    assert data["TotalRoutes"] == 2
    assert [r["MessageRouteId"] for r in data["Results"]] == [first, second]
    assert data["Results"][0]["AccountID"] == api.account_id
