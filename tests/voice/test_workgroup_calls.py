"""Calls to a number a workgroup answers (voice/workgroup_routing.py; docs/voice.md, "Workgroups and schedules").

First the routing decision as Kamailio asks it (POST /sip/v1/route, events through POST /sip/v1/events), then real
calls: sipp as the carrier and as the members' trunks, Kamailio under the supervisor, this app under uvicorn.
The platform clock is frozen, so calls are placed on both sides of a schedule's hour."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

import pytest
import uvicorn
from sqlalchemy import select

from mpaas.core.clock import FrozenClock
from mpaas.models import Job, Workgroup
from mpaas.models.calls import Call, CallEvent
from mpaas.voice.workgroup_routing import is_open
from support.api import make_message_route, make_voice_route, provision
from support.sip import (
    SECRET,
    free_tcp_port,
    free_udp_port,
    kamailio_or_skip,
    running_kamailio,
    sip_port,
    sip_settings,
    sipp_or_skip,
    sipp_uac,
    sipp_uas,
    wait_exit,
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
    header = {"extra": f"X-Mpaas-Call-Id: {answer['call']['CallRecordId']}\r\n"}
    assert answer["routes"] == [
        {"uri": f"sip:{PSTN_A}@127.0.0.1:5070", "fr_timer": 5000, "fr_inv_timer": 12000},  # through the carrier
        {  # the account's own trunk: the call record's id, as a Trunk route's branches have it
            "uri": f"sip:{trunked}@127.0.0.1:5099;transport=udp",
            "fr_timer": 5000,
            "fr_inv_timer": 12000,
            "headers": header,
        },
    ]


@pytest.mark.no_workers
async def test_round_robin_members_on_the_accounts_trunks_get_the_call_record_id(http, api, numbers):
    number = await voice_number(api)
    one = await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1="5097", TrunkIp2="127.0.0.1", TrunkPort2="5098")
    two = await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1="5099")
    wid = await workgroup(api, TelegentPhone=number, Type="round-robin")
    await add(api, wid, one, DigitOrder=1)
    await add(api, wid, PSTN_A, DigitOrder=2)
    await add(api, wid, two, DigitOrder=3)
    answer = await ask(http, number)
    assert answer["routing"] == "serial" and users(answer) == [one, one, PSTN_A, two]
    header = f"X-Mpaas-Call-Id: {answer['call']['CallRecordId']}\r\n"
    assert [r.get("headers") for r in answer["routes"]] == [
        {"extra": header},
        {"extra": header},
        None,
        {"extra": header},
    ]
    assert all(set(r) <= {"uri", "dst_uri", "fr_timer", "fr_inv_timer", "headers"} for r in answer["routes"])


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


# --- real calls through Kamailio --------------------------------------------------------------------------------


async def _serve(app, port: int):
    """This app under uvicorn on `port` (Kamailio asks it over HTTP); returns the coroutine that stops it."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)

    async def stop() -> None:
        server.should_exit = True
        await serving

    return stop


async def _record(platform, sip_to: str, done: int) -> list[Call]:
    """The call records to `sip_to` once `done` of them have a disposition (events arrive after the call)."""
    records: list[Call] = []
    for _ in range(300):  # up to 30 s: events come late on a loaded machine
        async with platform.db.read() as session:
            query = (
                select(Call).where(Call.to_number == sip_to).order_by(Call.id)
            )  # ids follow creation; created_at is the frozen clock's
            records = list((await session.execute(query)).scalars().all())
        if sum(r.disposition is not None for r in records) >= done:
            return records
        await asyncio.sleep(0.1)
    return records


async def _call_events(platform, record: Call) -> tuple[list[str], list[str]]:
    """(the call's stored events, the Call_* webhooks queued for it)."""
    for _ in range(300):  # up to 30 s: events come late on a loaded machine
        async with platform.db.read() as session:
            events = (await session.execute(select(CallEvent.event).where(CallEvent.call_id == record.id))).scalars()
            names = sorted(events.all())
            jobs = (await session.execute(select(Job.payload))).scalars().all()
        hooks = sorted(
            j["event_type"] for j in jobs if (j.get("payload") or {}).get("Data", {}).get("CallRecordId") == record.id
        )
        if "ended" in names and "Call_Completed" in hooks:
            return names, hooks
        await asyncio.sleep(0.1)
    return names, hooks


