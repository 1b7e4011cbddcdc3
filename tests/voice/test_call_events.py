"""POST /sip/v1/events: Kamailio's call progress becomes durable call records (timestamps, duration,
disposition, SIP code, branch), idempotently and whatever order the events arrive in, one by one or in batches;
the account's webhooks get Call_Ringing, Call_In_Progress, Call_On_Hold and Call_Completed, signed."""

from __future__ import annotations

import asyncio
import json

import pytest

from mpaas.core.http import dispatch
from mpaas.core.http.webhook_sender import sign
from support.api import make_message_route, make_voice_route, provision
from support.calls import SIP_SECRET, T0, at, event, new_call, post_events


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SIP_SECRET})


async def record(api, call_record_id: str) -> dict:
    found = await api.ok("GET", "/ext/v1/calls", params={"CallRecordId": call_record_id})
    assert found["ResultsTotalRecords"] == 1, found
    return found["Results"][0]


@pytest.mark.no_workers
async def test_a_call_rings_is_answered_and_ends(api, platform, http):
    call = await new_call(platform, api.account_id, "c1@10.0.0.1")
    assert call.startswith("CALL-")
    assert (await record(api, call))["Status"] == "routing"
    answer = await post_events(http, event("ringing", "c1@10.0.0.1", 1, Code=180, Branch="sip:+18015557000@10.0.0.5"))
    assert answer.status_code == 200 and answer.json() == {"Accepted": 1, "Duplicates": 0, "Ignored": 0, "Invalid": 0}
    assert (await record(api, call))["Status"] == "ringing"
    await post_events(http, event("answered", "c1@10.0.0.1", 4.25, Code=200, Reason="OK"))
    assert (await record(api, call))["Status"] == "in-progress"
    await post_events(http, event("ended", "c1@10.0.0.1", 66.5))
    got = await record(api, call)
    assert got["Status"] == "completed" and got["Disposition"] == "answered"
    assert got["DurationSeconds"] == 63  # 62.25 s answered -> ended, in whole seconds rounded up
    assert got["RingingOn"] == "2026-12-03T22:00:01+00:00"
    assert got["AnsweredOn"] == "2026-12-03T22:00:04.250000+00:00"
    assert got["EndedOn"] == "2026-12-03T22:01:06.500000+00:00"
    assert (got["SipCode"], got["SipReason"]) == (200, "OK")
    assert got["Branch"] == "sip:+18015557000@10.0.0.5"
    assert (got["AccountId"], got["NumberId"], got["Direction"]) == (api.account_id, "NID-0193", "inbound")
    assert (got["From"], got["To"], got["SipCallId"]) == ("+18015550100", "+18015557000", "c1@10.0.0.1")


@pytest.mark.no_workers
async def test_from_the_routing_decision_to_the_end_of_the_call(api, platform, http, numbers):
    """The record the route answer names (POST /sip/v1/route, as Kamailio asks it) is the one the events move."""
    route_id = await make_voice_route(api, TrunkIp1="20.87.87.87")
    provisioned = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    number, number_id = provisioned["PhoneNumberAssigned"], provisioned["PhoneNumberId"]
    headers = {"X-Mpaas-Sip-Secret": SIP_SECRET}
    ask = {"CallId": "e2e@pbx", "From": "+12125550100", "To": number, "SourceIp": "203.0.113.9", "SourcePort": 5060}
    answer = (await http.post("/sip/v1/route", json={**ask, "Transport": "udp"}, headers=headers)).json()
    call = answer["call"]["CallRecordId"]
    got = await record(api, call)
    assert (got["Status"], got["NumberId"], got["To"], got["Direction"]) == ("routing", number_id, number, "inbound")
    branch = answer["routes"][0]["uri"]
    await post_events(
        http,
        event("ringing", "e2e@pbx", 1, Code=180, Branch=branch, CallRecordId=call),
        event("answered", "e2e@pbx", 2, Code=200, Branch=branch, CallRecordId=call),
        event("ended", "e2e@pbx", 32, CallRecordId=call),
    )
    got = await record(api, call)
    assert (got["Disposition"], got["DurationSeconds"], got["Branch"]) == ("answered", 30, branch)
    # a decision's rejection is a final record at once
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": number, "VoiceEnabled": False})
    refused = (await http.post("/sip/v1/route", json={**ask, "CallId": "e2e-2@pbx"}, headers=headers)).json()
    got = await record(api, refused["call"]["CallRecordId"])
    assert (got["Status"], got["Disposition"], got["SipCode"]) == ("completed", "rejected", refused["reject"]["code"])


