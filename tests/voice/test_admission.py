"""Admission (voice/admission.py): a subscription that crossed a Pause threshold in the period gets no new calls,
inbound or outbound: 403 with a reason naming what paused it, recorded as a rejected call with its Call_Completed
event; the next period admits again. Against the routing endpoint, then with real calls (Kamailio + sipp)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
import uvicorn

from mpaas.core.clock import FrozenClock
from mpaas.voice.admission import paused_reason
from support.api import OPERATOR_TOKEN, make_voice_route
from support.calls import event, post_events
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
from support.voice_billing import subscribed_voice_number, voice_minutes, voice_threshold

PERIOD = "2026-12"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"sip_shared_secret": SECRET})


async def ask(http, sip_call_id: str, to: str, caller: str = "+12125550100", source: str = "203.0.113.9") -> dict:
    body = {"CallId": sip_call_id, "From": caller, "To": to, "SourceIp": source, "SourcePort": 5060}
    answer = await http.post("/sip/v1/route", json=body, headers={"X-Mpaas-Sip-Secret": SECRET})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def talk(http, sip_call_id: str, call: str, seconds: int) -> None:
    await post_events(
        http,
        event("answered", sip_call_id, 1, Code=200, CallRecordId=call),
        event("ended", sip_call_id, 1 + seconds, CallRecordId=call),
        secret=SECRET,
    )


def test_the_reason_names_what_paused_the_subscription():
    assert paused_reason(["Voice"]) == "Voice Usage Paused"
    assert paused_reason(["Data", "Voice"]) == "Voice Usage Paused"
    assert paused_reason(["SMS"]) == "SMS Usage Paused"
    assert paused_reason(["Data"]) == "Data Usage Paused"
    assert paused_reason([None]) == "Subscription Paused"  # the threshold was deleted since


class TestRoutingDecision:
    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock(datetime(2026, 12, 3, 22, 5, tzinfo=UTC))

    @pytest.mark.no_workers
    async def test_a_voice_pause_refuses_the_next_call_in_both_directions_until_the_next_period(
        self, api, platform, http, numbers, clock
    ):
        route_id = await make_voice_route(api, TrunkIp1="20.87.87.87", IpWhitelist=[{"IpAddress": "198.51.100.7"}])
        platform.settings.sip_carrier_uri = "sip:198.51.100.200:5060"
        number, number_id, sid = await subscribed_voice_number(api, route_id)
        await voice_threshold(api, sid, 2, "Pause")
        first = await ask(http, "p1@pbx", number)
        await talk(http, "p1@pbx", first["call"]["CallRecordId"], 61)  # 2 minutes: the Pause is reached
        assert await voice_minutes(platform, sid, PERIOD) == 2

        refused = await ask(http, "p2@pbx", number)
        assert refused["reject"] == {"code": 403, "reason": "Voice Usage Paused"}
        assert refused["call"]["NumberId"] == number_id and "routes" not in refused
        got = await api.ok("GET", "/ext/v1/calls", params={"CallRecordId": refused["call"]["CallRecordId"]})
        record = got["Results"][0]
        assert (record["Status"], record["Disposition"], record["SipCode"], record["SipReason"]) == (
            "completed",
            "rejected",
            403,
            "Voice Usage Paused",
        )
        # outbound, from the account's whitelisted trunk with the paused number as caller id
        out = await ask(http, "p3@pbx", "+12125550123", caller=number, source="198.51.100.7")
        assert out["reject"] == {"code": 403, "reason": "Voice Usage Paused"}
        assert out["call"]["Direction"] == "outbound"
        # A Voice Pause pauses the subscription's messaging too (billing/enforcement.py: any Pause does).
        sms = await api.post(
            "/v1.0/message/outbound", {"From": number, "To": [{"Number": "+18015550101"}], "Body": "x"}
        )
        assert sms.status_code == 400 and "paused" in sms.json()["Message"]
        # A refused call counts nothing.
        assert await voice_minutes(platform, sid, PERIOD) == 2

        clock._at = datetime(2027, 1, 1, 0, 0, 5, tzinfo=UTC)  # the next period lifts it
        api.tokens.clear()
        assert "routes" in await ask(http, "p4@pbx", number)
        assert "routes" in await ask(http, "p5@pbx", "+12125550124", caller=number, source="198.51.100.7")

    @pytest.mark.no_workers
    async def test_an_alert_or_a_pause_not_reached_admits(self, api, platform, http, numbers):
        number, _, sid = await subscribed_voice_number(api)
        await voice_threshold(api, sid, 1, "Alert")
        await voice_threshold(api, sid, 5, "Pause")
        first = await ask(http, "q1@pbx", number)
        await talk(http, "q1@pbx", first["call"]["CallRecordId"], 30)
        assert "routes" in await ask(http, "q2@pbx", number)

    @pytest.mark.no_workers
    async def test_a_data_pause_refuses_calls_and_an_sms_cap_does_not(self, api, platform, http, numbers):
        """A Data Pause is recorded when crossed and pauses the subscription (calls and messages); an SMS Pause is
        the subscription's SMS cap, checked before each send (billing/enforcement.py), and stops only SMS."""
        number, _, sid = await subscribed_voice_number(api)
        await voice_threshold(api, sid, 1, "Pause", kind="SMS")
        sms = {"From": number, "To": [{"Number": "+18015550101"}], "Body": "x"}
        assert (await api.post("/v1.0/message/outbound", sms)).status_code == 200  # 1 of 1
        assert (await api.post("/v1.0/message/outbound", sms)).status_code == 400  # the SMS cap
        assert "routes" in await ask(http, "s1@pbx", number)
        tid = (
            await api.ok(
                "POST",
                "/v1.0/subscriptions/thresholds/add",
                json={
                    "ThresholdName": "Data cap",
                    "ThresholdType": "Data",
                    "ThresholdAmount": 1,
                    "ThresholdUnit": "MB",
                    "ThresholdAction": "Pause",
                },
            )
        )["ThresholdId"]
        await api.ok(
            "POST", "/v1.0/subscriptions/thresholds/assignments/add", json={"ThresholdId": tid, "SubscriptionId": sid}
        )
        used = await http.post(
            "/ops/v1/billing/usage",
            json={"SubscriptionId": sid, "Kind": "Data", "Amount": 2 << 20},
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )
        assert used.status_code == 200, used.text
        assert (await ask(http, "s2@pbx", number))["reject"] == {"code": 403, "reason": "Data Usage Paused"}

    @pytest.mark.no_workers
    async def test_an_inactive_subscription_is_not_limited_as_for_sms(self, api, platform, http, numbers):
        number, _, sid = await subscribed_voice_number(api)
        await voice_threshold(api, sid, 1, "Pause")
        first = await ask(http, "i1@pbx", number)
        await talk(http, "i1@pbx", first["call"]["CallRecordId"], 10)
        assert (await ask(http, "i2@pbx", number))["reject"]["code"] == 403
        await api.ok("POST", "/v1.0/subscriptions/delete", json={"SubscriptionId": sid})
        assert "routes" in await ask(http, "i3@pbx", number)


