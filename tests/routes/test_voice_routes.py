"""Voice routes: every contract field stored and echoed; delete refused while numbers use a route."""

from __future__ import annotations

import pytest

from support.api import make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


FULL = {
    "RouteName": "Main SIP Trunk",
    "RouteType": "Trunk",
    "VoiceUrl": "https://domain.com",
    "VoiceUrlMethod": "POST",
    "VoiceAuthenticationType": "Basic",
    "VoiceUsername": "admin",
    "VoicePasswordToken": "pw",
    "CallbackVoiceUrl": "https://apiendpoint.com",
    "CallbackVoiceUrlMethod": "POST",
    "TrunkIp1": "20.87.87.87",
    "TrunkIp2": "20.87.87.86",
    "TrunkPort1": "5061",
    "TrunkPort2": "5060",
    "TrunkTransport1": "UDP",
    "TrunkTransport2": "TCP",
    "TrunkUri1": "https://pstn.example.com",
    "TrunkUri2": "https://pstn2.example.com",
    "TrunkEnabled1": True,
    "TrunkEnabled2": False,
    "Trunk1Priortiy": 10,
    "Trunk1Weight": 10,
    "Trunk2Priortiy": 20,
    "Trunk2Weight": 20,
    "HeaderManipulation": "HMI8802029",
    "EnableSipRefer": True,
    "TransferCallerId": "Transferee/Transferor",
    "SymmetricRtp": True,
    "EnableTrpSecureTrunk": True,
    "EnablePstnTransfer": True,
    "IpWhitelist": [{"IpAddress": "20.20.10.10"}, {"IpAddress": "20.20.10.20"}],
    "CnamLookup": True,
    "TerminationUriSubdomain": "client",
    "EnableCallStreaming": True,
    "WssUri": "wss://192.67.88.2",
    "IntelligentRouteEnabled": True,
    "RouteEnabled": True,
}


async def test_create_echoes_every_field(api):
    data = await api.ok("POST", "/v1.0/voice/routes", json=FULL)
    assert data["CallRouteId"].startswith("CRID-")
    assert data["AccountId"] == api.account_id
    for key, value in FULL.items():
        if key == "IpWhitelist":
            assert data["IpWhiteList"] == value
        else:
            assert data[key] == value, key


async def test_create_requires_route_type(api):
    response = await api.post("/v1.0/voice/routes", {"RouteName": "x"})
    assert response.status_code == 400
    assert response.json()["Message"] == "The RouteType field is required."


async def test_create_rejects_unknown_route_type(api):
    response = await api.post("/v1.0/voice/routes", {"RouteName": "x", "RouteType": "Pigeon"})
    assert response.status_code == 400
    assert response.json()["Message"] == "The RouteType field must be one of: Trunk, URL, Forward."


async def test_url_route_needs_voice_url(api):
    response = await api.post("/v1.0/voice/routes", {"RouteName": "x", "RouteType": "URL"})
    assert response.status_code == 400
    assert "VoiceUrl" in response.json()["Message"]


async def test_details_uses_callrouteid_query(api):
    route_id = await make_voice_route(api)
    for name in ("CallRouteID", "CallRouteId"):
        data = await api.ok("GET", "/v1.0/voice/routes", params={name: route_id})
        assert data["CallRouteId"] == route_id
        assert data["IpWhiteList"] == []


async def test_update_partial_keeps_other_fields(api):
    route_id = (await api.ok("POST", "/v1.0/voice/routes", json=FULL))["CallRouteId"]
    data = await api.ok(
        "POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "Trunk1Priortiy": 5, "RouteEnabled": False}
    )
    assert data["Trunk1Priortiy"] == 5
    assert data["Trunk2Priortiy"] == 20
    assert data["RouteEnabled"] is False
    assert data["RouteName"] == "Main SIP Trunk"


async def test_delete(api):
    route_id = await make_voice_route(api)
    data = await api.ok("POST", "/v1.0/voice/routes/delete", json={"CallRouteId": route_id})
    assert data == {"CallRouteStatus": "Deleted", "CallRouteId": route_id}
    assert (await api.get("/v1.0/voice/routes", CallRouteID=route_id)).status_code == 404


async def test_delete_refused_while_numbers_use_it(api, numbers):
    route_id = await make_voice_route(api)
    await provision(
        api, await make_message_route(api), VoiceEnabled=True, VoiceRouteId=route_id, ProductType="Sms+Data+Voice"
    )
    response = await api.post("/v1.0/voice/routes/delete", {"CallRouteId": route_id})
    assert response.status_code == 400
    assert "used by 1 number" in response.json()["Message"]
    assert (await api.get("/v1.0/voice/routes", CallRouteID=route_id)).status_code == 200


async def test_account_listing_shape(api):
    route_id = await make_voice_route(api)
    data = await api.ok("GET", "/v1.0/account/voice/routes")
    assert data["AccountID"] == api.account_id
    assert data["TotalRoutes"] == 1
    item = data["Results"][0]
    assert item["CallRouteId"] == route_id
    assert item["CallRouteStatus"] == "Active"
    assert item["IpWhitelist"] == []
