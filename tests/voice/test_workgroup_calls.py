"""Calls to a number a workgroup answers (voice/workgroup_routing.py; docs/voice.md, "Workgroups and schedules").

First the routing decision as Kamailio asks it (POST /sip/v1/route, events through POST /sip/v1/events), then real
calls: sipp as the carrier and as the members' trunks, Kamailio under the supervisor, this app under uvicorn.
The platform clock is frozen, so calls are placed on both sides of a schedule's hour."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mpaas.core.clock import FrozenClock
from mpaas.models import Workgroup
from mpaas.models.calls import Call
from support.api import make_message_route, make_voice_route, provision
from support.sip import (
    SECRET,
)

CARRIER = "sip:127.0.0.1:5070"
PSTN_A, PSTN_B, PSTN_C = "+12125550101", "+12125550102", "+12125550103"
# Monday 1 December 2026, 8:59 and 9:00 in New York (EST, UTC-5).
MONDAY_0859 = datetime(2026, 11, 30, 13, 59, tzinfo=UTC)
MONDAY_0900 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
_call_ids = itertools.count()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY_0900)


@pytest.fixture
def settings(settings):
    return settings.model_copy(
        update={"sip_shared_secret": SECRET, "sip_carrier_uri": CARRIER, "sip_listen": "udp:127.0.0.1:5060"}
    )


async def voice_number(api, **route_fields) -> str:
    """A voice-capable number of the account on a new Trunk voice route of `route_fields`."""
    route_id = await make_voice_route(api, **route_fields)
    data = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    return data["PhoneNumberAssigned"]


async def workgroup(api, **fields) -> str:
    body = {"Name": "Support", "Type": "simultaneous", **fields}
    return (await api.ok("POST", "/v1.0/workgroups", json=body))["WorkgroupId"]


async def add(api, wid: str, number: str | None = None, **fields) -> str:
    body = {"WorkgroupId": wid, "Type": "User", "PhoneNumber": number, **fields}
    return (await api.ok("POST", "/v1.0/workgroups/activity", json=body))["WorkgroupActivityId"]


async def ask(http, to: str, call_id: str | None = None) -> dict:
    body = {
        "CallId": call_id or f"wg-{next(_call_ids)}@test",
        "From": "+12125550999",
        "To": to,
        "SourceIp": "20.1.1.1",
        "SourcePort": 5060,
        "Transport": "udp",
    }
    response = await http.post("/sip/v1/route", json=body, headers={"X-Mpaas-Sip-Secret": SECRET})
    assert response.status_code == 200, response.text
    return response.json()


def users(answer: dict) -> list[str]:
    return [route["uri"].split(":", 1)[1].split("@", 1)[0] for route in answer["routes"]]


# --- the decision -----------------------------------------------------------------------------------------------


@pytest.mark.no_workers
async def test_simultaneous_rings_every_member_at_once(http, api, numbers):
    number = await voice_number(api)
    trunked = await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1="5099")
    wid = await workgroup(api, TelegentPhone=number, WaitBetween="12")
    await add(api, wid, PSTN_A)
    await add(api, wid, trunked)
    await add(api, wid, number)  # its own number is never rung
    answer = await ask(http, number)
    assert answer["routing"] == "parallel"
    assert answer["routes"] == [
        {"uri": f"sip:{PSTN_A}@127.0.0.1:5070", "fr_timer": 5000, "fr_inv_timer": 12000},  # through the carrier
        {"uri": f"sip:{trunked}@127.0.0.1:5099;transport=udp", "fr_timer": 5000, "fr_inv_timer": 12000},
    ]


@pytest.mark.no_workers
async def test_nested_workgroups_are_expanded_each_once(http, api, numbers):
    number = await voice_number(api)
    top = await workgroup(api, TelegentPhone=number)
    middle, leaf = await workgroup(api, Name="middle"), await workgroup(api, Name="leaf")
    await add(api, top, PSTN_A, DigitOrder=1)
    await add(api, top, Type="Workgroup", ReferenceWorkgroupId=middle, DigitOrder=2)
    await add(api, middle, PSTN_B)
    await add(api, middle, Type="Workgroup", ReferenceWorkgroupId=leaf)
    await add(api, leaf, PSTN_C)
    await add(api, leaf, PSTN_A)  # already rung
    assert users(await ask(http, number)) == [PSTN_A, PSTN_B, PSTN_C]


@pytest.mark.no_workers
async def test_round_robin_starts_after_the_member_who_answered_last(http, api, numbers, platform):
    number = await voice_number(api)
    wid = await workgroup(api, TelegentPhone=number, Type="round-robin", WaitBetween="7", CallOrder="2")
    first = await add(api, wid, PSTN_A, DigitOrder=1)
    await add(api, wid, PSTN_B, DigitOrder=2)
    await add(api, wid, PSTN_C, DigitOrder=3)
    answer = await ask(http, number)
    assert answer["routing"] == "serial" and users(answer) == [PSTN_B, PSTN_C, PSTN_A]  # CallOrder 2 first
    assert {r["fr_inv_timer"] for r in answer["routes"]} == {7000}
    for answered, expected in ((PSTN_C, [PSTN_A, PSTN_B, PSTN_C]), (PSTN_A, [PSTN_B, PSTN_C, PSTN_A])):
        call = await ask(http, number, call_id=f"rr-{answered}@test")
        event = {
            "Event": "answered",
            "CallId": f"rr-{answered}@test",
            "CallRecordId": call["call"]["CallRecordId"],
            "Code": 200,
            "Timestamp": "2026-11-30T14:00:01.000Z",
            "Branch": f"sip:{answered}@127.0.0.1:5070",
        }
        response = await http.post("/sip/v1/events", json=event, headers={"X-Mpaas-Sip-Secret": SECRET})
        assert response.status_code == 200 and response.json()["Accepted"] == 1
        assert users(await ask(http, number)) == expected
    async with platform.db.read() as session:
        assert (await session.get(Workgroup, wid)).last_member_id == first  # stored durably


@pytest.mark.no_workers
async def test_the_schedule_picks_on_hours_and_off_hours_at_the_call_time(http, api, numbers, clock):
    number = await voice_number(api)
    hours = {"Name": "Nine to five", "MondayStartTime": "9:00 AM", "MondayEndTime": "5:00 PM"}
    sid = (await api.ok("POST", "/ext/v1/schedules", json=hours))["ScheduleId"]
    night = await workgroup(api, Name="night")
    await add(api, night, PSTN_C)
    wid = await workgroup(
        api,
        TelegentPhone=number,
        ScheduleId=sid,
        TimeZone="America/New_York",
        OnHoursType="User",
        OnHoursId=PSTN_A,
        OffHoursType="Workgroup",
        OffHoursId=night,
    )
    await add(api, wid, PSTN_B)
    clock._at = MONDAY_0900
    assert users(await ask(http, number)) == [PSTN_A]
    clock._at = MONDAY_0859
    assert users(await ask(http, number)) == [PSTN_C]
    # without on-hours target: the members; without off-hours target: closed
    await api.ok(
        "POST",
        "/v1.0/workgroups/update",
        json={"WorkgroupId": wid, "OnHoursType": "", "OnHoursId": "", "OffHoursType": "", "OffHoursId": ""},
    )
    assert (await ask(http, number))["reject"] == {"code": 480, "reason": "Workgroup Closed"}
    clock._at = MONDAY_0900
    assert users(await ask(http, number)) == [PSTN_B]
    clock._at = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 5:00 PM in New York: closed again
    assert (await ask(http, number))["reject"]["code"] == 480


@pytest.mark.no_workers
async def test_ivr_workgroups_are_refused_until_media_exists_and_other_accounts_never_apply(
    http, api, other_api, numbers, platform
):
    number = await voice_number(api)
    await add(api, await workgroup(api, TelegentPhone=number, Type="IVR"), PSTN_A)
    answer = await ask(http, number, call_id="ivr@test")
    assert answer["reject"] == {"code": 501, "reason": "IVR Needs Media"}
    async with platform.db.read() as session:
        record = (await session.execute(select(Call).where(Call.sip_call_id == "ivr@test"))).scalar_one()
    assert (record.disposition, record.sip_code, record.account_id) == ("rejected", 501, api.account_id)
    # another account's workgroup naming a PSTN number never routes this account's calls
    other = await voice_number(api)
    await add(other_api, await workgroup(other_api, Type="IVR"), PSTN_B)
    assert "routes" in await ask(http, other)  # the number's own voice route
    # a workgroup with nobody to ring
    empty = await voice_number(api)
    await workgroup(api, TelegentPhone=empty)
    assert (await ask(http, empty))["reject"] == {"code": 480, "reason": "No Workgroup Members"}
