"""Guardian alerts (guardian/alerts.py): a trigger is recorded, sent as a `Guardian_Alert` account webhook event
to a real HTTP receiver, and as an alert SMS that goes out through the gateway to the SMSC simulator (the real
SMPP path) to the filter's NotificationPhones and the subscriber's guardians; a flood of triggers sends one SMS
per interval, through the database gate and through Redis."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from mpaas.guardian import alerts
from mpaas.models import GuardianAlert, Message
from mpaas.voice.compiled_routes import RoutingCache
from mpaas.voice.routing import decide
from mpaas.voice.routing_schemas import RouteRequest
from support.api import make_message_route, make_voice_route, provision
from support.guardian import call_filter, enable, relate, subscriber
from support.smpp import sim_smpp_settings

STRANGER = "+12125550100"
NOTIFY = "+18015550123"


async def _until(predicate, timeout: float = 15.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def _voice_number(api) -> str:
    route_id = await make_voice_route(api)
    provisioned = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    return provisioned["PhoneNumberAssigned"]


async def _family(api) -> tuple[str, str, str, str]:
    """A child holding a voice number, and its guardian holding another number: (child, number, parent, its
    number)."""
    number = await _voice_number(api)
    child = await subscriber(api, [number])
    parent_number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    parent = await subscriber(api, [parent_number], name="Mum")
    for who in (child, parent):
        await enable(api, who)
    await relate(api, parent, child)
    return child, number, parent, parent_number


async def _call(platform, number: str, call_id: str) -> dict:
    body = RouteRequest.model_validate({"CallId": call_id, "From": STRANGER, "To": number})
    async with platform.db.write() as session:
        return await decide(
            session, RoutingCache(platform.settings.egress_policy), platform.settings, body, platform.clock.now()
        )


async def _messages(platform, body_like: str = "Guardian alert:%") -> list[Message]:
    async with platform.db.read() as session:
        query = select(Message).where(Message.body.like(body_like)).order_by(Message.created_at, Message.to_number)
        return list((await session.execute(query)).scalars())


@pytest.fixture
async def sim():
    s = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01))
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
def smpp(platform, sim):
    """The gateway binds to the simulator (in place before the app starts it)."""
    platform.connector = SmppConnector(sim_smpp_settings(sim.port))
    return platform.connector


async def test_a_refused_call_alerts_by_sms_over_smpp_and_by_webhook(smpp, sim, api, numbers, platform, httpserver):
    httpserver.expect_request("/hooks").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/hooks"), "SubscribedEvents": "Guardian_Alert"},
    )
    child, number, _parent, parent_number = await _family(api)
    made = await call_filter(api, child, number, "WHITELIST", NotificationPhones=[NOTIFY])
    answer = await _call(platform, number, "alert-1")
    assert answer["reject"]["code"] == 603

    async def carried() -> bool:
        return {s.destination.lstrip("+") for s in sim.accepted} >= {NOTIFY[1:], parent_number[1:]}

    await _until(carried)
    texts = {s.destination.lstrip("+"): s.text for s in sim.accepted}
    expected = f"Guardian alert: blocked a call from {STRANGER} to {number} (AllowedNumbers)."
    assert texts[NOTIFY[1:]] == texts[parent_number[1:]] == expected
    assert {s.source.lstrip("+") for s in sim.accepted} == {number[1:]}  # from the child's number (no sender set)

    async def hooked() -> bool:
        return any(req.path == "/hooks" for req, _ in httpserver.log)

    await _until(hooked)
    (event,) = [json.loads(req.get_data()) for req, _ in httpserver.log if req.path == "/hooks"]
    assert event["EventType"] == "Guardian_Alert" and event["AccountId"] == api.account_id
    data = event["Data"]
    assert (data["FilterId"], data["SubscriberId"], data["Kind"], data["Direction"]) == (
        made["FilterId"],
        child,
        "call",
        "inbound",
    )
    assert (data["OwnNumber"], data["OtherNumber"], data["Rule"], data["Action"]) == (
        number,
        STRANGER,
        "AllowedNumbers",
        "Blocked",
    )
    assert data["AlertSmsSent"] is True and len(data["AlertMessageIds"]) == 2
    assert data["Detail"]["SipCode"] == 603

    async def delivered() -> bool:
        return all(m.status == "Delivered" for m in await _messages(platform))

    await _until(delivered)  # receipts came back: the alerts are ordinary messages
    for message in await _messages(platform):
        assert message.account_id == api.account_id and message.message_route_id is None
        assert message.batch_id == data["AlertId"] and alerts.is_alert_message(message.batch_id)


@pytest.mark.no_workers
async def test_a_flood_sends_one_sms_per_interval_through_the_database_gate(api, numbers, platform):
    alerts.configure(platform.settings.model_copy(update={"guardian_alert_interval": 60.0, "redis_url": None}))
    try:
        await _flood(api, platform)
    finally:
        alerts.configure(platform.settings)


@pytest.mark.no_workers
async def test_the_interval_holds_across_processes_through_redis(api, numbers, platform, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        alerts.configure(platform.settings.model_copy(update={"guardian_alert_interval": 1.0, "redis_url": url}))
        await _flood(api, platform, sleep=1.2)
    finally:
        alerts.configure(platform.settings)
        alerts._redis.pop(url, None)
        server.terminate()
        server.wait(timeout=10)


async def _flood(api, platform, *, sleep: float | None = None) -> None:
    """Five triggers at once send one SMS; one after the interval sends the next, counting the four unsent."""
    child, number, _parent, parent_number = await _family(api)
    made = await call_filter(api, child, number, "WHITELIST")
    now = platform.clock.now()
    for i in range(5):
        async with platform.db.write() as session:
            await alerts.raise_alert(
                session,
                account_id=api.account_id,
                subscriber_id=child,
                filter_id=made["FilterId"],
                kind="call",
                direction="inbound",
                own_number=number,
                other_number=STRANGER,
                rule="AllowedNumbers",
                detail={"Try": i},
                notification_phones=[],
                now=now + timedelta(seconds=i),
            )
    sent = await _messages(platform)
    assert [m.to_number for m in sent] == [parent_number]
    async with platform.db.read() as session:
        rows = list((await session.execute(select(GuardianAlert).order_by(GuardianAlert.created_at))).scalars())
    assert len(rows) == 5 and [r.sms_sent for r in rows] == [True, False, False, False, False]
    if sleep:
        await asyncio.sleep(sleep)  # Redis keeps its own time
    async with platform.db.write() as session:
        await alerts.raise_alert(
            session,
            account_id=api.account_id,
            subscriber_id=child,
            filter_id=made["FilterId"],
            kind="call",
            direction="outbound",
            own_number=number,
            other_number=STRANGER,
            rule="BlockedNumbers",
            detail={"Action": "Monitored"},
            notification_phones=[],
            now=now + timedelta(seconds=61),
        )
    sent = await _messages(platform)
    assert len(sent) == 2
    assert sent[1].body == (
        f"Guardian alert: flagged a call from {number} to {STRANGER} (BlockedNumbers). 4 more since the last alert."
    )


def test_alert_text_never_carries_content():
    text = alerts.alert_text(
        kind="message",
        direction="inbound",
        own_number="+18015551234",
        other_number="+12125550100",
        rule="Keyword",
        action=alerts.BLOCKED,
        suppressed=0,
    )
    assert text == "Guardian alert: blocked a message from +12125550100 to +18015551234 (Keyword)."


def test_alerts_queue_the_pipelines_submit_job():
    from mpaas.messaging import jobs

    assert alerts.SUBMIT_JOB == jobs.SUBMIT_JOB
