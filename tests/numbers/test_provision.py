"""POST /v1.0/numbers/provision and the business rules around it."""

from __future__ import annotations

import pytest

from support.api import Api, make_message_route, make_voice_route, provision
from support.seed import new_distributor

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


BASE = {
    "NumberType": "mvno",
    "MessageType": "p2p",
    "MessageEnabled": True,
    "VoiceEnabled": False,
    "ProductType": "Sms+Data",
}


async def test_provision_response_shape(api, numbers):
    route = await make_message_route(api)
    data = await provision(api, route, AreaCode="801")
    assert data["OrderId"].startswith("JNUOID-")
    assert data["OrderStatus"] == "Complete"
    assert data["PhoneNumberAssigned"].startswith("+1801")
    assert data["PhoneNumberId"].startswith("NID-")
    assert data["ErrorMessage"] is None
    assert len(data["ZipCode"]) == 5
    # No ICCID given: an eSIM is issued with an LPA activation code, linked as a QR code image (test_qr.py).
    assert data["ActivationCode"].startswith("LPA:1$") and data["QRCode"].endswith(".png")
    assert data["ICCID"].startswith("89") and len(data["ICCID"]) == 19


async def test_provision_with_iccid_has_no_qr(api, numbers):
    data = await provision(api, await make_message_route(api), ICCID="8901240397190195850")
    assert data["ICCID"] == "8901240397190195850"
    assert data["QRCode"] is None


async def test_message_route_required(api, numbers):
    response = await api.post("/v1.0/numbers/provision", BASE)
    assert response.status_code == 400
    assert response.json() == {"StatusCode": 400, "Message": "MessageRouteId is required"}


async def test_message_route_of_other_account_is_not_found(api, other_api, numbers):
    foreign = await make_message_route(other_api)
    response = await api.post("/v1.0/numbers/provision", {**BASE, "MessageRouteId": foreign})
    assert response.status_code == 404


async def test_voice_needs_the_voice_product_and_the_route_is_optional(api, numbers):
    route = await make_message_route(api)
    response = await api.post("/v1.0/numbers/provision", {**BASE, "MessageRouteId": route, "VoiceEnabled": True})
    assert response.status_code == 400
    assert "VoiceEnabled needs ProductType Sms+Data+Voice" in response.json()["Message"]
    voice = await make_voice_route(api)
    data = await provision(api, route, VoiceEnabled=True, VoiceRouteId=voice, ProductType="Sms+Data+Voice")
    assert data["OrderStatus"] == "Complete"
    data = await provision(api, route, VoiceEnabled=True, ProductType="Sms+Data+Voice")  # the quick start: optional
    assert data["OrderStatus"] == "Complete"


async def test_iot_is_p2p_only(api, numbers):
    route = await make_message_route(api)
    response = await api.post(
        "/v1.0/numbers/provision", {**BASE, "MessageRouteId": route, "NumberType": "iot", "MessageType": "a2p"}
    )
    assert response.status_code == 400
    assert response.json()["Message"].startswith("NumberType / MessageType mismatch")
    assert (await provision(api, route, NumberType="iot"))["OrderStatus"] == "Complete"


async def test_product_type_required_and_case_insensitive(api, numbers):
    route = await make_message_route(api)
    body = {k: v for k, v in BASE.items() if k != "ProductType"}
    response = await api.post("/v1.0/numbers/provision", {**body, "MessageRouteId": route})
    assert response.json()["Message"] == "The ProductType field is required."
    response = await api.post("/v1.0/numbers/provision", {**body, "MessageRouteId": route, "ProductType": "voice"})
    assert response.json()["Message"] == (
        "The ProductType field must be one of: Sms-Only, Data-Only, Sms+Data, Sms+Data+Voice."
    )
    data = await provision(api, route, ProductType="sms+data+voice")
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": data["PhoneNumberAssigned"]})
    assert details["ProductType"] == "Sms+Data+Voice"