async def _subscribe(api) -> None:
    body = {
        "WebhookUrl": "http://127.0.0.1:9/calls",
        "SubscribedEvents": "Call_Ringing,Call_In_Progress,Call_Completed",
    }
    await api.ok("POST", "/v1.0/webhook/create", json=body)


def _stop(proc) -> None:
    proc.kill()
    proc.wait()


def _invited(tmp_path, port: int) -> bool:
    return "INVITE sip:" in (tmp_path / f"uas-{port}.log").read_text(errors="replace") or any(
        "INVITE sip:" in trace.read_text(errors="replace") for trace in tmp_path.glob(f"*{port}*messages.log")
    )


@pytest.mark.process
@pytest.mark.no_workers
async def test_a_simultaneous_workgroup_rings_both_members_and_cancels_the_other(app, api, numbers, platform, tmp_path):
    kamailio_or_skip()
    sipp_or_skip()
    port, ringing, answering = free_tcp_port(), free_udp_port(), free_udp_port()
    stop_serving = await _serve(app, port)
    await _subscribe(api)
    number = await voice_number(api)
    wid = await workgroup(api, TelegentPhone=number)
    await add(api, wid, await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(ringing)))
    await add(api, wid, await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(answering)))
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            first = sipp_uas(ringing, tmp_path, scenario="uas_ring_until_cancel.xml")
            second = sipp_uas(answering, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, second) == 0  # answered here
            assert await asyncio.to_thread(wait_exit, first) == 0  # rang too, then got the CANCEL
            (record,) = await _record(platform, number.removeprefix("+"), 1)
            events, hooks = await _call_events(platform, record)
    finally:
        await stop_serving()
    assert record.account_id == api.account_id and record.disposition == "answered"
    assert record.branch is not None and f"127.0.0.1:{answering}" in record.branch
    assert {"answered", "ended"} <= set(events)
    assert {"Call_In_Progress", "Call_Completed"} <= set(hooks)


@pytest.mark.process
@pytest.mark.no_workers
async def test_a_round_robin_workgroup_starts_after_the_member_who_answered_last(app, api, numbers, platform, tmp_path):
    kamailio_or_skip()
    sipp_or_skip()
    port, port_a, port_b = free_tcp_port(), free_udp_port(), free_udp_port()
    stop_serving = await _serve(app, port)
    await _subscribe(api)
    number = await voice_number(api)
    wid = await workgroup(api, TelegentPhone=number, Type="round-robin", WaitBetween="5")
    member_a = await add(api, wid, await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(port_a)))
    member_b = await add(api, wid, await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(port_b)))
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    positions = []
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            for call, (answers, idle) in enumerate(((port_a, port_b), (port_b, port_a), (port_a, port_b)), 1):
                for old in tmp_path.glob("*.log"):
                    old.unlink()
                expected, other = sipp_uas(answers, tmp_path), sipp_uas(idle, tmp_path)
                done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
                assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
                assert await asyncio.to_thread(wait_exit, expected) == 0, f"call {call}: {answers} did not answer"
                assert other.poll() is None and not _invited(tmp_path, idle), f"call {call}: {idle} was rung first"
                _stop(other)
                records = await _record(platform, number.removeprefix("+"), call)
                for _ in range(50):  # the answered event reaches mpaas in Kamailio's next batch
                    async with platform.db.read() as session:
                        last = (await session.get(Workgroup, wid)).last_member_id
                    if last == (member_a if answers == port_a else member_b):
                        break
                    await asyncio.sleep(0.1)
                positions.append(last)
            events, hooks = await _call_events(platform, records[-1])
    finally:
        await stop_serving()
    assert positions == [member_a, member_b, member_a]
    assert [r.disposition for r in records] == ["answered"] * 3
    assert [f"127.0.0.1:{p}" in (r.branch or "") for r, p in zip(records, (port_a, port_b, port_a), strict=True)] == [
        True
    ] * 3
    assert {"answered", "ended"} <= set(events) and {"Call_In_Progress", "Call_Completed"} <= set(hooks)


