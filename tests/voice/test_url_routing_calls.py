"""Real calls on URL routes: sipp as the carrier and as the customer's SIP endpoint, Kamailio run by the supervisor,
this app under uvicorn deciding (it asks the route's VoiceUrl, a real HTTP receiver) and delivering the
CallbackVoiceUrl status callbacks through its webhook worker (docs/voice.md, "URL routes")."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import uvicorn
from sqlalchemy import select
from werkzeug import Response

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

pytestmark = [pytest.mark.process]


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SECRET, "voice_url_timeout_seconds": 0.5})


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


async def _url_number(api, voice_url: str, **fields) -> str:
    route_id = await make_voice_route(api, RouteType="URL", VoiceUrl=voice_url, **fields)
    provisioned = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    return provisioned["PhoneNumberAssigned"]


async def _record(platform, **where) -> Call | None:
    """The call record matching `where` once it has a disposition (events arrive in batches, after the call)."""
    record = None
    for _ in range(300):  # up to 30 s: events come late on a loaded machine
        async with platform.db.read() as session:
            record = (await session.execute(select(Call).filter_by(**where))).scalar_one_or_none()
        if record is not None and record.disposition is not None:
            return record
        await asyncio.sleep(0.1)
    return record


async def test_a_url_route_dials_the_sip_endpoint_it_names_and_the_callback_follows_the_call(
    app, api, numbers, platform, tmp_path, httpserver
):
    kamailio_or_skip()
    sipp_or_skip()
    port, endpoint = free_tcp_port(), free_udp_port()
    httpserver.expect_request("/voice").respond_with_json(
        {"Action": "dial", "Targets": [f"sip:127.0.0.1:{endpoint}"], "Timeout": 20}
    )
    httpserver.expect_request("/status").respond_with_data("ok")
    number = await _url_number(api, httpserver.url_for("/voice"), CallbackVoiceUrl=httpserver.url_for("/status"))
    stop_serving = await _serve(app, port)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            uas = sipp_uas(endpoint, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, uas) == 0  # the endpoint the VoiceUrl named answered
            record = await _record(platform, to_number=number.removeprefix("+"))
            statuses: list[dict] = []
            for _ in range(200):
                statuses = [json.loads(r.get_data()) for r, _ in httpserver.log if r.path == "/status"]
                if any(s["CallStatus"] == "completed" for s in statuses):
                    break
                await asyncio.sleep(0.05)
    finally:
        await stop_serving()
    assert record is not None and record.account_id == api.account_id and record.disposition == "answered"
    assert record.branch == f"sip:{number}@127.0.0.1:{endpoint};transport=udp"
    (question,) = [json.loads(r.get_data()) for r, _ in httpserver.log if r.path == "/voice"]
    assert (question["To"], question["SipCallId"], question["AccountId"]) == (
        number,
        record.sip_call_id,
        api.account_id,
    )
    statuses.sort(key=lambda s: s["Timestamp"])
    assert [s["CallStatus"] for s in statuses] == ["ringing", "in-progress", "completed"]
    completed = statuses[-1]
    assert completed["CallRecordId"] == record.id and completed["Disposition"] == "answered"
    assert completed["DurationSeconds"] == record.duration_seconds and completed["DurationSeconds"] is not None


async def test_a_url_route_rejection_and_a_voice_url_timeout_reach_the_caller(
    app, api, numbers, platform, tmp_path, httpserver
):
    kamailio_or_skip()
    sipp_or_skip()
    port = free_tcp_port()
    httpserver.expect_request("/busy").respond_with_json({"Action": "reject", "Code": 486, "Reason": "Busy Here"})

    def slow(_request):
        time.sleep(1.2)  # past the test's 0.5 s MPAAS_VOICE_URL_TIMEOUT_SECONDS, within Kamailio's 2 s
        return Response(json.dumps({"Action": "hangup"}), content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    busy = await _url_number(api, httpserver.url_for("/busy"))
    slow_number = await _url_number(api, httpserver.url_for("/slow"))
    stop_serving = await _serve(app, port)
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            refused = await asyncio.to_thread(
                sipp_uac, sip_port(sip), tmp_path, to=busy.removeprefix("+"), scenario="url_uac_486.xml"
            )
            assert refused.returncode == 0, refused.stdout.decode(errors="replace")[-2000:]  # the caller got 486
            timed_out = await asyncio.to_thread(
                sipp_uac, sip_port(sip), tmp_path, to=slow_number.removeprefix("+"), scenario="url_uac_504.xml"
            )
            assert timed_out.returncode == 0, timed_out.stdout.decode(errors="replace")[-2000:]  # and here 504
            busy_record = await _record(platform, to_number=busy.removeprefix("+"))
            slow_record = await _record(platform, to_number=slow_number.removeprefix("+"))
            for _ in range(100):  # the receiver's slow handler ends after the call: let it, before the next test
                if any(r.path == "/slow" for r, _ in httpserver.log):
                    break
                await asyncio.sleep(0.05)
    finally:
        await stop_serving()
    assert busy_record is not None and (busy_record.disposition, busy_record.sip_code) == ("rejected", 486)
    assert slow_record is not None and (slow_record.disposition, slow_record.sip_code, slow_record.sip_reason) == (
        "rejected",
        504,
        "Voice URL Timeout",
    )
