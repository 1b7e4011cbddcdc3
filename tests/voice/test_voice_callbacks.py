"""A voice route's CallbackVoiceUrl (voice/voice_callbacks.py): each status change of its numbers' calls is queued
with the call's events and delivered by the webhook worker to a real receiver, signed, once per event, and only for
the route's own account."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from mpaas.core.http.webhook_sender import sign
from mpaas.models import WebhookAttempt
from mpaas.models.jobs import DONE, Job
from support.api import make_message_route, make_voice_route, provision
from support.calls import SIP_SECRET, event, post_events


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SIP_SECRET, "sip_listen": "udp:127.0.0.1:5060"})


async def voice_number(api, **route_fields) -> str:
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


async def decide(http, sip_call_id: str, to: str) -> dict:
    body = {"CallId": sip_call_id, "From": "+12125550100", "To": to, "SourceIp": "20.1.1.1", "SourcePort": 5060}
    response = await http.post("/sip/v1/route", json=body, headers={"X-Mpaas-Sip-Secret": SIP_SECRET})
    assert response.status_code == 200, response.text
    return response.json()


async def until(predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


async def test_status_changes_reach_the_callback_signed_and_once(api, http, numbers, httpserver):
    httpserver.expect_request("/status").respond_with_data("ok")
    httpserver.expect_request("/voice").respond_with_json({"Action": "dial", "Targets": ["sip:127.0.0.1:5080"]})
    number = await voice_number(
        api,
        RouteType="URL",
        VoiceUrl=httpserver.url_for("/voice"),
        CallbackVoiceUrl=httpserver.url_for("/status"),
        VoiceAuthenticationType="Bearer",
        VoicePasswordToken="tok",
    )
    record = (await decide(http, "cb-1", number))["call"]["CallRecordId"]
    events = [
        event("ringing", "cb-1", 1, Code=180, Reason="Ringing"),
        event("answered", "cb-1", 3, Code=200, Reason="OK"),
        event("hold", "cb-1", 10),
        event("resume", "cb-1", 12),
        event("ended", "cb-1", 23),
    ]
    assert (await post_events(http, *events[:2])).status_code == 200
    assert (await post_events(http, *events[2:])).status_code == 200
    assert (await post_events(http, *events)).status_code == 200  # Kamailio sent them again: nothing more
    await until(lambda: len([r for r, _ in httpserver.log if r.path == "/status"]) >= 5)
    await asyncio.sleep(0.3)
    delivered = [(r, json.loads(r.get_data())) for r, _ in httpserver.log if r.path == "/status"]
    assert len(delivered) == 5
    delivered.sort(key=lambda d: d[1]["Timestamp"])  # delivered concurrently: a receiver orders by Timestamp
    secret = (await api.ok("GET", "/ext/v1/accounts/webhook-signing-secret"))["WebhookSigningSecret"]
    for request, body in delivered:
        assert request.method == "POST" and request.headers["Authorization"] == "Bearer tok"
        content = request.get_data()
        assert request.headers["X-Mpaas-Signature"] == sign(secret, request.headers["X-Mpaas-Timestamp"], content)
        assert request.headers["X-Mpaas-Event-Id"] == body["EventId"] and body["EventType"] == "voice.status"
        assert body["CallRecordId"] == record and body["AccountId"] == api.account_id and body["To"] == number
    assert [b["CallStatus"] for _, b in delivered] == ["ringing", "in-progress", "on-hold", "in-progress", "completed"]
    completed = delivered[-1][1]
    assert (completed["Event"], completed["Disposition"], completed["DurationSeconds"]) == ("ended", "answered", 20)
    assert (delivered[0][1]["SipCode"], delivered[0][1]["Status"]) == (180, "ringing")
    assert len({b["EventId"] for _, b in delivered}) == 5


async def test_a_failed_call_reports_its_code_and_a_get_callback_its_query(api, http, numbers, httpserver, platform):
    httpserver.expect_request("/status").respond_with_data("ok")
    number = await voice_number(
        api, TrunkIp1="127.0.0.1", CallbackVoiceUrl=httpserver.url_for("/status"), CallbackVoiceUrlMethod="GET"
    )
    await decide(http, "cb-2", number)  # a Trunk route: the callback is the route's, whatever its type
    await post_events(http, event("ringing", "cb-2", 1, Code=180), event("failed", "cb-2", 4, Code=486, Reason="Busy"))
    await until(lambda: len(httpserver.log) >= 2)
    await asyncio.sleep(0.3)
    requests = [r for r, _ in httpserver.log]
    assert [r.method for r in requests] == ["GET", "GET"]
    (last,) = [r.args for r in requests if r.args["Event"] == "failed"]
    assert (last["CallStatus"], last["Disposition"], last["SipCode"], last["SipReason"]) == (
        "completed",
        "busy",
        "486",
        "Busy",
    )
    async with platform.db.read() as session:
        attempts = (
            (await session.execute(select(WebhookAttempt).where(WebhookAttempt.event_type == "voice.status")))
            .scalars()
            .all()
        )
    assert len(attempts) == 2 and all(a.status_code == 200 and a.account_id == api.account_id for a in attempts)


async def test_only_the_routes_own_calls_and_nothing_once_the_callback_is_gone(
    api, other_api, http, numbers, httpserver
):
    httpserver.expect_request("/ours").respond_with_data("ok")
    httpserver.expect_request("/theirs").respond_with_data("ok")
    ours = await voice_number(api, TrunkIp1="127.0.0.1", CallbackVoiceUrl=httpserver.url_for("/ours"))
    theirs = await voice_number(other_api, TrunkIp1="127.0.0.1", CallbackVoiceUrl=httpserver.url_for("/theirs"))
    plain = await voice_number(api, TrunkIp1="127.0.0.1")  # no callback
    await decide(http, "t-ours", ours)
    await decide(http, "t-theirs", theirs)
    await decide(http, "t-plain", plain)
    await post_events(http, *(event("ringing", c, 1) for c in ("t-ours", "t-theirs", "t-plain")))
    await until(lambda: len(httpserver.log) >= 2)
    await asyncio.sleep(0.3)
    seen = {r.path: json.loads(r.get_data()) for r, _ in httpserver.log}
    assert len(httpserver.log) == 2
    assert (seen["/ours"]["AccountId"], seen["/ours"]["SipCallId"]) == (api.account_id, "t-ours")
    assert (seen["/theirs"]["AccountId"], seen["/theirs"]["SipCallId"]) == (other_api.account_id, "t-theirs")


async def test_callbacks_go_to_the_route_that_routed_the_call_when_the_number_moves_mid_call(
    api, http, numbers, httpserver, platform
):
    httpserver.expect_request("/first").respond_with_data("ok")
    httpserver.expect_request("/second").respond_with_data("ok")
    first = await make_voice_route(api, TrunkIp1="127.0.0.1", CallbackVoiceUrl=httpserver.url_for("/first"))
    second = await make_voice_route(api, TrunkIp1="127.0.0.1", CallbackVoiceUrl=httpserver.url_for("/second"))
    data = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=first,
    )
    number = data["PhoneNumberAssigned"]
    await decide(http, "moved-1", number)  # routed by the first route
    await post_events(http, event("ringing", "moved-1", 1), event("answered", "moved-1", 2))
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": number, "VoiceRouteId": second})
    await post_events(http, event("ended", "moved-1", 9))  # the call routed by the first route ends
    await decide(http, "moved-2", number)  # a new call: the second route's
    await post_events(http, event("ringing", "moved-2", 11))
    await until(lambda: len(httpserver.log) >= 4)
    await asyncio.sleep(0.3)
    seen = sorted(
        (json.loads(r.get_data())["SipCallId"], json.loads(r.get_data())["Event"], r.path) for r, _ in httpserver.log
    )
    assert seen == [
        ("moved-1", "answered", "/first"),
        ("moved-1", "ended", "/first"),
        ("moved-1", "ringing", "/first"),
        ("moved-2", "ringing", "/second"),
    ]


async def test_a_disabled_route_gets_nothing_more(api, http, numbers, httpserver, platform):
    httpserver.expect_request("/status").respond_with_data("ok")
    route_id = await make_voice_route(api, TrunkIp1="127.0.0.1", CallbackVoiceUrl=httpserver.url_for("/status"))
    data = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    await decide(http, "off-1", data["PhoneNumberAssigned"])
    await api.ok("POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "RouteEnabled": False})
    await post_events(http, event("ringing", "off-1", 1), event("ended", "off-1", 2))
    jobs = await _callback_jobs(platform)
    assert len(jobs) == 2  # queued with the events; resolved to nowhere when their attempt runs

    async def done() -> bool:
        return all(job.status == DONE for job in await _callback_jobs(platform))

    for _ in range(200):
        if await done():
            break
        await asyncio.sleep(0.05)
    assert await done()
    assert httpserver.log == []


async def _callback_jobs(platform) -> list[Job]:
    async with platform.db.read() as session:
        jobs = (await session.execute(select(Job).where(Job.kind == "webhook.deliver"))).scalars().all()
    return [job for job in jobs if job.payload.get("target") == "voice_callback"]


async def test_a_call_the_decision_rejects_is_reported_completed_once(api, http, numbers, httpserver, platform):
    httpserver.expect_request("/status").respond_with_data("ok")
    httpserver.expect_request("/voice").respond_with_json({"Action": "reject", "Code": 486, "Reason": "Busy Here"})
    number = await voice_number(
        api, RouteType="URL", VoiceUrl=httpserver.url_for("/voice"), CallbackVoiceUrl=httpserver.url_for("/status")
    )
    answer = await decide(http, "rej-1", number)
    assert answer["reject"] == {"code": 486, "reason": "Busy Here"}
    await decide(http, "rej-1", number)  # the same INVITE asked about again: one record, one callback
    await until(lambda: any(r.path == "/status" for r, _ in httpserver.log))
    jobs = await _callback_jobs(platform)
    assert len(jobs) == 1

    async def done() -> bool:
        return all(job.status == DONE for job in await _callback_jobs(platform))

    for _ in range(200):
        if await done():
            break
        await asyncio.sleep(0.05)
    (body,) = [json.loads(r.get_data()) for r, _ in httpserver.log if r.path == "/status"]
    assert (body["CallStatus"], body["Event"], body["Disposition"], body["SipCode"], body["SipReason"]) == (
        "completed",
        "rejected",
        "rejected",
        486,
        "Busy Here",
    )
    assert body["CallRecordId"] == answer["call"]["CallRecordId"] and body["AccountId"] == api.account_id
