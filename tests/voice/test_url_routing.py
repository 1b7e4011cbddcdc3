"""URL voice routes (voice/url_routing.py, url_instructions.py, url_client.py; docs/voice.md "URL routes"): the
instruction set read strictly, and the routing decision asking a real HTTP receiver (pytest-httpserver) per call,
signed and authenticated as the route says, refusing cleanly on every failure."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug import Response

from mpaas.core.http.webhook_sender import sign
from mpaas.models import WebhookAttempt
from mpaas.models.calls import Call
from mpaas.voice import routing, url_instructions
from mpaas.voice.compiled_routes import RoutingCache
from mpaas.voice.routing_schemas import RouteRequest
from mpaas.voice.url_instructions import BadInstruction, SipTarget
from support.api import make_message_route, make_voice_route, provision
from support.calls import event, post_events

pytestmark = pytest.mark.no_workers  # the decision is synchronous: no job needs to run

SECRET = "test-sip-secret"
CARRIER = "sip:127.0.0.1:5070"
CALLER = "+12125550100"


@pytest.fixture
def settings(settings):
    return settings.model_copy(
        update={
            "sip_shared_secret": SECRET,
            "sip_carrier_uri": CARRIER,
            "sip_listen": "udp:127.0.0.1:5060",
            "voice_url_timeout_seconds": 0.5,
        }
    )


# --- the instruction set --------------------------------------------------------------------------------------


def test_a_dial_reads_sip_uris_and_numbers():
    got = url_instructions.parse(
        b'{"Action": "dial", "Targets": ["sip:alice@203.0.113.5", "sips:pbx.example.com:5061", '
        b'"sip:bob@[2001:db8::1];transport=tcp", "+18015550123"], "Mode": "parallel", "Timeout": 20, '
        b'"CallerId": "+18015557000"}'
    )
    assert got.action == "dial" and got.mode == "parallel" and got.ring_seconds == 20
    assert got.caller_id == "+18015557000"
    assert got.targets == (
        SipTarget("sip", "alice", "203.0.113.5", None, "udp"),
        SipTarget("sips", None, "pbx.example.com", 5061, "tls"),
        SipTarget("sip", "bob", "[2001:db8::1]", None, "tcp"),
        "+18015550123",
    )
    assert got.targets[0].uri("+18015557000") == "sip:alice@203.0.113.5;transport=udp"
    assert got.targets[1].uri("+18015557000") == "sips:+18015557000@pbx.example.com:5061;transport=tls"


def test_defaults_and_field_names_in_any_case():
    dial = url_instructions.parse(b'{"action": "DIAL", "targets": ["+18015550123"]}')
    assert (dial.mode, dial.ring_seconds, dial.caller_id) == ("serial", 30, None)
    assert url_instructions.parse(b'{"Action": "forward", "Number": "+18015550123"}').number == "+18015550123"
    reject = url_instructions.parse(b'{"Action": "reject", "Code": 486, "Reason": "Busy Here"}')
    assert (reject.action, reject.code, reject.reason) == ("reject", 486, "Busy Here")
    assert (
        url_instructions.parse(b'{"Action": "reject"}').code,
        url_instructions.parse(b'{"Action":"reject"}').reason,
    ) == (
        603,
        "Decline",
    )
    assert url_instructions.parse(b'{"Action": "hangup"}').action == "hangup"
    assert url_instructions.parse(b'{"Action": "media", "Play": "https://x/y.wav"}').action == "media"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"not json", "not JSON"),
        (b"[]", "not a JSON object"),
        (b"{}", "Action must be one of"),
        (b'{"Action": "transfer"}', "Action must be one of"),
        (b'{"Action": "dial"}', "Targets must be a list"),
        (b'{"Action": "dial", "Targets": []}', "Targets must be a list"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "Extra": 1}', "unknown field 'extra'"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "Mode": "random"}', "Mode must be serial or parallel"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "Timeout": 0}', "Timeout must be"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "Timeout": 121}', "Timeout must be"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "Timeout": true}', "Timeout must be"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "CallerId": "anonymous"}', "CallerId must be"),
        (b'{"Action": "dial", "Targets": ["8015550123"]}', "neither a sip: URI nor an E.164"),
        (b'{"Action": "dial", "Targets": ["+1"]}', "must be an E.164 number"),
        (b'{"Action": "dial", "Targets": ["http://203.0.113.5"]}', "neither a sip: URI"),
        (b'{"Action": "dial", "Targets": ["sip:a b@203.0.113.5"]}', "neither a sip: URI"),
        (b'{"Action": "dial", "Targets": ["sip:a@203.0.113.5\\r\\nX-Evil: 1"]}', "neither a sip: URI"),
        (b'{"Action": "dial", "Targets": ["sip:a@999.1.1.1"]}', "invalid IPv4"),
        (b'{"Action": "dial", "Targets": ["sip:a@203.0.113.5:70000"]}', "invalid port"),
        (b'{"Action": "dial", "Targets": ["sip:a@203.0.113.5;lr"]}', "only the transport parameter"),
        (b'{"Action": "dial", "Targets": ["sip:a@203.0.113.5;transport=sctp"]}', "transport must be"),
        (b'{"Action": "dial", "Targets": [5]}', "must be a string"),
        (b'{"Action": "dial", "Targets": ["+18015550123"], "targets": []}', "repeated"),
        (b'{"Action": "forward"}', "Number must be an E.164"),
        (b'{"Action": "forward", "Number": "18015550123"}', "Number must be an E.164"),
        (b'{"Action": "reject", "Code": 399}', "Code must be a SIP code from 400 to 699"),
        (b'{"Action": "reject", "Code": 700}', "Code must be"),
        (b'{"Action": "reject", "Code": "486"}', "Code must be"),
        (b'{"Action": "reject", "Code": 486, "Reason": "Busy\\r\\nX-Evil: 1"}', "Reason must be printable"),
        (b'{"Action": "reject", "Code": 486, "Reason": ""}', "Reason must be printable"),
        (b'{"Action": "reject", "Code": 486, "Reason": "' + b"x" * 65 + b'"}', "Reason must be printable"),
        (b'{"Action": "hangup", "Code": 486}', "unknown field 'code'"),
    ],
)
def test_a_bad_answer_names_its_problem(body, problem):
    with pytest.raises(BadInstruction, match=problem):
        url_instructions.parse(body)


def test_an_answer_nested_deeper_than_the_parser_goes_is_bad():
    with pytest.raises(BadInstruction, match="not JSON"):
        url_instructions.parse(b"[" * 60_000)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
_fields = st.sampled_from(["Action", "Targets", "Mode", "Timeout", "CallerId", "Number", "Code", "Reason"])
_actions = st.sampled_from(["dial", "forward", "reject", "hangup", "media", "Dial", "x"])


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(max_size=200)
    | st.builds(lambda d: json.dumps(d).encode(), _json)
    | st.builds(
        lambda a, d: json.dumps({"Action": a, **d}).encode(), _actions, st.dictionaries(_fields, _json, max_size=4)
    )
)
def test_any_answer_is_an_instruction_or_a_bad_answer(raw):
    try:
        got = url_instructions.parse(raw)
    except BadInstruction:
        return
    assert got.action in url_instructions.ACTIONS
    if got.action == "reject":
        assert 400 <= got.code <= 699 and "\r" not in got.reason and "\n" not in got.reason
    for target in got.targets:
        text = target if isinstance(target, str) else target.uri("+18015550123")
        assert not any(c in text for c in "\r\n\0 ")


def test_eleven_targets_are_too_many():
    with pytest.raises(BadInstruction, match="1 to 10"):
        url_instructions.read({"Action": "dial", "Targets": ["+18015550123"] * 11})


# --- the decision asking a real receiver ----------------------------------------------------------------------


async def url_number(api, url: str, **fields) -> tuple[str, str]:
    """A voice number on a new URL route to `url`: (number, CRID)."""
    route_id = await make_voice_route(api, RouteType="URL", VoiceUrl=url, **fields)
    data = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    return data["PhoneNumberAssigned"], route_id


_n = iter(range(10**6))


async def decide(http, to: str, frm: str = CALLER) -> dict:
    body = {"CallId": f"url-{next(_n)}@test", "From": frm, "To": to, "SourceIp": "20.1.1.1", "SourcePort": 5060}
    response = await http.post("/sip/v1/route", json=body, headers={"X-Mpaas-Sip-Secret": SECRET})
    assert response.status_code == 200, response.text
    return response.json()


def answers(httpserver, document, path: str = "/voice"):
    httpserver.expect_request(path).respond_with_json(document)
    return httpserver.url_for(path)


async def test_a_dial_answer_routes_the_call_and_the_request_is_signed(http, api, numbers, httpserver):
    url = answers(
        httpserver,
        {"Action": "dial", "Targets": ["sip:alice@127.0.0.1:5080", "+18015550123"], "Timeout": 20},
    )
    number, route_id = await url_number(
        api, url, VoiceAuthenticationType="Basic", VoiceUsername="admin", VoicePasswordToken="s3cret"
    )
    answer = await decide(http, number)
    assert answer["routing"] == "serial"
    assert [(r["uri"], r["fr_inv_timer"]) for r in answer["routes"]] == [
        ("sip:alice@127.0.0.1:5080;transport=udp", 20000),
        ("sip:+18015550123@127.0.0.1:5070", 20000),  # a number goes to the carrier trunk
    ]
    ((request, _),) = httpserver.log
    assert request.method == "POST" and request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"admin:s3cret").decode()
    secret = (await api.ok("GET", "/ext/v1/accounts/webhook-signing-secret"))["WebhookSigningSecret"]
    content = request.get_data()
    assert request.headers["X-Mpaas-Signature"] == sign(secret, request.headers["X-Mpaas-Timestamp"], content)
    sent = json.loads(content)
    assert sent["EventId"] == request.headers["X-Mpaas-Event-Id"] and sent["EventType"] == "voice.incoming"
    assert (sent["AccountId"], sent["CallRouteId"], sent["From"], sent["To"], sent["Direction"]) == (
        api.account_id,
        route_id,
        CALLER,
        number,
        "inbound",
    )
    assert sent["SipCallId"].startswith("url-") and sent["NumberId"] == answer["call"]["NumberId"]
    assert sent["CallRecordId"] == answer["call"]["CallRecordId"]  # the record the call's events will name


async def test_a_get_voice_url_is_signed_over_its_query_with_a_bearer_token(http, api, numbers, httpserver):
    url = answers(httpserver, {"Action": "forward", "Number": "+18015550123"})
    number, _ = await url_number(
        api, url + "?site=1", VoiceUrlMethod="GET", VoiceAuthenticationType="Bearer", VoicePasswordToken="tok"
    )
    answer = await decide(http, number)
    (branch,) = answer["routes"]
    assert branch["uri"] == "sip:+18015550123@127.0.0.1:5070"
    assert branch["headers"]["extra"] == f"Diversion: <sip:{number}@127.0.0.1>;reason=unconditional\r\n"
    ((request, _),) = httpserver.log
    assert request.method == "GET" and request.headers["Authorization"] == "Bearer tok"
    query = request.query_string.decode()
    fields = dict(parse_qsl(query))
    assert fields["site"] == "1" and fields["To"] == number and fields["From"] == CALLER
    assert fields["CallRecordId"] == answer["call"]["CallRecordId"]
    secret = (await api.ok("GET", "/ext/v1/accounts/webhook-signing-secret"))["WebhookSigningSecret"]
    signed = query.split("&", 1)[1]  # the route's own query string is not part of the signed content
    assert request.headers["X-Mpaas-Signature"] == sign(secret, request.headers["X-Mpaas-Timestamp"], signed.encode())


async def test_parallel_dial_and_a_caller_id_of_the_called_number(http, api, numbers, httpserver):
    url = answers(httpserver, {"Action": "dial", "Targets": ["sip:127.0.0.1:5081", "sip:127.0.0.1:5082"]})
    number, route_id = await url_number(api, url)
    httpserver.clear()
    httpserver.expect_request("/voice").respond_with_json(
        {
            "Action": "dial",
            "Targets": ["sip:127.0.0.1:5081", "sip:127.0.0.1:5082"],
            "Mode": "parallel",
            "CallerId": number,
        }
    )
    answer = await decide(http, number)
    assert answer["routing"] == "parallel"
    assert [r["uri"] for r in answer["routes"]] == [
        f"sip:{number}@127.0.0.1:5081;transport=udp",
        f"sip:{number}@127.0.0.1:5082;transport=udp",
    ]
    assert all(r["headers"] == {"from": {"uri": f"sip:{number}@127.0.0.1"}} for r in answer["routes"])


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"Action": "reject", "Code": 486, "Reason": "Busy Here"}, (486, "Busy Here")),
        ({"Action": "hangup"}, (603, "Decline")),
        ({"Action": "media", "Play": "https://example.com/hello.wav"}, (501, "Media Not Available")),
        ({"Action": "dial", "Targets": ["sip:a@10.0.0.5"]}, (502, "Bad Voice URL Answer")),  # egress policy
        ({"Action": "dial", "Targets": ["+18015550123"], "CallerId": "+12125550199"}, (502, "Bad Voice URL Answer")),
        ({"Action": "ring"}, (502, "Bad Voice URL Answer")),
    ],
)
async def test_answers_that_refuse_the_call(http, api, numbers, httpserver, platform, document, expected):
    number, _ = await url_number(api, answers(httpserver, document))
    answer = await decide(http, number)
    assert (answer["reject"]["code"], answer["reject"]["reason"]) == expected
    async with platform.db.read() as session:
        record = (await session.execute(select(Call).where(Call.to_number == number))).scalar_one()
    assert (record.disposition, record.sip_code, record.account_id) == ("rejected", expected[0], api.account_id)


async def test_failures_of_the_voice_url_are_clean_rejections(http, api, numbers, httpserver, platform, caplog):
    httpserver.expect_request("/error").respond_with_data("boom", status=500)
    httpserver.expect_request("/html").respond_with_data("<html>hi</html>", content_type="text/html")
    httpserver.expect_request("/big").respond_with_data(b"{" + b" " * (70 * 1024) + b"}")

    def slow(_request):
        time.sleep(1.5)  # past the test's 0.5 s MPAAS_VOICE_URL_TIMEOUT_SECONDS
        return Response(json.dumps({"Action": "hangup"}), content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    cases = {
        "/error": (502, "Voice URL Error"),
        "/html": (502, "Bad Voice URL Answer"),
        "/big": (502, "Bad Voice URL Answer"),
        "/slow": (504, "Voice URL Timeout"),
    }
    for path, expected in cases.items():
        number, _ = await url_number(api, httpserver.url_for(path))
        answer = await decide(http, number)
        assert (answer["reject"]["code"], answer["reject"]["reason"]) == expected, path
    closed, _ = await url_number(api, "http://127.0.0.1:9/voice")  # nothing listens on the discard port
    answer = await decide(http, closed)
    assert (answer["reject"]["code"], answer["reject"]["reason"]) == (503, "Voice URL Unreachable")
    assert "VoiceUrl POST http://127.0.0.1:9/voice" in caplog.text
    # the egress policy as the operator sets it now: loopback is no longer allowed
    refused, _ = await url_number(api, httpserver.url_for("/error"))
    platform.settings.egress_allow = "none"
    answer = await decide(http, refused)
    assert (answer["reject"]["code"], answer["reject"]["reason"]) == (502, "Voice URL Refused")
    async with platform.db.read() as session:
        attempts = (
            (await session.execute(select(WebhookAttempt).where(WebhookAttempt.event_type == "voice.url")))
            .scalars()
            .all()
        )
    assert len(attempts) == 6 and {a.account_id for a in attempts} == {api.account_id}
    by_url = {a.url.rsplit("/", 1)[1]: a for a in attempts}
    assert (by_url["slow"].status_code, by_url["slow"].error) == (None, "no answer within 0.5 s")
    assert by_url["html"].status_code == 200 and by_url["html"].error.startswith("bad answer: the answer is not JSON")
    for _ in range(100):  # the receiver's slow handler ends after the test's decisions: let it, before the next test
        if any(r.path == "/slow" for r, _ in httpserver.log):
            break
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("token", ["tok\u20ac"])  # not Latin-1 (line breaks are refused when the route is saved)
async def test_credentials_that_cannot_be_sent_refuse_the_call(http, api, numbers, httpserver, token):
    number, _ = await url_number(
        api, answers(httpserver, {"Action": "hangup"}), VoiceAuthenticationType="Bearer", VoicePasswordToken=token
    )
    answer = await decide(http, number)
    assert (answer["reject"]["code"], answer["reject"]["reason"]) == (502, "Voice URL Refused")
    assert httpserver.log == []  # nothing was sent


async def _ask_as_kamailio(http, to: str, call_id: str) -> dict:
    body = {"CallId": call_id, "From": CALLER, "To": to, "SourceIp": "20.1.1.1", "SourcePort": 5060}
    response = await http.post("/sip/v1/route", json=body, headers={"X-Mpaas-Sip-Secret": SECRET})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_voice_url_is_told_the_call_record_id_a_refused_call_and_a_repeated_ask_keep(
    http, api, numbers, httpserver, platform
):
    number, _ = await url_number(api, answers(httpserver, {"Action": "reject", "Code": 486, "Reason": "Busy Here"}))
    first = await _ask_as_kamailio(http, number, "told-1@test")
    again = await _ask_as_kamailio(http, number, "told-1@test")  # the same INVITE asked about again
    assert first["reject"]["code"] == 486 and first["call"]["CallRecordId"] == again["call"]["CallRecordId"]
    told = [json.loads(r.get_data())["CallRecordId"] for r, _ in httpserver.log]
    assert told == [first["call"]["CallRecordId"]] * 2
    async with platform.db.read() as session:
        (record,) = (await session.execute(select(Call).where(Call.sip_call_id == "told-1@test"))).scalars().all()
    assert record.id == told[0] and record.disposition == "rejected"


async def test_the_decision_on_its_own_tells_the_voice_url_the_record_id_it_makes(api, numbers, httpserver, platform):
    """Without the ask ahead of POST /sip/v1/route (the decision called by itself), the question inside the
    decision's transaction tells the same id the record gets."""
    number, _ = await url_number(api, answers(httpserver, {"Action": "dial", "Targets": ["sip:127.0.0.1:5080"]}))
    body = RouteRequest.model_validate({"CallId": "own-1@test", "From": CALLER, "To": number, "SourceIp": "20.1.1.1"})
    async with platform.db.write() as session:
        answer = await routing.decide(
            session, RoutingCache(platform.settings.egress_policy), platform.settings, body, platform.clock.now()
        )
    ((request, _),) = httpserver.log
    assert json.loads(request.get_data())["CallRecordId"] == answer["call"]["CallRecordId"]
    async with platform.db.read() as session:
        assert await session.get(Call, answer["call"]["CallRecordId"]) is not None


