"""A real call decided by the real routing decision: sipp as the carrier and as a customer's two trunks, Kamailio run
by the supervisor, and this app (under uvicorn) answering /sip/v1/route and /sip/v1/events (docs/voice.md)."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
from sqlalchemy import select

from mpaas.models.calls import Call
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

pytestmark = [pytest.mark.process, pytest.mark.no_workers]


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SECRET})


async def test_an_inbound_call_fails_over_from_the_preferred_trunk_and_is_recorded(
    app, api, numbers, platform, tmp_path
):
    kamailio_or_skip()
    sipp_or_skip()
    port = free_tcp_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
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
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            first = sipp_uas(broken, tmp_path, scenario="uas_503.xml")
            second = sipp_uas(healthy, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, first) == 0  # it got the INVITE first
            assert await asyncio.to_thread(wait_exit, second) == 0  # and the call was answered here
            record = None
            for _ in range(100):  # the events arrive in batches, after the call
                async with platform.db.read() as session:
                    record = (
                        await session.execute(select(Call).where(Call.to_number == number.removeprefix("+")))
                    ).scalar_one_or_none()
                if record is not None and record.disposition is not None:
                    break
                await asyncio.sleep(0.1)
    finally:
        server.should_exit = True
        await serving
    assert record is not None and record.account_id == api.account_id and record.direction == "inbound"
    assert record.disposition == "answered", (record.status, record.disposition, record.sip_code)
    assert record.branch == f"sip:{number}@127.0.0.1:{healthy};transport=udp"
