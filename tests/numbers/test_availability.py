"""POST /v1.0/numbers/availability."""

from __future__ import annotations

import pytest

from support.seed import add_inventory

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


SEARCH = {"NumberType": "mobile", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": True}


async def test_area_code_search(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "ZipCode": ""})
    assert data["ResultsTotal"] == 20
    assert data["AreaCode"] == "801"
    assert data["PageNumber"] == 1
    assert data["RequestId"].startswith("T-")
    assert data["AvailableNumberAreas"]
    for area in data["AvailableNumberAreas"]:
        assert set(area) == {"NGP", "AreaCode", "Zipcode"}
        assert area["AreaCode"] == 801
        assert len(area["Zipcode"]) == 5


async def test_area_code_first_then_zip(api, platform):
    await add_inventory(platform, 5, ["801"])
    zips = await add_inventory(platform, 5, ["212"], seed=3)
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "212"})
    zipcode = data["AvailableNumberAreas"][0]["Zipcode"]
    # AreaCode wins when it has numbers, even with a ZipCode elsewhere.
    both = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "ZipCode": zipcode})
    assert {a["AreaCode"] for a in both["AvailableNumberAreas"]} == {801}
    # An empty area falls back to the ZipCode.
    fallback = await api.ok(
        "POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "907", "ZipCode": zipcode}
    )
    assert {a["Zipcode"] for a in fallback["AvailableNumberAreas"]} == {zipcode}
    assert fallback["ResultsTotal"] >= 1
    assert zips


async def test_empty_area_without_zip_finds_nothing(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "907"})
    assert data["ResultsTotal"] == 0
    assert data["AvailableNumberAreas"] == []


async def test_blank_search_is_randomized_over_everything(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "", "ZipCode": ""})
    assert data["ResultsTotal"] == 40
    assert {a["AreaCode"] for a in data["AvailableNumberAreas"]} == {801, 212}


async def test_page_beyond_last_is_empty(api, numbers):
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "PageNumber": 2})
    assert data["PageNumber"] == 2
    assert data["AvailableNumberAreas"] == []
    assert data["ResultsTotal"] == 20


async def test_specific_numbers_for_older_clients(api, numbers):
    default = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801"})
    assert len(default["NumbersAvailable"]) == 12
    wanted = await api.ok(
        "POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801", "TotalNumbersRequested": 3}
    )
    assert len(wanted["NumbersAvailable"]) == 3
    assert all(n["Number"].startswith("+1801") for n in wanted["NumbersAvailable"])


async def test_total_numbers_requested_capped(api, numbers):
    response = await api.post("/v1.0/numbers/availability", {**SEARCH, "TotalNumbersRequested": 101})
    assert response.status_code == 400
    assert "TotalNumbersRequested" in response.json()["Message"]


async def test_validation_names_field(api):
    response = await api.post("/v1.0/numbers/availability", {**SEARCH, "NumberType": "landline"})
    assert response.json()["Message"] == "The NumberType field must be one of: mobile, voip."
    response = await api.post("/v1.0/numbers/availability", {**SEARCH, "AreaCode": "12"})
    assert response.json()["Message"] == "The AreaCode field must be a 3-digit US area code."
    response = await api.post("/v1.0/numbers/availability", {"NumberType": "mobile", "MessageEnabled": True})
    assert response.json()["Message"] == "The VoiceEnabled field is required."


async def test_claimed_numbers_leave_availability(api, numbers):
    from support.api import make_message_route, provision

    route = await make_message_route(api)
    await provision(api, route, AreaCode="801")
    data = await api.ok("POST", "/v1.0/numbers/availability", json={**SEARCH, "AreaCode": "801"})
    assert data["ResultsTotal"] == 19
