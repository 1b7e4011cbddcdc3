"""A real call decided by the real routing decision: sipp as the carrier and as a customer's two trunks, Kamailio run
by the supervisor, and this app (under uvicorn) answering /sip/v1/route and /sip/v1/events (docs/voice.md)."""

from __future__ import annotations

import asyncio
import subprocess

import pytest
import uvicorn
from sqlalchemy import select

from mpaas.models.calls import Call
from support.api import make_message_route, make_voice_route, provision
from support.sip import (
    SCENARIOS,
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

pytestmark = [pytest.mark.process, pytest.mark.no_workers]


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SECRET})


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


async def _voice_number(api, route_id: str) -> str:
    """A voice-capable number on `route_id`, as E.164."""
    provisioned = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    return provisioned["PhoneNumberAssigned"]


async def test_an_inbound_call_fails_over_from_the_preferred_trunk_and_is_recorded(
    app, api, numbers, platform, tmp_path
):
    kamailio_or_skip()
    sipp_or_skip()
    port = free_tcp_port()
    stop_serving = await _serve(app, port)
    broken, healthy = free_udp_port(), free_udp_port()
    route_id = await make_voice_route(
        api,
        TrunkIp1="127.0.0.1",
        TrunkPort1=str(healthy),
        Trunk1Priortiy=20,  # the fallback
        TrunkIp2="127.0.0.1",
        TrunkPort2=str(broken),
        Trunk2Priortiy=10,  # preferred, and answers 503
    )
    number = await _voice_number(api, route_id)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            first = sipp_uas(broken, tmp_path, scenario="uas_503.xml")
            second = sipp_uas(healthy, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, first) == 0  # it got the INVITE first
            assert await asyncio.to_thread(wait_exit, second) == 0  # and the call was answered here
            record = await _record(platform, to_number=number.removeprefix("+"))
    finally:
        await stop_serving()
    assert record is not None and record.account_id == api.account_id and record.direction == "inbound"
    assert record.disposition == "answered", (record.status, record.disposition, record.sip_code)
    assert record.branch == f"sip:{number}@127.0.0.1:{healthy};transport=udp"


async def _record(platform, **where) -> Call | None:
    """The call record matching `where` once it has a disposition (events arrive in batches, after the call)."""
    record = None
    for _ in range(300):  # up to 30 s: events come late on a loaded machine
        async with platform.db.read() as session:
            query = select(Call).filter_by(**where)
            record = (await session.execute(query)).scalar_one_or_none()
        if record is not None and record.disposition is not None:
            return record
        await asyncio.sleep(0.1)
    return record


def _customer_call(target_port: int, cwd, *, caller: str, to: str) -> subprocess.CompletedProcess:
    """A customer's PBX (from 127.0.0.1) placing one call with caller id `caller` through Kamailio."""
    return subprocess.run(
        ["sipp", f"127.0.0.1:{target_port}", "-sf", str(SCENARIOS / "uac_call_from.xml"), "-key", "caller", caller]
        + ["-i", "127.0.0.1", "-p", str(free_udp_port()), "-s", to, "-m", "1", "-nostdin"]
        + ["-timeout", "15s", "-timeout_error", "-trace_msg"],
        capture_output=True,
        cwd=cwd,
        timeout=30,
    )


async def test_an_outbound_call_from_a_whitelisted_trunk_reaches_the_carrier(app, api, numbers, platform, tmp_path):
    kamailio_or_skip()
    sipp_or_skip()
    port, carrier = free_tcp_port(), free_udp_port()
    platform.settings.sip_carrier_uri = f"sip:127.0.0.1:{carrier}"
    stop_serving = await _serve(app, port)
    route_id = await make_voice_route(api, IpWhitelist=[{"IpAddress": "127.0.0.1"}])
    number = await _voice_number(api, route_id)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            pstn = sipp_uas(carrier, tmp_path)
            done = await asyncio.to_thread(
                _customer_call, sip_port(sip), tmp_path, caller=number.removeprefix("+"), to="12125550123"
            )
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, pstn) == 0  # the carrier took and answered it
            record = await _record(platform, to_number="12125550123")
            refused = await asyncio.to_thread(
                _customer_call, sip_port(sip), tmp_path, caller="12125550100", to="12125550124"
            )  # a caller id the account does not own
            assert refused.returncode != 0
            rejected = await _record(platform, to_number="12125550124")
    finally:
        await stop_serving()
    assert record is not None and record.direction == "outbound" and record.account_id == api.account_id
    assert record.disposition == "answered" and record.branch == f"sip:+12125550123@127.0.0.1:{carrier}"
    assert rejected is not None and (rejected.disposition, rejected.sip_code) == ("rejected", 403)
    assert rejected.account_id is None  # nobody's call: the caller id is not a number here


async def test_a_forward_presents_the_forwarding_number_when_transferor(app, api, numbers, platform, tmp_path):
    kamailio_or_skip()
    sipp_or_skip()
    port, carrier = free_tcp_port(), free_udp_port()
    platform.settings.sip_carrier_uri = f"sip:127.0.0.1:{carrier}"
    stop_serving = await _serve(app, port)
    route_id = await make_voice_route(api, RouteType="Forward", TrunkIp1="+12125550199", TransferCallerId="Transferor")
    number = await _voice_number(api, route_id)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            pstn = sipp_uas(carrier, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, pstn) == 0
    finally:
        await stop_serving()
    (trace,) = tmp_path.glob("uas_answer_*_messages.log")
    invite = trace.read_text(errors="replace").split("INVITE sip:", 1)[1].split("\n\n", 1)[0]
    assert invite.startswith("+12125550199@127.0.0.1")  # the forward number, at the carrier
    from_line = next(line for line in invite.splitlines() if line.lower().startswith("from:"))
    assert f"<sip:{number}@" in from_line  # the forwarding number as caller id, not the caller's
