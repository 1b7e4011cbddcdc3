"""Numbers lifecycle: update, status changes (now and scheduled), reactivate, aging back to inventory,
NNID, device details, E911, voicemail and SIM status."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from mpaas.core.clock import FrozenClock
from support.api import make_message_route, make_voice_route, provision


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))


async def _number(api) -> str:
    return (await provision(api, await make_message_route(api), AreaCode="801"))["PhoneNumberAssigned"]


async def _details(api, number):
    return await api.get("/v1.0/numbers", Number=number)


async def _wait(predicate, seconds=3.0):
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_update_number(api, numbers):
    number = await _number(api)
    voice = await make_voice_route(api)
    data = await api.ok(
        "POST",
        "/v1.0/numbers/update",
        json={
            "Number": number,
            "VoiceEnabled": True,
            "VoiceRouteId": voice,
            "CnamFirstName": "Test",
            "CnamLastName": "User",
            "ProductType": "sms+data+voice",
            "Classification": "IoT",
        },
    )
    assert data["UpdateOrderStatus"] == "Complete" and data["UpdateOrderId"].startswith("JNUOID-")
    assert data["VoiceRouteId"] == voice and data["ProductType"] == "Sms+Data+Voice" and data["Classification"] == "IoT"
    details = (await _details(api, number)).json()
    assert details["Cnam"] == "Test User" and details["VoiceEnabled"] is True


async def test_update_errors(api, other_api, numbers):
    number = await _number(api)
    r = await api.post("/v1.0/numbers/update", {"Number": number, "MessageType": "a2p", "Classification": "IoT"})
    assert r.status_code == 400 and "NumberType / MessageType mismatch" in r.json()["Message"]
    r = await api.post("/v1.0/numbers/update", {"Number": number, "VoiceEnabled": True})
    assert r.status_code == 400 and r.json()["Message"].startswith("VoiceEnabled needs ProductType Sms+Data+Voice")
    r = await other_api.post("/v1.0/numbers/update", {"Number": number, "ProductType": "Sms-Only"})
    assert r.status_code == 404
    r = await api.post("/v1.0/numbers/update", {})
    assert r.json() == {"StatusCode": 400, "Message": "The Number field is required."}


async def test_park_activate_cancel_reactivate(api, numbers):
    number = await _number(api)

    async def change(kind):
        return await api.post(
            "/v1.0/numbers/status",
            {"StatusChange": kind, "EffectiveDate": "03/10/2026", "PhoneNumbers": [{"Number": number}]},
        )

    r = await change("park")
    assert r.status_code == 200 and r.json()["OrderStatus"] == "Complete" and r.json()["ChangeType"] == "park"
    assert r.json()["EffectiveDate"] == "2026-03-10T00:00:00"
    assert (await _details(api, number)).json()["Status"] == "Parked"
    assert (await change("park")).status_code == 400
    assert (await change("activate")).status_code == 200
    assert (await change("cancel")).status_code == 200
    assert (await _details(api, number)).json()["Status"] == "Cancelled"
    r = await api.post("/v1.0/numbers/update", {"Number": number, "ProductType": "Sms-Only"})
    assert r.status_code == 400 and "reactivate" in r.json()["Message"]
    data = await api.ok("POST", "/v1.0/numbers/reactivate", json={"PhoneNumber": number})
    assert data["Status"] == "Active" and data["Successful"] is True
    r = await api.post("/v1.0/numbers/reactivate", {"PhoneNumber": number})
    assert r.status_code == 400


async def test_reactivation_window_closes(api, numbers, clock, platform):
    platform.settings.number_aging_days = 90
    number = await _number(api)
    await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "cancel", "EffectiveDate": "03/10/2026", "PhoneNumbers": [{"Number": number}]},
    )
    clock.advance(days=31)
    r = await api.post("/v1.0/numbers/reactivate", {"PhoneNumber": number})
    assert r.status_code == 400 and "reactivation window" in r.json()["Message"]


async def test_cancelled_number_ages_back_to_inventory(api, numbers, clock, platform):
    body = {"NumberType": "mobile", "MessageEnabled": True, "VoiceEnabled": False, "AreaCode": "801"}
    before = (await api.ok("POST", "/v1.0/numbers/availability", json=body))["ResultsTotal"]
    number = await _number(api)
    assert (await api.ok("POST", "/v1.0/numbers/availability", json=body))["ResultsTotal"] == before - 1
    await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "cancel", "EffectiveDate": "03/10/2026", "PhoneNumbers": [{"Number": number}]},
    )
    clock.advance(days=30, seconds=1)
    api.tokens.clear()
    platform.jobs.notify()
    assert await _wait(lambda: _gone(api, number))
    assert (await api.ok("POST", "/v1.0/numbers/availability", json=body))["ResultsTotal"] == before
    # and it can be provisioned again
    again = await provision(api, await make_message_route(api), PhoneNumbers=[{"Number": number}])
    assert again["PhoneNumberAssigned"] == number


async def _gone(api, number) -> bool:
    return (await _details(api, number)).status_code == 404


async def test_scheduled_status_change(api, numbers, clock, platform):
    number = await _number(api)
    data = await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "park", "EffectiveDate": "3/12/2026", "PhoneNumbers": [{"Number": number}]},
    )
    assert data["OrderStatus"] == "Pending"
    order_id = data["OrderId"]
    await asyncio.sleep(0.2)
    assert (await _details(api, number)).json()["Status"] == "Active"
    api.tokens.clear()
    clock.advance(days=2)  # past midnight of 03/12 in America/New_York
    platform.jobs.notify()

    async def done():
        return (await api.get("/v1.0/numbers/order", OrderId=order_id)).json()["OrderStatus"] == "Complete"

    assert await _wait(done)
    assert (await _details(api, number)).json()["Status"] == "Parked"


async def test_swap_replace_swap_sim(api, numbers, platform):
    platform.settings.number_swap_fee = __import__("decimal").Decimal("2.50")
    platform.settings.number_swaps_per_period = 3  # three swaps of one line here (the allowance: test_swaps.py)
    number = await _number(api)
    data = await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "swap", "EffectiveDate": "01/01/2026", "PhoneNumbers": [{"Number": number}]},
    )
    new = data["Numbers"][0]["Number"]
    assert new != number and new.startswith("+1801") and data["Fee"] == "2.50"
    assert (await _details(api, number)).status_code == 404
    data = await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={
            "StatusChange": "replace",
            "AreaCode": "212",
            "EffectiveDate": "01/01/2026",
            "PhoneNumbers": [{"Number": new}],
        },
    )
    newer = data["Numbers"][0]["Number"]
    assert newer.startswith("+1212")
    old_iccid = (await _details(api, newer)).json()["Iccid"]
    data = await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "swap-sim", "EffectiveDate": "01/01/2026", "PhoneNumbers": [{"Number": newer}]},
    )
    assert data["Numbers"][0]["ActivationCode"].startswith("LPA:1$") and data["Numbers"][0]["QrCode"].endswith(".png")
    assert (await _details(api, newer)).json()["Iccid"] != old_iccid


async def test_status_errors(api, other_api, numbers):
    number = await _number(api)
    r = await api.post(
        "/v1.0/numbers/status",
        {"StatusChange": "explode", "EffectiveDate": "01/01/2026", "PhoneNumbers": [{"Number": number}]},
    )
    assert r.status_code == 400
    r = await api.post("/v1.0/numbers/status", {"StatusChange": "park", "PhoneNumbers": [{"Number": number}]})
    assert r.json()["Message"] == "The EffectiveDate field is required."
    r = await api.post(
        "/v1.0/numbers/status",
        {"StatusChange": "park", "EffectiveDate": "2026/31/12", "PhoneNumbers": [{"Number": number}]},
    )
    assert r.status_code == 400 and "MM/DD/YYYY" in r.json()["Message"]
    r = await other_api.post(
        "/v1.0/numbers/status",
        {"StatusChange": "park", "EffectiveDate": "01/01/2026", "PhoneNumbers": [{"Number": number}]},
    )
    assert r.status_code == 404


async def test_refresh_nnid_and_device(api, numbers):
    number = await _number(api)
    a = await api.ok("POST", "/v1.0/numbers/refresh-nnid", json={"PhoneNumber": number})
    b = await api.ok("POST", "/v1.0/numbers/refresh-nnid", json={"PhoneNumber": number})
    assert a["Successful"] and a["NNID"] != b["NNID"]
    d = await api.ok("POST", "/v1.0/numbers/device-details", json={"PhoneNumber": number})
    assert d["PhoneNumber"] == number and d["Status"] == "Success" and d["IMEI"] is None


async def test_e911(api, other_api, numbers):
    number = await _number(api)
    assert (await api.ok("GET", "/v1.0/numbers/e911address", params={"PhoneNumber": number}))["E911Address"] is None
    body = {
        "PhoneNumber": number,
        "Street1": "2701 N Thanksgiving Way",
        "Street2": "",
        "City": "Lehi",
        "State": "UT",
        "Zip": "84043-6330",
    }
    assert await api.ok("POST", "/v1.0/numbers/e911address/update", json=body) == {
        "PhoneNumber": number,
        "Status": "Success",
        "StatusMessage": "",
    }
    got = await api.ok("GET", "/v1.0/numbers/e911address", params={"PhoneNumber": number})
    assert got["E911Address"] == {
        "Street1": "2701 N THANKSGIVING WAY",
        "Street2": None,
        "City": "LEHI",
        "State": "UT",
        "Zip": "84043-6330",
    }
    for bad in ({"State": "XX"}, {"Zip": "8404"}, {"Zip": "84043-63"}):
        r = await api.post("/v1.0/numbers/e911address/update", {**body, **bad})
        assert r.status_code == 400, bad
    r = await api.post("/v1.0/numbers/e911address/update", {**body, "City": ""})
    assert r.json()["Message"] == "The City field is required."
    assert (await other_api.get("/v1.0/numbers/e911address", PhoneNumber=number)).status_code == 404


async def test_voicemail(api, numbers):
    number = await _number(api)
    info = await api.ok("POST", "/v1.0/numbers/voicemail/info", json={"PhoneNumber": number})
    assert info["VoicemailEnabled"] is False
    for pin in ("12", "1111", number[-4:], "12ab"):
        r = await api.post("/v1.0/numbers/voicemail/activate", {"PhoneNumber": number, "PIN": pin})
        assert r.status_code == 400, pin
    r = await api.post("/v1.0/numbers/voicemail/update", {"PhoneNumber": number, "Email": "a@b.co"})
    assert r.status_code == 400
    data = await api.ok(
        "POST",
        "/v1.0/numbers/voicemail/activate",
        json={
            "PhoneNumber": number,
            "PIN": "7395",
            "FirstName": "John",
            "LastName": "Doe",
            "Email": "user@example.com",
        },
    )
    assert data == {"PhoneNumber": number, "VoicemailActivated": True, "Successful": True}
    assert (
        await api.post("/v1.0/numbers/voicemail/activate", {"PhoneNumber": number, "PIN": "7395"})
    ).status_code == 400
    data = await api.ok(
        "POST", "/v1.0/numbers/voicemail/update", json={"PhoneNumber": number, "Email": "new@example.com"}
    )
    assert data["Message"] == "Voicemail settings updated"
    info = await api.ok("POST", "/v1.0/numbers/voicemail/info", json={"PhoneNumber": number})
    assert info == {
        "PhoneNumber": number,
        "VoicemailEnabled": True,
        "Email": "new@example.com",
        "FirstName": "John",
        "LastName": "Doe",
    }
    data = await api.ok("POST", "/v1.0/numbers/voicemail/delete", json={"PhoneNumber": number})
    assert data == {"PhoneNumber": number, "Successful": True, "Message": "Voicemail removed"}


async def test_sims(api, other_api, numbers):
    route = await make_message_route(api)
    number = (await provision(api, route, ICCID="8901240397190195850"))["PhoneNumberAssigned"]
    data = await api.ok(
        "POST", "/v1.0/sims/update-status", json={"ICCID": "8901240397190195850", "SimStatus": "Suspended"}
    )
    assert data == {"ICCID": "8901240397190195850", "SimStatus": "Suspended", "Successful": True}
    r = await other_api.post("/v1.0/sims/update-status", {"ICCID": "8901240397190195850", "SimStatus": "Active"})
    assert r.status_code == 404
    data = await api.ok("POST", "/v1.0/sims/clear-status", json={"ICCID": "8901240397190195850"})
    assert data["SimStatus"] == "Empty"
    assert (await _details(api, number)).json()["Iccid"] is None
    # attach it again through MSISDN
    data = await api.ok(
        "POST",
        "/v1.0/sims/update-status",
        json={"ICCID": "8901240397190195850", "MSISDN": number, "SimStatus": "Active"},
    )
    assert (await _details(api, number)).json()["Iccid"] == "8901240397190195850"
    r = await api.post("/v1.0/sims/update-status", {"ICCID": "8901240397190195850", "SimStatus": "Broken"})
    assert r.status_code == 400