async def test_subscriber_must_belong_to_account(api, other_api, numbers):
    foreign = await other_api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={"Name": "x", "Email": "x@example.com", "PhoneNumbers": [], "Role": "Subscriber", "Password": "password1"},
    )
    route = await make_message_route(api)
    response = await api.post(
        "/v1.0/numbers/provision", {**BASE, "MessageRouteId": route, "AssignedSubscriberId": foreign["SubscriberId"]}
    )
    assert response.status_code == 400
    assert "AssignedSubscriberId" in response.json()["Message"]


async def test_account_id_optional_with_several_accounts(platform, http, numbers):
    """The schema has AccountId optional: without it the number goes to the default (oldest) account."""
    from mpaas.accounts import repository
    from mpaas.core import ids

    credential = await new_distributor(platform, "Multi")
    async with platform.db.write() as session:
        second = repository.add_account(
            session,
            id=ids.new_id(ids.ACCOUNT),
            distributor_id=credential.account_key,
            company_name="Second",
            now=platform.clock.now(),
        )
    api = Api(http, credential)
    route = await make_message_route(api, AccountId=second.id)
    response = await api.post("/v1.0/numbers/provision", {**BASE, "MessageRouteId": route})
    assert response.status_code == 404  # the route is not in the default account
    assert credential.account_id in response.json()["Message"]
    default_route = await make_message_route(api)
    assert (await provision(api, default_route))["OrderStatus"] == "Complete"
    response = await api.post(
        "/v1.0/numbers/provision", {**BASE, "MessageRouteId": route, "AccountId": "AID-not-theirs"}
    )
    assert response.json()["Message"] == "Invalid AccountId"
    data = await provision(api, route, AccountId=second.id)
    assert data["OrderStatus"] == "Complete"


async def test_named_number(api, other_api, numbers):
    wanted = numbers[3]
    data = await provision(api, await make_message_route(api), PhoneNumbers=[{"Number": wanted}])
    assert data["PhoneNumberAssigned"] == wanted
    response = await other_api.post(
        "/v1.0/numbers/provision",
        {**BASE, "MessageRouteId": await make_message_route(other_api), "PhoneNumbers": [{"Number": wanted}]},
    )
    assert response.status_code == 400
    assert response.json()["Message"] == "Phone number already in use"


async def test_named_number_not_in_inventory(api, numbers):
    response = await api.post(
        "/v1.0/numbers/provision",
        {**BASE, "MessageRouteId": await make_message_route(api), "PhoneNumbers": [{"Number": "+12025550123"}]},
    )
    assert response.status_code == 400
    assert "not in the number inventory" in response.json()["Message"]


async def test_zip_then_any(api, numbers):
    route = await make_message_route(api)
    details = await api.ok(
        "POST",
        "/v1.0/numbers/availability",
        json={"NumberType": "mobile", "MessageEnabled": True, "VoiceEnabled": False, "AreaCode": "212"},
    )
    zipcode = details["AvailableNumberAreas"][0]["Zipcode"]
    by_zip = await provision(api, route, AreaCode="907", ZipCode=zipcode)
    assert by_zip["ZipCode"] == zipcode
    anywhere = await provision(api, route, AreaCode="907")
    assert anywhere["PhoneNumberAssigned"] in numbers


async def test_inventory_exhausted(api, platform):
    from support.seed import add_inventory

    await add_inventory(platform, 1, ["801"])
    route = await make_message_route(api)
    await provision(api, route)
    response = await api.post("/v1.0/numbers/provision", {**BASE, "MessageRouteId": route})
    assert response.status_code == 400
    assert "No available numbers" in response.json()["Message"]


@pytest.mark.parametrize("iccid", ["123", "8901240397190195850XYZ"])
async def test_bad_iccid(api, numbers, iccid):
    response = await api.post(
        "/v1.0/numbers/provision", {**BASE, "MessageRouteId": await make_message_route(api), "ICCID": iccid}
    )
    assert response.status_code == 400
    assert "ICCID" in response.json()["Message"]