@pytest.mark.no_workers
async def test_the_route_query_and_the_events_are_served_at_the_edge(api, platform, http, monkeypatch):
    """Kamailio's two hot requests are served by the app's edge (core/http/lean.py `served_at_edge`), never by the
    router behind it."""
    call = await new_call(platform, api.account_id, "edge@10.0.0.1")
    await http.get("/healthz")  # the edge's maps are built on its first request

    async def router(*_args):
        raise AssertionError("the router ran")

    monkeypatch.setattr(dispatch.RouteTable, "__call__", router)
    answer = await post_events(http, event("ringing", "edge@10.0.0.1", 1, Code=180))
    assert answer.status_code == 200 and answer.json() == {"Accepted": 1, "Duplicates": 0, "Ignored": 0, "Invalid": 0}
    ask = {"CallId": "edge-2@pbx", "From": "+12125550100", "To": "+18015550199"}
    decided = await http.post("/sip/v1/route", json=ask, headers={"X-Mpaas-Sip-Secret": SIP_SECRET})
    assert decided.status_code == 200 and decided.json()["call"]["CallRecordId"].startswith("CALL-")
    assert (await http.post("/sip/v1/route", json=ask)).status_code == 401
    monkeypatch.undo()
    assert (await record(api, call))["Status"] == "ringing"


@pytest.mark.no_workers
@pytest.mark.parametrize(
    "code,reason,disposition",
    [
        (486, "Busy Here", "busy"),
        (487, "Request Terminated", "cancelled"),
        (408, "Request Timeout", "no-answer"),
        (603, "Decline", "rejected"),
        (503, "Service Unavailable", "failed"),
    ],
)
async def test_failed_calls(api, platform, http, code, reason, disposition):
    call = await new_call(platform, api.account_id, f"f{code}")
    await post_events(
        http, event("ringing", f"f{code}", 1, Code=180), event("failed", f"f{code}", 9, Code=code, Reason=reason)
    )
    got = await record(api, call)
    assert (got["Status"], got["Disposition"], got["SipCode"], got["SipReason"]) == (
        "completed",
        disposition,
        code,
        reason,
    )
    assert got["AnsweredOn"] is None and got["DurationSeconds"] is None
    assert got["EndedOn"] == "2026-12-03T22:00:09+00:00"


@pytest.mark.no_workers
async def test_a_cancel_reported_as_ended_with_487_is_cancelled(api, platform, http):
    call = await new_call(platform, api.account_id, "cancel")
    await post_events(http, event("ringing", "cancel", 1), event("ended", "cancel", 5, Code=487))
    got = await record(api, call)
    assert (got["Disposition"], got["DurationSeconds"]) == ("cancelled", None)


@pytest.mark.no_workers
async def test_the_same_event_twice_is_one(api, platform, http):
    call = await new_call(platform, api.account_id, "dup")
    ringing = event("ringing", "dup", 1, Code=180)
    answer = await post_events(http, ringing, ringing)
    assert answer.json() == {"Accepted": 2, "Duplicates": 1, "Ignored": 0, "Invalid": 0}
    await post_events(http, event("answered", "dup", 2), event("ended", "dup", 12))
    before = await record(api, call)
    again = await post_events(http, ringing, event("answered", "dup", 2), event("ended", "dup", 12))
    assert again.json() == {"Accepted": 3, "Duplicates": 3, "Ignored": 0, "Invalid": 0}
    assert await record(api, call) == before
    # the same event at another instant is another event (a second hold, say)
    await post_events(http, event("ended", "dup", 30))
    assert (await record(api, call))["DurationSeconds"] == 10  # the first end stands


@pytest.mark.no_workers
async def test_a_timestamp_may_be_unix_seconds_and_is_the_same_instant(api, platform, http):
    call = await new_call(platform, api.account_id, "unix")
    unix = T0.timestamp() + 1.5
    await post_events(http, {"Event": "answered", "CallId": "unix", "Timestamp": unix})
    again = await post_events(
        http, event("answered", "unix", 1.5), {"Event": "ended", "CallId": "unix", "Timestamp": str(unix + 10)}
    )
    assert again.json() == {"Accepted": 2, "Duplicates": 1, "Ignored": 0, "Invalid": 0}
    got = await record(api, call)
    assert (got["AnsweredOn"], got["DurationSeconds"]) == ("2026-12-03T22:00:01.500000+00:00", 10)


