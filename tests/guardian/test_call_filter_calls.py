"""Real calls refused by AI Guardian call filters: sipp as the carrier and as the customer's trunk, Kamailio run by
the supervisor, this app (under uvicorn) deciding each call. A WHITELIST and a BLACKLIST filter each refuse an
inbound call (603) and an outbound call (403) with a Reason header naming the rule, let an allowed call through
to its trunk, and every refused call is a call record and a Call_Completed event at a real webhook receiver."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from mpaas.models.calls import Call
from support.api import make_message_route, make_voice_route, provision
from support.guardian import call_filter, enable, subscriber
from support.sip import (
    SECRET,
    free_tcp_port,
    free_udp_port,
    kamailio_or_skip,
    running_kamailio,
    sip_port,
    sip_settings,
    sipp_or_skip,
    sipp_uas,
    wait_exit,
)

pytestmark = pytest.mark.process

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
FRIEND, STRANGER = "12125550101", "12125550100"  # as the caller ids / dialled numbers (no +)


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SECRET})


async def _serve(app, port: int):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)

    async def stop() -> None:
        server.should_exit = True
        await serving

    return stop


def _sipp(target_port: int, cwd, scenario: str, *, caller: str, to: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sipp", f"127.0.0.1:{target_port}", "-sf", str(scenario), "-key", "caller", caller]
        + ["-i", "127.0.0.1", "-p", str(free_udp_port()), "-s", to, "-m", "1", "-nostdin"]
        + ["-timeout", "15s", "-timeout_error", "-trace_msg"],
        capture_output=True,
        cwd=cwd,
        timeout=30,
    )


def _refused(port: int, cwd, code: int, *, caller: str, to: str) -> subprocess.CompletedProcess:
    return _sipp(port, cwd, str(SCENARIOS / f"uac_guardian_{code}.xml"), caller=caller, to=to)


def _answered(port: int, cwd, *, caller: str, to: str) -> subprocess.CompletedProcess:
    from support.sip import SCENARIOS as VOICE_SCENARIOS

    return _sipp(port, cwd, str(VOICE_SCENARIOS / "uac_call_from.xml"), caller=caller, to=to)


async def _record(platform, **where) -> Call | None:
    record = None
    for _ in range(100):
        async with platform.db.read() as session:
            record = (await session.execute(select(Call).filter_by(**where))).scalar_one_or_none()
        if record is not None and record.disposition is not None:
            return record
        await asyncio.sleep(0.1)
    return record


async def _completed(httpserver, count: int) -> list[dict]:
    for _ in range(150):
        events = [json.loads(req.get_data()) for req, _ in httpserver.log if req.path == "/hooks"]
        events = [e for e in events if e["EventType"] == "Call_Completed"]
        if len(events) >= count:
            return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} Call_Completed events expected")


async def _run(app, api, platform, tmp_path, httpserver, mode: str, **fields) -> dict:
    """A voice number on a trunk route, filtered by `mode`; a refused inbound call from STRANGER, a refused
    outbound call to STRANGER, and an inbound call from FRIEND that its trunk answers."""
    kamailio_or_skip()
    sipp_or_skip()
    httpserver.expect_request("/hooks").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/hooks"), "SubscribedEvents": "Call_Completed,Guardian_Alert"},
    )
    port, trunk, carrier = free_tcp_port(), free_udp_port(), free_udp_port()
    platform.settings.sip_carrier_uri = f"sip:127.0.0.1:{carrier}"
    stop_serving = await _serve(app, port)
    route_id = await make_voice_route(
        api, TrunkIp1="127.0.0.1", TrunkPort1=str(trunk), IpWhitelist=[{"IpAddress": "127.0.0.1"}]
    )
    number = (
        await provision(
            api,
            await make_message_route(api),
            AreaCode="801",
            VoiceEnabled=True,
            ProductType="Sms+Data+Voice",
            VoiceRouteId=route_id,
        )
    )["PhoneNumberAssigned"]
    kid = await subscriber(api, [number])
    await enable(api, kid, calls=True, messages=False)
    made = await call_filter(api, kid, number, mode, ApplyToInbound=True, ApplyToOutbound=True, **fields)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            inbound = await asyncio.to_thread(_refused, sip_port(sip), tmp_path, 603, caller=STRANGER, to=number[1:])
            assert inbound.returncode == 0, inbound.stdout.decode(errors="replace")[-2000:]
            outbound = await asyncio.to_thread(_refused, sip_port(sip), tmp_path, 403, caller=number[1:], to=STRANGER)
            assert outbound.returncode == 0, outbound.stdout.decode(errors="replace")[-2000:]
            answering = sipp_uas(trunk, tmp_path)
            allowed = await asyncio.to_thread(_answered, sip_port(sip), tmp_path, caller=FRIEND, to=number[1:])
            assert allowed.returncode == 0, allowed.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, answering) == 0
            refused_in = await _record(platform, from_number=STRANGER, direction="inbound")
            refused_out = await _record(platform, to_number=STRANGER, direction="outbound")
            answered = await _record(platform, from_number=FRIEND)
            events = await _completed(httpserver, 3)
    finally:
        await stop_serving()
    return {
        "number": number,
        "filter": made,
        "in": refused_in,
        "out": refused_out,
        "answered": answered,
        "events": events,
        "hooks": [json.loads(req.get_data()) for req, _ in httpserver.log if req.path == "/hooks"],
    }


def _check(result: dict, reason: str) -> None:
    refused_in, refused_out, answered = result["in"], result["out"], result["answered"]
    assert refused_in is not None and (refused_in.disposition, refused_in.sip_code) == ("rejected", 603)
    assert refused_in.sip_reason == reason and refused_in.to_number == result["number"][1:]
    assert refused_out is not None and (refused_out.disposition, refused_out.sip_code) == ("rejected", 403)
    assert refused_out.sip_reason == reason
    assert answered is not None and answered.disposition == "answered"
    by_record = {e["Data"]["CallRecordId"]: e["Data"] for e in result["events"]}
    assert by_record[refused_in.id]["SipCode"] == 603 and by_record[refused_in.id]["Disposition"] == "rejected"
    assert by_record[refused_out.id]["SipCode"] == 403 and by_record[refused_out.id]["Direction"] == "outbound"
    assert by_record[refused_in.id]["SipReason"] == reason
    alerts = [e["Data"] for e in result["hooks"] if e["EventType"] == "Guardian_Alert"]
    assert sorted(a["Direction"] for a in alerts) == ["inbound", "outbound"]
    assert {a["FilterId"] for a in alerts} == {result["filter"]["FilterId"]}


async def test_a_whitelist_refuses_calls_both_ways_and_lets_an_allowed_number_ring(
    app, api, numbers, platform, tmp_path, httpserver
):
    result = await _run(app, api, platform, tmp_path, httpserver, "WHITELIST", AllowedNumbers=[f"+{FRIEND}"])
    _check(result, "Guardian Not Allowed")


async def test_a_blacklist_refuses_calls_both_ways_and_lets_others_ring(
    app, api, numbers, platform, tmp_path, httpserver
):
    result = await _run(app, api, platform, tmp_path, httpserver, "BLACKLIST", BlockedNumbers=[f"+{STRANGER}"])
    _check(result, "Guardian Blocked Number")
