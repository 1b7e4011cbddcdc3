"""Porting: eligibility, port-in through the sandbox losing carrier (durable jobs), test numbers for the
other outcomes, update/cancel, the port-date rule, port-out and the operator's reports."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from mpaas.numbers import calendar
from support.api import OPERATOR_TOKEN, make_message_route, provision

OPS = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
ADDRESS = {"Street1": "2701 N Thanksgiving Way", "Street2": "Suite 202", "City": "Lehi", "State": "UT", "Zip": "84043"}


def _portin(number: str, **kw) -> dict:
    return {
        "PortInNumber": number,
        "CurrentCarrierName": "Verizon",
        "CurrentAccountNumber": "46512222",
        "CurrentAccountPassword": "0000",
        "TargetPortinClassification": "mvno",
        "SubscriberName": "Jane Doe",
        "CurrentBillingAddress": ADDRESS,
        **kw,
    }


async def _order(api, order_id) -> dict:
    return await api.ok("GET", "/v1.0/numbers/order", params={"OrderId": order_id})


async def _until(api, order_id, status, seconds=4.0) -> dict:
    for _ in range(int(seconds / 0.05)):
        order = await _order(api, order_id)
        if order["OrderStatus"] == status:
            return order
        await asyncio.sleep(0.05)
    raise AssertionError(f"order never reached {status}: {order}")


async def test_eligibility(api, numbers):
    data = await api.ok(
        "POST",
        "/v1.0/numbers/portin/eligibility",
        json={"PhoneNumber": "+13136398786", "TargetClassification": "Mobile"},
    )
    assert data["Eligible"] is True and data["Message"] == "Number is eligible for port-in"
    data = await api.ok(
        "POST",
        "/v1.0/numbers/portin/eligibility",
        json={"PhoneNumber": "+13136399900", "TargetClassification": "Mobile"},
    )
    assert data["Eligible"] is False
    mine = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    data = await api.ok(
        "POST", "/v1.0/numbers/portin/eligibility", json={"PhoneNumber": mine, "TargetClassification": "Mobile"}
    )
    assert data["Eligible"] is False


async def test_port_in_completes_in_the_sandbox(api, numbers, platform):
    platform.settings.sandbox_port_seconds = 0.4
    route = await make_message_route(api)
    data = await api.ok("POST", "/v1.0/numbers/portin", json=_portin("+13136398786", MessageRouteId=route))
    assert data["Status"] == "Pending" and data["OrderId"].startswith("JNUOID-")
    order = await _until(api, data["OrderId"], "Complete")
    assert order["OrderType"] == "portin" and order["PhoneNumbersOrdered"] == [{"Number": "+13136398786"}]
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": "+13136398786"})
    assert details["Status"] == "Active" and details["MessageRouteId"] == route
    r = await api.post("/v1.0/numbers/portin/cancel", {"OrderId": data["OrderId"]})
    assert r.status_code == 400


async def test_resolution_required_then_corrected(api, numbers, platform):
    platform.settings.sandbox_port_seconds = 0.3
    data = await api.ok("POST", "/v1.0/numbers/portin", json=_portin("+13136399901"))
    order = await _until(api, data["OrderId"], "ResolutionRequired")
    assert order["OrderStatusMessage"] == "1P-Other"
    await asyncio.sleep(0.01)
    upd = await api.ok(
        "POST", "/v1.0/numbers/portin/update", json={"OrderId": data["OrderId"], "CurrentAccountPassword": "1234"}
    )
    assert upd == {"OrderId": data["OrderId"], "Status": "Updated", "Message": "Port-in order updated successfully"}
    await _until(api, data["OrderId"], "Complete")


async def test_cancel_and_validation(api, other_api, numbers, platform):
    platform.settings.sandbox_port_seconds = 60
    data = await api.ok("POST", "/v1.0/numbers/portin", json=_portin("+13136398787"))
    assert (await other_api.post("/v1.0/numbers/portin/cancel", {"OrderId": data["OrderId"]})).status_code == 404
    r = await api.post("/v1.0/numbers/portin", _portin("+13136398787"))
    assert r.status_code == 400  # already an open order
    assert await api.ok("POST", "/v1.0/numbers/portin/cancel", json={"OrderId": data["OrderId"]}) == {
        "OrderId": data["OrderId"],
        "Status": "Cancelled",
    }
    r = await api.post("/v1.0/numbers/portin", _portin("+13136398788", CurrentBillingAddress={**ADDRESS, "Zip": "1"}))
    assert r.status_code == 400
    r = await api.post("/v1.0/numbers/portin", _portin("+13136398788", CurrentAccountPassword=""))
    assert r.json()["Message"] == "The CurrentAccountPassword field is required."
    r = await api.post("/v1.0/numbers/portin", _portin("+13136398788", PortInDate="2020-01-06"))
    assert r.status_code == 400 and "on or after" in r.json()["Message"]


def test_port_date_rule():
    ny = ZoneInfo("America/New_York")
    # Tuesday 10:00 in New York: earliest is Wednesday.
    assert calendar.earliest_port_date(datetime(2026, 3, 10, 14, 0, tzinfo=UTC), ny) == date(2026, 3, 11)
    # Tuesday 16:30: counts from Wednesday, so Thursday.
    assert calendar.earliest_port_date(datetime(2026, 3, 10, 20, 30, tzinfo=UTC), ny) == date(2026, 3, 12)
    # Friday after 4 PM: Monday is the receiving day, Tuesday the earliest.
    assert calendar.earliest_port_date(datetime(2026, 3, 13, 21, 0, tzinfo=UTC), ny) == date(2026, 3, 17)
    # Before Thanksgiving (Thu 26 Nov 2026): Wednesday afternoon -> Friday is next business day after Thursday.
    assert calendar.earliest_port_date(datetime(2026, 11, 25, 22, 0, tzinfo=UTC), ny) == date(2026, 11, 30)
    assert not calendar.is_business_day(date(2026, 7, 3))  # Independence Day observed


async def test_operator_reports_with_sandbox_off(api, http, numbers, platform):
    platform.settings.sandbox_porting = False
    data = await api.ok("POST", "/v1.0/numbers/portin", json=_portin("+13136398790"))
    await asyncio.sleep(0.1)
    assert (await _order(api, data["OrderId"]))["OrderStatus"] == "Pending"
    r = await http.post(
        "/ops/v1/port-orders/status",
        json={"OrderId": data["OrderId"], "Status": "ResolutionRequired", "Code": "6B"},
        headers=OPS,
    )
    assert r.status_code == 200 and r.json()["OrderStatusMessage"] == "6B"
    r = await http.post(
        "/ops/v1/port-orders/status", json={"OrderId": data["OrderId"], "Status": "InProgress"}, headers=OPS
    )
    assert r.status_code == 200
    r = await http.post(
        "/ops/v1/port-orders/status", json={"OrderId": data["OrderId"], "Status": "Complete"}, headers=OPS
    )
    assert r.status_code == 200
    r = await http.post(
        "/ops/v1/port-orders/status", json={"OrderId": data["OrderId"], "Status": "Cancelled"}, headers=OPS
    )
    assert r.status_code == 409
    assert (await http.post("/ops/v1/port-orders/status", json={"OrderId": data["OrderId"]})).status_code == 401


async def test_port_out(api, http, numbers):
    number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    r = await api.post("/v1.0/numbers/portout", {"PortOutNumber": number, "PortOutPIN": "12"})
    assert r.status_code == 400
    data = await api.ok("POST", "/v1.0/numbers/portout", json={"PortOutNumber": number, "PortOutPIN": "1234"})
    assert data["Status"] == "Pending" and data["PhoneNumber"] == number
    r = await http.post(
        "/ops/v1/port-orders/status",
        json={"OrderId": data["OrderId"], "Status": "Complete", "PortOutPIN": "1234"},
        headers=OPS,
    )
    assert r.status_code == 200
    assert (await api.get("/v1.0/numbers", Number=number)).status_code == 404
    assert (await _order(api, data["OrderId"]))["OrderType"] == "portout"


async def test_port_out_goes_on_only_with_the_pin(api, http, numbers):
    """The gaining carrier's request (relayed by the operator) names the PIN the owner set; a missing or wrong
    PIN leaves the order where it was and the number with its owner."""
    number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    data = await api.ok("POST", "/v1.0/numbers/portout", json={"PortOutNumber": number, "PortOutPIN": "482913"})
    report = {"OrderId": data["OrderId"], "Status": "Complete"}
    r = await http.post("/ops/v1/port-orders/status", json=report, headers=OPS)
    assert r.json() == {"StatusCode": 400, "Message": "The PortOutPIN field is required."}
    for status in ("InProgress", "Complete"):
        r = await http.post(
            "/ops/v1/port-orders/status", json={**report, "Status": status, "PortOutPIN": "4829"}, headers=OPS
        )
        assert r.json() == {
            "StatusCode": 400,
            "Message": "The PortOutPIN field does not match the port-out PIN set for this number.",
        }
    assert (await _order(api, data["OrderId"]))["OrderStatus"] == "Pending"
    assert (await api.get("/v1.0/numbers", Number=number)).status_code == 200
    r = await http.post("/ops/v1/port-orders/status", json={**report, "PortOutPIN": "482913"}, headers=OPS)
    assert r.status_code == 200 and r.json()["OrderStatus"] == "Complete"


async def test_port_out_pin_is_encrypted_at_rest_and_shown_to_its_owner(api, other_api, http, numbers, platform):
    from sqlalchemy import select

    from mpaas.models import PhoneNumber

    number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    details = await api.ok("GET", "/v1.0/numbers", params={"Number": number})
    assert details["PortOutPin"] is None
    await api.ok("POST", "/v1.0/numbers/portout", json={"PortOutNumber": number, "PortOutPIN": "482913"})
    async with platform.db.read() as session:
        stored = (await session.execute(select(PhoneNumber.port_out_pin).where(PhoneNumber.number == number))).scalar()
    assert stored.startswith("enc1:") and "482913" not in stored
    assert (await api.ok("GET", "/v1.0/numbers", params={"Number": number}))["PortOutPin"] == "482913"
    listing = await api.ok("GET", "/v1.0/numbers/inventory")
    assert [n["PortOutPin"] for n in listing["PhoneNumbers"] if n["Number"] == number] == ["482913"]
    assert (await other_api.get("/v1.0/numbers", Number=number)).status_code == 404  # the owner's only


async def test_port_in_password_is_encrypted_at_rest(api, http, numbers, platform):
    from sqlalchemy import select

    from mpaas.models import PortRequest

    data = await api.ok(
        "POST", "/v1.0/numbers/portin", json=_portin("+13136398791", CurrentAccountPassword="s3cr3t-pw")
    )
    await api.ok(
        "POST", "/v1.0/numbers/portin/update", json={"OrderId": data["OrderId"], "CurrentAccountPassword": "n3w-pw"}
    )
    async with platform.db.read() as session:
        stored = (await session.execute(select(PortRequest.account_password))).scalar()
    # Neither password in clear (not "pw" alone: a ciphertext's base64 holds those two letters in about 2% of runs),
    # and the sealed value is the last one set.
    assert stored.startswith("enc1:") and "n3w-pw" not in stored and "s3cr3t" not in stored
    assert platform.sealer.open(stored) == "n3w-pw"
    # What the operator relays to the losing carrier, in clear; not for distributors.
    view = await http.get("/ops/v1/port-orders", params={"OrderId": data["OrderId"]}, headers=OPS)
    assert view.status_code == 200, view.text
    assert view.json()["AccountPassword"] == "n3w-pw" and view.json()["Direction"] == "in"
    assert (await http.get("/ops/v1/port-orders", params={"OrderId": data["OrderId"]})).status_code == 401


async def test_clear_values_stored_before_encryption_are_sealed_at_start(api, numbers, platform):
    """Rows written in clear before 0010 are read as they are, and encrypted the next time the platform starts."""
    from sqlalchemy import select, update

    from mpaas.models import PhoneNumber

    number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    async with platform.db.write() as session:
        await session.execute(update(PhoneNumber).where(PhoneNumber.number == number).values(port_out_pin="7351"))
    assert (await api.ok("GET", "/v1.0/numbers", params={"Number": number}))["PortOutPin"] == "7351"
    await platform.start()
    async with platform.db.read() as session:
        stored = (await session.execute(select(PhoneNumber.port_out_pin).where(PhoneNumber.number == number))).scalar()
    assert stored.startswith("enc1:") and platform.sealer.open(stored) == "7351"