# ------------------------------------------------------------------------------------------ real calls


async def _serve(app, port: int):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)

    async def stop() -> None:
        server.should_exit = True
        await serving

    return stop


async def _until(check, timeout: float = 15.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := await check()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)
    return found


@pytest.mark.process
async def test_a_real_call_to_a_paused_subscription_is_refused_with_403_and_its_reason(
    app, api, numbers, platform, tmp_path, httpserver
):
    """The first call is answered (sipp as the customer's trunk) and counts one minute, which reaches the Voice
    Pause; the second call is refused by Kamailio with `403 Voice Usage Paused` and an RFC 3326 Reason header,
    recorded, and reported to the account's webhook as Call_Completed."""
    kamailio_or_skip()
    sipp_or_skip()
    httpserver.expect_request("/calls").respond_with_data("ok")
    await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": httpserver.url_for("/calls"), "SubscribedEvents": "Call_Completed, Threshold_Alert"},
    )
    port, trunk = free_tcp_port(), free_udp_port()
    stop_serving = await _serve(app, port)
    route_id = await make_voice_route(api, TrunkIp1="127.0.0.1", TrunkPort1=str(trunk))
    number, _, sid = await subscribed_voice_number(api, route_id)
    await voice_threshold(api, sid, 1, "Pause")
    sip = sip_settings(tmp_path, f"http://127.0.0.1:{port}")
    period = f"{platform.clock.now():%Y-%m}"
    try:
        with running_kamailio(sip, f"http://127.0.0.1:{port}"):
            customer = sipp_uas(trunk, tmp_path)
            done = await asyncio.to_thread(sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"))
            assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
            assert await asyncio.to_thread(wait_exit, customer) == 0
            # its events come in a batch after the call: wait until its minute is counted
            await _until(lambda: _counted(platform, sid, period))
            refused = await asyncio.to_thread(
                sipp_uac, sip_port(sip), tmp_path, to=number.removeprefix("+"), scenario="uac_rejected_403.xml"
            )
            assert refused.returncode == 0, refused.stdout.decode(errors="replace")[-2000:]
    finally:
        await stop_serving()
    (trace,) = tmp_path.glob("uac_rejected_403_*_messages.log")
    text = trace.read_text(errors="replace")
    reply = text[text.index("SIP/2.0 403") :]
    assert reply.startswith("SIP/2.0 403 Voice Usage Paused")
    reply_headers = reply.split("\n\n", 1)[0]
    assert 'Reason: SIP;cause=403;text="Voice Usage Paused"' in reply_headers
    got = await api.ok("GET", "/ext/v1/calls", params={"Disposition": "rejected"})
    assert [(r["To"], r["SipCode"], r["SipReason"]) for r in got["Results"]] == [
        (number.removeprefix("+"), 403, "Voice Usage Paused")
    ]
    rejected = got["Results"][0]["CallRecordId"]

    def completed() -> list[dict]:
        bodies = [json.loads(r.get_data()) for r, _ in httpserver.log]
        return [b for b in bodies if b["EventType"] == "Call_Completed" and b["Data"]["CallRecordId"] == rejected]

    async def delivered() -> list[dict]:
        return completed()

    (hook,) = await _until(delivered)
    assert (hook["Data"]["Disposition"], hook["Data"]["SipCode"], hook["Data"]["SipReason"]) == (
        "rejected",
        403,
        "Voice Usage Paused",
    )


async def _counted(platform, sid: str, period: str) -> bool:
    return await voice_minutes(platform, sid, period) >= 1