@pytest.mark.process
@pytest.mark.no_workers
async def test_a_busy_member_of_a_round_robin_passes_the_call_to_the_next(app, api, numbers, platform, tmp_path):
    """A member answering 486 (on another call) is not the end of the call: the hunt goes on to the next member.
    A plain trunk route stops at a 486 (only 5xx, 408 and timeouts fail over)."""
    kamailio_or_skip()
    sipp_or_skip()
    port, busy, answering = free_tcp_port(), free_udp_port(), free_udp_port()
    stop_serving = await _serve(app, port)
    number = await voice_number(api)
    wid = await workgroup(api, TelegentPhone=number, Type="round-robin", WaitBetween="5")
    await add(api, wid, await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(busy)))
    await add(api, wid, await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(answering)))
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            first = sipp_uas(busy, tmp_path, scenario="uas_486.xml")
            second = sipp_uas(answering, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, first) == 0  # was rung first and said busy
            assert await asyncio.to_thread(wait_exit, second) == 0  # then answered
            (record,) = await _record(platform, number.removeprefix("+"), 1)
    finally:
        await stop_serving()
    assert record.disposition == "answered"
    assert record.branch is not None and f"127.0.0.1:{answering}" in record.branch


@pytest.mark.process
@pytest.mark.no_workers
async def test_the_schedule_sends_calls_on_either_side_of_the_hour_to_its_targets(
    app, api, numbers, platform, clock, tmp_path
):
    kamailio_or_skip()
    sipp_or_skip()
    port, day_port, night_port = free_tcp_port(), free_udp_port(), free_udp_port()
    stop_serving = await _serve(app, port)
    await _subscribe(api)
    number = await voice_number(api)
    day = await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(day_port))
    night = await voice_number(api, TrunkIp1="127.0.0.1", TrunkPort1=str(night_port))
    hours = {"Name": "Nine to five", "MondayStartTime": "9:00 AM", "MondayEndTime": "5:00 PM"}
    sid = (await api.ok("POST", "/ext/v1/schedules", json=hours))["ScheduleId"]
    await workgroup(
        api,
        TelegentPhone=number,
        ScheduleId=sid,
        TimeZone="America/New_York",
        OnHoursType="User",
        OnHoursId=day,
        OffHoursType="User",
        OffHoursId=night,
    )
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            for at, answers, idle in ((MONDAY_0900, day_port, night_port), (MONDAY_0859, night_port, day_port)):
                clock._at = at
                for old in tmp_path.glob("*.log"):
                    old.unlink()
                expected, other = sipp_uas(answers, tmp_path), sipp_uas(idle, tmp_path)
                done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
                assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
                assert await asyncio.to_thread(wait_exit, expected) == 0, f"{at}: {answers} did not answer"
                assert other.poll() is None and not _invited(tmp_path, idle), f"{at}: {idle} was rung"
                _stop(other)
            records = await _record(platform, number.removeprefix("+"), 2)
            events, hooks = await _call_events(platform, records[-1])
    finally:
        await stop_serving()
    assert [r.disposition for r in records] == ["answered", "answered"]
    assert f"127.0.0.1:{day_port}" in (records[0].branch or "") and f"127.0.0.1:{night_port}" in (
        records[1].branch or ""
    )
    assert {"answered", "ended"} <= set(events) and {"Call_In_Progress", "Call_Completed"} <= set(hooks)


@pytest.mark.process
@pytest.mark.no_workers
async def test_a_call_to_an_ivr_workgroup_is_refused_and_recorded(app, api, numbers, platform, tmp_path):
    kamailio_or_skip()
    sipp_or_skip()
    port = free_tcp_port()
    stop_serving = await _serve(app, port)
    await _subscribe(api)
    number = await voice_number(api)
    await add(api, await workgroup(api, TelegentPhone=number, Type="IVR"), PSTN_A)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            done = await asyncio.to_thread(
                sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"), scenario="wg_uac_rejected_501.xml"
            )
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            (record,) = await _record(platform, number.removeprefix("+"), 1)
            _events, hooks = await _call_events(platform, record)
    finally:
        await stop_serving()
    assert (record.disposition, record.sip_code, record.sip_reason) == ("rejected", 501, "IVR Needs Media")
    assert "Call_Completed" in hooks


def test_schedule_hours_overnight_all_day_and_closed_days():
    night = {"Friday": ["10:00 PM", "6:00 AM"], "Sunday": ["12:00 AM", "12:00 AM"]}
    friday, saturday = datetime(2026, 12, 4), datetime(2026, 12, 5)  # a Friday and the Saturday after
    assert not is_open(night, friday.replace(hour=21, minute=59))
    assert is_open(night, friday.replace(hour=22))
    assert is_open(night, saturday.replace(hour=5, minute=59))  # Friday's shift, past midnight
    assert not is_open(night, saturday.replace(hour=6))
    assert is_open(night, datetime(2026, 12, 6, 13))  # Sunday: same start and end, open all day
    assert not is_open(night, datetime(2026, 12, 7, 13))  # Monday: no hours, closed