@pytest.mark.no_workers
async def test_an_end_before_its_answer_arrives(api, platform, http):
    call = await new_call(platform, api.account_id, "ooo")
    await post_events(http, event("ended", "ooo", 40, Code=200))
    got = await record(api, call)
    assert (got["Status"], got["Disposition"], got["DurationSeconds"]) == ("completed", "answered", None)
    await post_events(http, event("answered", "ooo", 10, Code=200))
    await post_events(http, event("ringing", "ooo", 2, Code=180))
    got = await record(api, call)
    assert (got["Status"], got["Disposition"], got["DurationSeconds"]) == ("completed", "answered", 30)
    assert got["RingingOn"] == "2026-12-03T22:00:02+00:00"


@pytest.mark.no_workers
async def test_hold_and_resume(api, platform, http):
    call = await new_call(platform, api.account_id, "hold")
    await post_events(http, event("answered", "hold", 1), event("hold", "hold", 5))
    assert (await record(api, call))["Status"] == "on-hold"
    await post_events(http, event("resume", "hold", 8))
    assert (await record(api, call))["Status"] == "in-progress"
    # a resume that arrives before its hold: the call is in progress once both are in
    await post_events(http, event("resume", "hold", 20))
    await post_events(http, event("hold", "hold", 15))
    assert (await record(api, call))["Status"] == "in-progress"
    await post_events(http, event("ended", "hold", 30), event("hold", "hold", 31))  # nothing after the end counts
    got = await record(api, call)
    assert (got["Status"], got["DurationSeconds"]) == ("completed", 29)


@pytest.mark.no_workers
async def test_a_failed_branch_then_the_next_one_answers(api, platform, http):
    """Serial routing: the first trunk answers 503, Kamailio fails over and the second one answers."""
    call = await new_call(platform, api.account_id, "failover")
    await post_events(http, event("failed", "failover", 1, Code=503, Branch="sip:a@10.0.0.5"))
    assert (await record(api, call))["Disposition"] == "failed"
    await post_events(
        http,
        event("ringing", "failover", 2, Code=180, Branch="sip:a@10.0.0.6"),
        event("answered", "failover", 3, Code=200, Branch="sip:a@10.0.0.6"),
    )
    got = await record(api, call)
    assert (got["Status"], got["Disposition"], got["EndedOn"]) == ("in-progress", None, None)
    await post_events(http, event("ended", "failover", 13))
    got = await record(api, call)
    assert (got["Disposition"], got["DurationSeconds"], got["Branch"]) == ("answered", 10, "sip:a@10.0.0.6")


@pytest.mark.no_workers
async def test_events_of_several_calls_in_one_batch(api, platform, http):
    first = await new_call(platform, api.account_id, "b1")
    second = await new_call(platform, api.account_id, "b2")
    answer = await post_events(
        http,
        event("ringing", "b1", 1),
        event("ringing", "b2", 1),
        event("answered", "b1", 2),
        event("failed", "b2", 3, Code=486),
        event("ended", "b1", 7),
        event("ringing", "nobody", 1),
    )
    assert answer.json() == {"Accepted": 5, "Duplicates": 0, "Ignored": 1, "Invalid": 0}
    assert (await record(api, first))["DurationSeconds"] == 5
    assert (await record(api, second))["Disposition"] == "busy"


@pytest.mark.no_workers
async def test_an_unknown_call_id_makes_a_record_only_with_a_call_record_id(api, platform, http):
    answer = await post_events(http, event("ringing", "never-routed", 1))
    assert answer.json() == {"Accepted": 0, "Duplicates": 0, "Ignored": 1, "Invalid": 0}
    named = "CALL-019ae4c2-6d1b-7c3e-9a41-2f5d8e7b1c60"
    answer = await post_events(http, event("ringing", "lost-record", 1, CallRecordId=named, From="+1801", To="+1802"))
    assert answer.json() == {"Accepted": 1, "Duplicates": 0, "Ignored": 0, "Invalid": 0}
    async with platform.db.read() as session:
        from mpaas.models import Call  # deferred: a model read only by this test

        call = await session.get(Call, named)
    assert call is not None and call.account_id is None and call.status == "ringing"
    assert (call.sip_call_id, call.from_number, call.to_number) == ("lost-record", "+1801", "+1802")
    # a record named by CallRecordId under another Call-ID takes that Call-ID's events too
    known = await new_call(platform, api.account_id, "original-call-id")
    await post_events(http, event("answered", "changed-call-id", 3, CallRecordId=known))
    assert (await record(api, known))["Status"] == "in-progress"


