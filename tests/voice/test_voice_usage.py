"""Call minutes as Voice usage (voice/usage.py): an answered call counts its started minutes once against the live
subscription of its number, whatever order its events arrive in and however often Kamailio sends them; Alert
thresholds notify (Threshold_Alert), as for SMS and Data (docs/voice.md, "Usage and thresholds")."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mpaas.core.clock import FrozenClock
from mpaas.models import ThresholdEvent
from mpaas.voice.usage import minutes_of
from support.calls import SIP_SECRET, event, new_call, post_events
from support.voice_billing import counted_calls, subscribed_voice_number, voice_minutes, voice_threshold

PERIOD = "2026-12"  # the events' T0 (support.calls) is 2026-12-03 22:00 UTC


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SIP_SECRET})


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 3, 22, 5, tzinfo=UTC))


async def routed(http, sip_call_id: str, to: str, caller: str = "+12125550100") -> dict:
    """The routing decision for an inbound INVITE, as Kamailio asks it."""
    body = {"CallId": sip_call_id, "From": caller, "To": to, "SourceIp": "203.0.113.9", "SourcePort": 5060}
    answer = await http.post("/sip/v1/route", json=body, headers={"X-Mpaas-Sip-Secret": SIP_SECRET})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_minutes_are_per_started_minute():
    assert [minutes_of(s) for s in (0, 1, 59, 60, 61, 120, 121, 3600)] == [1, 1, 1, 1, 2, 2, 3, 60]


@pytest.mark.no_workers
async def test_an_answered_call_counts_its_minutes_once(api, platform, http, numbers):
    number, number_id, sid = await subscribed_voice_number(api)
    answer = await routed(http, "u1@pbx", number)
    assert "routes" in answer, answer
    call = answer["call"]["CallRecordId"]
    events = [
        event("ringing", "u1@pbx", 1, Code=180, CallRecordId=call),
        event("answered", "u1@pbx", 2, Code=200, CallRecordId=call),
        event("ended", "u1@pbx", 63, CallRecordId=call),  # 61 s: two started minutes
    ]
    await post_events(http, *events)
    assert await voice_minutes(platform, sid, PERIOD) == 2
    again = await post_events(http, *events)  # Kamailio sent the batch again (its answer was lost)
    assert again.json()["Duplicates"] == 3
    await post_events(http, events[2])
    await post_events(http, event("ended", "u1@pbx", 90, CallRecordId=call))  # a second end: the first stands
    assert await voice_minutes(platform, sid, PERIOD) == 2
    (row,) = await counted_calls(platform)
    assert (row.call_id, row.subscription_id, row.period, row.seconds, row.minutes) == (call, sid, PERIOD, 61, 2)
    got = await api.ok("GET", "/ext/v1/calls", params={"CallRecordId": call})
    assert got["Results"][0]["NumberId"] == number_id


@pytest.mark.no_workers
async def test_reordered_events_count_once_when_the_call_is_known_to_have_ended_answered(api, platform, http, numbers):
    number, _, sid = await subscribed_voice_number(api)
    call = (await routed(http, "u2@pbx", number))["call"]["CallRecordId"]
    await post_events(http, event("ended", "u2@pbx", 200, CallRecordId=call))  # the end first: no duration yet
    assert await voice_minutes(platform, sid, PERIOD) == 0
    await post_events(http, event("answered", "u2@pbx", 20, Code=200, CallRecordId=call))  # 180 s
    assert await voice_minutes(platform, sid, PERIOD) == 3
    await post_events(
        http,
        event("ringing", "u2@pbx", 1, Code=180, CallRecordId=call),
        event("answered", "u2@pbx", 20, Code=200, CallRecordId=call),
        event("ended", "u2@pbx", 200, CallRecordId=call),
    )
    assert await voice_minutes(platform, sid, PERIOD) == 3
    # A late, earlier `answered` (another branch's 200 reported after) makes the call longer: only the difference
    # is added, once.
    await post_events(http, event("answered", "u2@pbx", 19, Code=200, CallRecordId=call))
    await post_events(http, event("answered", "u2@pbx", 19, Code=200, CallRecordId=call))
    assert await voice_minutes(platform, sid, PERIOD) == 4
    (row,) = await counted_calls(platform)
    assert (row.seconds, row.minutes) == (181, 4)


@pytest.mark.no_workers
async def test_calls_that_were_not_answered_count_nothing(api, platform, http, numbers):
    number, _, sid = await subscribed_voice_number(api)
    busy = (await routed(http, "busy@pbx", number))["call"]["CallRecordId"]
    cancelled = (await routed(http, "cancel@pbx", number))["call"]["CallRecordId"]
    await post_events(
        http,
        event("ringing", "busy@pbx", 1, Code=180, CallRecordId=busy),
        event("failed", "busy@pbx", 3, Code=486, Reason="Busy Here", CallRecordId=busy),
        event("ringing", "cancel@pbx", 1, Code=180, CallRecordId=cancelled),
        event("ended", "cancel@pbx", 5, Code=487, CallRecordId=cancelled),
    )
    assert await voice_minutes(platform, sid, PERIOD) == 0
    assert await counted_calls(platform) == []


@pytest.mark.no_workers
async def test_both_directions_count_and_a_number_without_subscription_counts_for_nobody(api, platform, http, numbers):
    number, number_id, sid = await subscribed_voice_number(api)
    out = await new_call(
        platform, api.account_id, "out@pbx", number_id=number_id, direction="outbound", from_number=number
    )
    stray = await new_call(platform, api.account_id, "stray@pbx", number_id="NID-0193")  # no subscription
    await post_events(
        http,
        event("answered", "out@pbx", 1, Code=200, CallRecordId=out),
        event("ended", "out@pbx", 31, CallRecordId=out),
        event("answered", "stray@pbx", 1, Code=200, CallRecordId=stray),
        event("ended", "stray@pbx", 600, CallRecordId=stray),
    )
    assert await voice_minutes(platform, sid, PERIOD) == 1
    rows = {r.call_id: r for r in await counted_calls(platform)}
    assert rows[out].subscription_id == sid and rows[stray].subscription_id is None


async def test_crossing_a_voice_alert_notifies_once(api, platform, http, numbers, httpserver):
    httpserver.expect_request("/alerts").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/alerts"), "SubscribedEvents": "Threshold_Alert"},
    )
    number, _, sid = await subscribed_voice_number(api)
    alert = await voice_threshold(api, sid, 3, "Alert")
    for n, seconds in enumerate((100, 100, 100)):  # 2 minutes each: the second call crosses 3
        call = (await routed(http, f"a{n}@pbx", number))["call"]["CallRecordId"]
        events = [
            event("answered", f"a{n}@pbx", 1, Code=200, CallRecordId=call),
            event("ended", f"a{n}@pbx", 1 + seconds, CallRecordId=call),
        ]
        await post_events(http, *events)
        await post_events(http, *events)
    assert await voice_minutes(platform, sid, PERIOD) == 6
    # Alert refuses nothing
    assert "routes" in await routed(http, "a-next@pbx", number)
    deadline = asyncio.get_running_loop().time() + 10
    while not httpserver.log:
        assert asyncio.get_running_loop().time() < deadline, "no Threshold_Alert delivered"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    (delivered,) = [json.loads(r.get_data()) for r, _ in httpserver.log]
    assert delivered["EventType"] == "Threshold_Alert"
    data = delivered["Data"]
    assert (data["SubscriptionId"], data["ThresholdId"], data["ThresholdType"], data["ThresholdAction"]) == (
        sid,
        alert,
        "Voice",
        "Alert",
    )
    assert (data["Period"], data["Usage"], data["Limit"]) == (PERIOD, 4, 3)
    events = await api.ok("GET", "/ext/v1/billing/threshold-events", params={"Period": PERIOD})
    assert [(e["ThresholdId"], e["Action"], e["Usage"]) for e in events["Events"]] == [(alert, "Alert", 4)]


@pytest.mark.no_workers
async def test_a_call_counts_in_the_month_it_ended_even_when_its_events_come_after(api, platform, http, numbers, clock):
    number, _, sid = await subscribed_voice_number(api)
    await voice_threshold(api, sid, 1, "Pause")
    call = (await routed(http, "eom@pbx", number))["call"]["CallRecordId"]
    # The events arrive once January has begun (only /sip/v1 from here: its shared secret has no clock, while a
    # bearer token minted in mpaas's future would be refused by PyJWT's check of `iat` against the real time).
    clock._at = datetime(2027, 1, 1, 0, 0, 30, tzinfo=UTC)
    await post_events(
        http,
        {"Event": "answered", "CallId": "eom@pbx", "Timestamp": "2026-12-31T23:58:00.000Z", "CallRecordId": call},
        {"Event": "ended", "CallId": "eom@pbx", "Timestamp": "2026-12-31T23:59:50.000Z", "CallRecordId": call},
    )
    assert (await voice_minutes(platform, sid, "2026-12"), await voice_minutes(platform, sid, "2027-01")) == (2, 0)
    async with platform.db.read() as session:
        crossed = (await session.execute(select(ThresholdEvent.period, ThresholdEvent.action))).all()
    assert [tuple(c) for c in crossed] == [("2026-12", "Pause")]
    assert "routes" in await routed(http, "jan@pbx", number)  # December's Pause does not hold in January