async def test_a_call_asked_about_and_routed_by_a_workgroup_keeps_the_id_told(http, api, numbers, httpserver):
    """The VoiceUrl is asked before the decision knows a workgroup answers the number: the record still gets the
    id the VoiceUrl was told, so whatever it keeps about the call names the call's record."""
    number, _ = await url_number(api, answers(httpserver, {"Action": "hangup"}))
    wid = (
        await api.ok("POST", "/v1.0/workgroups", json={"Name": "Desk", "Type": "simultaneous", "TelegentPhone": number})
    )["WorkgroupId"]
    await api.ok(
        "POST", "/v1.0/workgroups/activity", json={"WorkgroupId": wid, "Type": "User", "PhoneNumber": "+12125550111"}
    )
    answer = await _ask_as_kamailio(http, number, "wg-told@test")
    assert answer["routing"] == "parallel"  # the workgroup's members, not the VoiceUrl's hangup
    ((request, _),) = httpserver.log
    assert json.loads(request.get_data())["CallRecordId"] == answer["call"]["CallRecordId"]


async def test_a_url_route_without_a_voice_url_is_480(http, api, numbers, httpserver):
    number, route_id = await url_number(api, answers(httpserver, {"Action": "hangup"}))
    await api.ok("POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "VoiceUrl": None})
    answer = await decide(http, number)
    assert (answer["reject"]["code"], answer["reject"]["reason"]) == (480, "No Voice URL")


async def test_a_route_url_only_sees_its_own_accounts_calls(http, api, other_api, numbers, httpserver):
    ours, _ = await url_number(api, answers(httpserver, {"Action": "hangup"}, "/ours"))
    theirs, _ = await url_number(other_api, answers(httpserver, {"Action": "hangup"}, "/theirs"))
    await decide(http, ours)
    await decide(http, theirs)
    await decide(http, ours, frm=theirs)  # a call from the other account's number is still ours to route
    seen = [(r.path, json.loads(r.get_data())) for r, _ in httpserver.log]
    assert [p for p, _ in seen] == ["/ours", "/theirs", "/ours"]
    assert {b["AccountId"] for p, b in seen if p == "/ours"} == {api.account_id}
    assert {b["To"] for p, b in seen if p == "/ours"} == {ours}
    assert [b["AccountId"] for p, b in seen if p == "/theirs"] == [other_api.account_id]


async def test_the_voice_url_is_asked_before_the_decisions_write_transaction(http, api, numbers, httpserver, platform):
    """A slow VoiceUrl holds no write: while it thinks, call events (a write) are taken."""
    asked, release = threading.Event(), threading.Event()

    def thinking(_request):
        asked.set()
        release.wait(10)
        return Response(json.dumps({"Action": "reject", "Code": 486}), content_type="application/json")

    httpserver.expect_request("/thinking").respond_with_handler(thinking)
    number, _ = await url_number(api, httpserver.url_for("/thinking"))
    platform.settings.voice_url_timeout_seconds = 10.0
    deciding = asyncio.create_task(decide(http, number))
    try:
        assert await asyncio.to_thread(asked.wait, 10)
        events = await asyncio.wait_for(post_events(http, event("ringing", "elsewhere", 1, CallRecordId="CALL-x")), 10)
        assert events.status_code == 200 and not deciding.done()  # taken while the VoiceUrl was still thinking
    finally:
        release.set()
    answer = await deciding
    assert answer["reject"]["code"] == 486