@pytest.mark.no_workers
async def test_start_call_returns_the_record_already_made_and_records_rejections(api, platform, http):
    first = await new_call(platform, api.account_id, "twice")
    assert await new_call(platform, api.account_id, "twice") == first
    rejected = await new_call(platform, api.account_id, "rejected", reject_code=480, reject_reason="Number Not Active")
    got = await record(api, rejected)
    assert (got["Status"], got["Disposition"], got["SipCode"], got["SipReason"]) == (
        "completed",
        "rejected",
        480,
        "Number Not Active",
    )
    assert got["EndedOn"] == got["CreatedOn"]
    # an event Kamailio reports for it, stamped by another clock (even earlier), changes nothing
    await post_events(http, event("failed", "rejected", -5, Code=500))
    assert (await record(api, rejected)) == got
    unknown = await new_call(platform, None, "to-nobody", number_id=None, reject_code=404, reject_reason="Not Found")
    assert unknown.startswith("CALL-")


@pytest.mark.no_workers
@pytest.mark.parametrize(
    "bad",
    [
        {"Event": "exploded", "CallId": "x", "Timestamp": at(1)},
        {"Event": "ringing", "Timestamp": at(1)},
        {"Event": "ringing", "CallId": "x"},
        {"Event": "ringing", "CallId": "x", "Timestamp": "9999-01-01T00:00:00Z"},
        {"Event": "ringing", "CallId": "x", "Timestamp": at(1), "Code": 7000},
        {"Event": "ringing", "CallId": "x", "Timestamp": at(1), "Reason": "a\x00b"},
        "not an event",
    ],
)
async def test_an_event_that_cannot_be_read_is_dropped_and_holds_back_no_other(api, platform, http, bad):
    """Kamailio sends a batch again until mpaas takes it: one bad event must not block the queue."""
    call = await new_call(platform, api.account_id, "x")
    answer = await post_events(http, bad, event("answered", "x", 2))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"Accepted": 1, "Duplicates": 0, "Ignored": 0, "Invalid": 1}
    assert (await record(api, call))["Status"] == "in-progress"


@pytest.mark.no_workers
async def test_long_sip_texts_are_cut_to_fit(api, platform, http):
    call = await new_call(platform, api.account_id, "long")
    branch = "sip:" + "b" * 400 + "@10.0.0.5"
    await post_events(http, event("failed", "long", 1, Code=503, Reason="R" * 300, Branch=branch))
    got = await record(api, call)
    assert (got["SipReason"], got["Branch"]) == ("R" * 255, branch[:255])


@pytest.mark.no_workers
@pytest.mark.parametrize("body", [{"Events": []}, {"Events": "ringing"}, [1, 2], {"Events": [{}] * 1001}])
async def test_a_body_that_is_no_batch_is_400(api, platform, http, body):
    answer = await http.post("/sip/v1/events", json=body, headers={"X-Mpaas-Sip-Secret": SIP_SECRET})
    assert answer.status_code == 400 and set(answer.json()) == {"StatusCode", "Message"}, answer.text


