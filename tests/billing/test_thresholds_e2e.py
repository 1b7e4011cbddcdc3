"""Threshold actions end to end with an injected clock: Pause refuses SMS until the next period, Alert is
recorded, Data usage reported by the operator pauses messaging too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mpaas.core.clock import FrozenClock
from mpaas.models import PhoneNumber
from support.api import OPERATOR_TOKEN, Api, make_message_route, provision

pytestmark = pytest.mark.slow


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))


async def subscribed_number(api: Api, platform) -> tuple[str, str]:
    number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    async with platform.db.read() as session:
        nid = (await session.execute(select(PhoneNumber.id).where(PhoneNumber.number == number))).scalar_one()
    package = await api.ok(
        "POST", "/v1.0/packages", json={"PackageName": "SMS", "Type": "p2p", "Price": 5, "Monthly": True}
    )
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Texter",
            "Email": "texter@example.com",
            "PhoneNumbers": [number],
            "Role": "Subscriber",
            "Password": "a-long-password",
        },
    )
    sub = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={
            "SubscriberId": subscriber["SubscriberId"],
            "TNID": nid,
            "PackageId": package["PackageId"],
            "Type": "mvno",
        },
    )
    return number, sub["SubscriptionId"]


async def threshold(api: Api, sid: str, **fields) -> str:
    tid = (await api.ok("POST", "/v1.0/subscriptions/thresholds/add", json=fields))["ThresholdId"]
    await api.ok(
        "POST", "/v1.0/subscriptions/thresholds/assignments/add", json={"ThresholdId": tid, "SubscriptionId": sid}
    )
    return tid


async def send(api: Api, source: str, *to: str):
    return await api.post(
        "/v1.0/message/outbound", {"From": source, "To": [{"Number": n} for n in to], "Body": "hello"}
    )


async def test_sms_pause_until_next_period(api: Api, platform, clock, numbers):
    source, sid = await subscribed_number(api, platform)
    alert = await threshold(
        api,
        sid,
        ThresholdName="Heads-up",
        ThresholdType="SMS",
        ThresholdAmount=2,
        ThresholdUnit="Count",
        ThresholdAction="Alert",
    )
    await threshold(
        api,
        sid,
        ThresholdName="SMS cap",
        ThresholdType="SMS",
        ThresholdAmount=3,
        ThresholdUnit="Count",
        ThresholdAction="Pause",
    )
    assert (await send(api, source, "+18015550101")).status_code == 200
    assert (await send(api, source, "+18015550102", "+18015550103")).status_code == 200  # 3 of 3
    refused = await send(api, source, "+18015550104")
    assert refused.status_code == 400
    message = refused.json()["Message"]
    assert "paused" in message and sid in message and "SMS cap" in message and "2026-02-01" in message
    assert (await send(api, source, "+18015550105")).status_code == 400  # still paused
    events = await api.ok("GET", "/ext/v1/billing/threshold-events", params={"Period": "2026-01"})
    assert [(e["ThresholdId"], e["Action"], e["Usage"]) for e in events["Events"]] == [(alert, "Alert", 3)]
    # The next period starts: counters reset, sending works again.
    clock._at = datetime(2026, 2, 1, 0, 0, 5, tzinfo=UTC)
    api.tokens.clear()
    assert (await send(api, source, "+18015550106")).status_code == 200


async def test_data_pause_blocks_messaging_and_restrict_is_recorded(api: Api, http, platform, clock, numbers):
    source, sid = await subscribed_number(api, platform)
    await threshold(
        api,
        sid,
        ThresholdName="Data cap",
        ThresholdType="Data",
        ThresholdAmount=1,
        ThresholdUnit="GB",
        ThresholdAction="Pause",
    )
    await threshold(
        api,
        sid,
        ThresholdName="Slow down",
        ThresholdType="Data",
        ThresholdAmount=500,
        ThresholdUnit="MB",
        ThresholdAction="Restrict",
    )
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    used = await http.post(
        "/ops/v1/billing/usage", json={"SubscriptionId": sid, "Kind": "Data", "Amount": 600_000_000}, headers=headers
    )
    assert used.status_code == 200 and used.json()["Usage"] == 600_000_000
    assert (await send(api, source, "+18015550101")).status_code == 200  # restricted data, SMS still fine
    from mpaas.billing.enforcement import is_restricted

    async with platform.db.read() as session:
        number = (await session.execute(select(PhoneNumber).where(PhoneNumber.number == source))).scalar_one()
        assert await is_restricted(session, number, clock.now())
    await http.post(
        "/ops/v1/billing/usage", json={"SubscriptionId": sid, "Kind": "Data", "Amount": 500_000_000}, headers=headers
    )
    refused = await send(api, source, "+18015550102")
    assert refused.status_code == 400 and "Data cap" in refused.json()["Message"]
    bad = await http.post(
        "/ops/v1/billing/usage", json={"SubscriptionId": sid, "Kind": "Fax", "Amount": 1}, headers=headers
    )
    assert bad.status_code == 400
    unknown = await http.post(
        "/ops/v1/billing/usage", json={"SubscriptionId": "SUB-nope", "Kind": "SMS", "Amount": 1}, headers=headers
    )
    assert unknown.status_code == 404


async def test_numbers_without_thresholds_send_freely(api: Api, platform, numbers):
    source, _ = await subscribed_number(api, platform)
    for i in range(3):
        assert (await send(api, source, f"+1801555020{i}")).status_code == 200


async def test_network_usage_restricts_data_and_notifies(api: Api, http, platform, clock, numbers, httpserver):
    """Data measured by the network (POST /ops/v1/usage) counts against billing thresholds: Restrict shows up
    as Throttled in the policy a packet gateway reads, and the crossings reach subscribed account webhooks."""
    import asyncio
    import json

    httpserver.expect_request("/events").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/events"), "SubscribedEvents": "Threshold_Alert, Usage_Threshold"},
    )
    source, sid = await subscribed_number(api, platform)
    await threshold(
        api,
        sid,
        ThresholdName="Slow down",
        ThresholdType="Data",
        ThresholdAmount=1,
        ThresholdUnit="MB",
        ThresholdAction="Restrict",
    )
    await api.ok(
        "POST",
        "/v1.0/numbers/data-usage",
        json={
            "PhoneNumbers": [{"Number": source}],
            "NotifyValue": 1,
            "ThrottleValue": 50,
            "LimitValue": 100,
            "ValueUnit": "MB",
            "ThrottleSpeed": "5-mbps",
        },
    )
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    before = (await http.get("/ops/v1/policy", params={"PhoneNumber": source}, headers=headers)).json()
    assert before["Behavior"] == "Active"
    ingested = await http.post(
        "/ops/v1/usage",
        headers=headers,
        json={
            "Records": [
                {"RecordId": "r-1", "PhoneNumber": source, "Bytes": 2_000_000, "Timestamp": clock.now().isoformat()}
            ]
        },
    )
    assert ingested.status_code == 200, ingested.text
    after = (await http.get("/ops/v1/policy", params={"PhoneNumber": source}, headers=headers)).json()
    assert (after["Behavior"], after["ThrottleSpeed"]) == ("Throttled", "5-mbps")
    deadline = asyncio.get_running_loop().time() + 10
    while len([r for r, _ in httpserver.log if r.path == "/events"]) < 2:
        assert asyncio.get_running_loop().time() < deadline, httpserver.log
        await asyncio.sleep(0.05)
    events = {
        json.loads(r.get_data())["EventType"]: json.loads(r.get_data())["Data"]
        for r, _ in httpserver.log
        if r.path == "/events"
    }
    assert events["Threshold_Alert"]["ThresholdAction"] == "Restrict"
    assert events["Threshold_Alert"]["SubscriptionId"] == sid
    assert events["Usage_Threshold"] == {"PhoneNumber": source, "Level": "Notify", "UsedBytes": 2_000_000}
