"""Order details, number details and the account's number inventory."""

from __future__ import annotations

import pytest

from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def test_order_details(api, numbers):
    data = await provision(api, await make_message_route(api))
    order = await api.ok("GET", "/v1.0/numbers/order", params={"OrderId": data["OrderId"]})
    assert order["OrderId"] == data["OrderId"]
    assert order["OrderStatus"] == "Complete"
    assert order["OrderType"] == "provision"
    assert order["PhoneNumbersOrdered"] == [{"Number": data["PhoneNumberAssigned"]}]


async def test_order_errors(api):
    assert (await api.get("/v1.0/numbers/order")).json()["Message"] == "The OrderId field is required."
    assert (await api.get("/v1.0/numbers/order", OrderId="JNUOID-x")).status_code == 404


async def test_number_details(api, numbers):
    route = await make_message_route(api)
    data = await provision(api, route)
    for params in (
        {"Number": data["PhoneNumberAssigned"]},
        {"PhoneNumber": data["PhoneNumberAssigned"]},
        {"ICCID": data["ICCID"]},
    ):
        details = await api.ok("GET", "/v1.0/numbers", params=params)
        assert details["Number"] == data["PhoneNumberAssigned"]
        assert details["TNID"] == data["PhoneNumberId"]
        assert details["MessageRouteId"] == route
        assert details["Classification"] == "MVNO"
        assert details["Status"] == "Active"


async def test_number_details_errors(api, numbers):
    assert (await api.get("/v1.0/numbers")).status_code == 400
    assert (await api.get("/v1.0/numbers", Number="12")).status_code == 400
    assert (await api.get("/v1.0/numbers", Number=numbers[0])).status_code == 404


async def test_inventory_pages(api, numbers):
    route = await make_message_route(api)
    assigned = [(await provision(api, route))["PhoneNumberAssigned"] for _ in range(3)]
    page1 = await api.ok("GET", "/v1.0/numbers/inventory", params={"PageNumber": "1", "TotalNumbersRequested": 2})
    page2 = await api.ok("GET", "/v1.0/numbers/inventory", params={"PageNumber": "2", "TotalNumbersRequested": 2})
    assert page1["TotalResults"] == 3
    assert page1["AccountId"] == api.account_id
    got = [n["Number"] for n in page1["PhoneNumbers"] + page2["PhoneNumbers"]]
    assert sorted(got) == sorted(assigned)
    assert page1["PhoneNumbers"][0]["Tnid"].startswith("NID-")
    active = await api.ok("GET", "/v1.0/numbers/inventory", params={"Filter": "Active"})
    assert active["TotalResults"] == 3 and active["Filter"] == "Active"


async def test_inventory_bad_page(api):
    response = await api.get("/v1.0/numbers/inventory", PageNumber="zero")
    assert response.status_code == 400
    assert "PageNumber" in response.json()["Message"]