@pytest.mark.no_workers
async def test_the_shared_secret_is_required(api, platform, http):
    call = await new_call(platform, api.account_id, "secret")
    ringing = event("ringing", "secret", 1)
    for secret in (None, "", "wrong", SIP_SECRET + "x"):
        answer = await post_events(http, ringing, secret=secret)
        assert answer.status_code == 401 and set(answer.json()) == {"StatusCode", "Message"}
    # a tenant's token opens nothing here
    token = await api.token("/sip/v1/events")
    answer = await http.post("/sip/v1/events", json=ringing, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert (await record(api, call))["Status"] == "routing"
    paths = (await http.get("/openapi.json")).json()["paths"]
    assert "/ext/v1/calls" in paths and not any(p.startswith("/sip/") for p in paths)


# ------------------------------------------------------------------------------------------ webhooks


async def _until(predicate, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_call_webhooks_are_delivered_signed_with_stable_event_ids(api, platform, http, httpserver):
    httpserver.expect_request("/calls").respond_with_data("ok")
    httpserver.expect_request("/sms").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={
            "WebhookUrl": httpserver.url_for("/calls"),
            "SubscribedEvents": "Call_Ringing, Call_In_Progress, Call_On_Hold, Call_Completed",
        },
    )
    await api.ok(
        "POST", "/v1.0/webhook/create", json={"WebhookUrl": httpserver.url_for("/sms"), "SubscribedEvents": "New_Sms"}
    )
    secret = (await api.ok("GET", "/ext/v1/accounts/webhook-signing-secret"))["WebhookSigningSecret"]
    call = await new_call(platform, api.account_id, "hooked")
    events = [
        event("ringing", "hooked", 1, Code=180),
        event("answered", "hooked", 3, Code=200),
        event("hold", "hooked", 10),
        event("resume", "hooked", 12),
        event("ended", "hooked", 23),
    ]
    await post_events(http, *events[:2])
    await post_events(http, *events[2:])
    await post_events(http, *events)  # Kamailio sent them again: nothing more is delivered
    await _until(lambda: len(httpserver.log) >= 5)
    await asyncio.sleep(0.3)
    delivered = [(r, json.loads(r.get_data())) for r, _ in httpserver.log]
    assert len(delivered) == 5 and all(r.path == "/calls" for r, _ in delivered)
    by_event = {body["Data"]["Event"]: (r, body) for r, body in delivered}
    assert {e: b["EventType"] for e, (_, b) in by_event.items()} == {
        "ringing": "Call_Ringing",
        "answered": "Call_In_Progress",
        "hold": "Call_On_Hold",
        "resume": "Call_In_Progress",
        "ended": "Call_Completed",
    }
    for request, body in by_event.values():
        content = request.get_data()
        assert request.headers["X-Mpaas-Signature"] == sign(secret, request.headers["X-Mpaas-Timestamp"], content)
        assert request.headers["X-Mpaas-Event-Id"] == body["EventId"] and body["EventId"].startswith("EVT-")
        assert body["AccountId"] == api.account_id and body["Data"]["CallRecordId"] == call
    assert len({b["EventId"] for _, b in delivered}) == 5
    ringing, completed = by_event["ringing"][1]["Data"], by_event["ended"][1]["Data"]
    assert (ringing["Status"], ringing["Timestamp"], ringing["SipCode"]) == (
        "ringing",
        at(1).replace("Z", "+00:00").replace(".000", ""),
        180,
    )
    assert by_event["hold"][1]["Data"]["Status"] == "on-hold"
    assert (completed["Status"], completed["Disposition"], completed["DurationSeconds"]) == (
        "completed",
        "answered",
        20,
    )


async def test_a_rejected_call_and_a_branch_failure_notify_once(api, platform, http, httpserver):
    httpserver.expect_request("/calls").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/calls"), "SubscribedEvents": "Call_Completed"},
    )
    rejected = await new_call(platform, api.account_id, "rej", reject_code=403, reject_reason="Voice Not Enabled")
    await new_call(platform, api.account_id, "fo")
    # one batch: the first branch fails, the second answers: no Call_Completed for the branch's failure
    await post_events(
        http,
        event("failed", "fo", 1, Code=503),
        event("answered", "fo", 2),
        event("ended", "fo", 5),
        event("failed", "fo", 6, Code=500),  # after the end: nothing
    )
    await _until(lambda: len(httpserver.log) >= 2)
    await asyncio.sleep(0.3)
    bodies = [json.loads(r.get_data()) for r, _ in httpserver.log]
    assert len(bodies) == 2
    by_call = {b["Data"]["SipCallId"]: b["Data"] for b in bodies}
    assert by_call["rej"]["CallRecordId"] == rejected and by_call["rej"]["Disposition"] == "rejected"
    assert (by_call["rej"]["Event"], by_call["rej"]["SipCode"]) == ("rejected", 403)
    assert (by_call["fo"]["Disposition"], by_call["fo"]["DurationSeconds"]) == ("answered", 3)
