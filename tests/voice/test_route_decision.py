"""POST /sip/v1/route: the routing decision Kamailio asks for per INVITE (voice/routing.py, docs/voice.md).

Numbers and voice routes are made through the API as a customer would; the decision is asked as Kamailio asks
it, with the SIP shared secret."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from sqlalchemy import event, select, update

from mpaas.core.db import keyreads
from mpaas.core.egress import EgressPolicy
from mpaas.models import InventoryNumber
from mpaas.models.calls import Call
from mpaas.numbers.porting.service import PORTED
from mpaas.voice import url_routing
from mpaas.voice.compiled_routes import compile_route, serial_order
from support.api import OPERATOR_TOKEN, make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run

SECRET = "test-sip-secret"
CARRIER = "sip:127.0.0.1:5070"
STRANGER = "+12125550100"  # a caller that is nobody's number here
CUSTOMER_PBX = "198.51.100.7"
_call_ids = itertools.count()


@pytest.fixture
def settings(settings):
    return settings.model_copy(
        update={"sip_shared_secret": SECRET, "sip_carrier_uri": CARRIER, "sip_listen": "udp:127.0.0.1:5060"}
    )


async def ask(http, to, frm=STRANGER, source="20.1.1.1", secret=SECRET, **extra):
    body = {
        "CallId": f"call-{next(_call_ids)}@test",
        "From": frm,
        "To": to,
        "SourceIp": source,
        "SourcePort": 5060,
        "Transport": "udp",
        **extra,
    }
    headers = {"X-Mpaas-Sip-Secret": secret} if secret is not None else {}
    return await http.post("/sip/v1/route", json=body, headers=headers)


async def decision(http, to, **kwargs) -> dict:
    response = await ask(http, to, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


async def voice_number(api, **route_fields) -> tuple[str, str]:
    """A provisioned voice number on a new voice route of `route_fields`: (number, CRID)."""
    route_id = await make_voice_route(api, **route_fields)
    data = await provision(
        api,
        await make_message_route(api),
        AreaCode="801",
        VoiceEnabled=True,
        ProductType="Sms+Data+Voice",
        VoiceRouteId=route_id,
    )
    return data["PhoneNumberAssigned"], route_id


def rejected(answer: dict) -> tuple[int, str]:
    assert "routes" not in answer, answer
    return answer["reject"]["code"], answer["reject"]["reason"]


# --- the shared secret --------------------------------------------------------------------------------------


async def test_the_secret_is_required_and_no_token_replaces_it(http, api, numbers):
    number, _ = await voice_number(api)
    assert (await ask(http, number, secret=None)).status_code == 401
    wrong = await ask(http, number, secret="not-it")
    assert wrong.status_code == 401 and "X-Mpaas-Sip-Secret" in wrong.json()["Message"]
    tenant = await api.token("/v1.0/voice/routes")
    for bearer in (tenant, OPERATOR_TOKEN):
        response = await http.post(
            "/sip/v1/route",
            json={"CallId": "x@test", "From": STRANGER, "To": number},
            headers={"Authorization": f"Bearer {bearer}"},
        )
        assert response.status_code == 401
    assert (await ask(http, number)).status_code == 200
    assert "/sip/v1/route" not in (await http.get("/openapi.json")).json()["paths"]


async def test_the_secret_can_live_in_the_data_dir_and_none_refuses_all(http, settings):
    settings.sip_shared_secret = None  # as `mpaas serve` runs: the secret it generated into the data dir
    assert (await ask(http, "+12125550123", secret="")).status_code == 401
    assert (await ask(http, "+12125550123", secret="anything")).status_code == 401  # no secret: nothing opens it
    (settings.data_dir / "sip-secret").write_text("from-the-file\n")
    assert (await ask(http, "+12125550123", secret="from-the-file")).status_code == 200
    assert (await ask(http, "+12125550123", secret=SECRET)).status_code == 401


async def test_a_bad_secret_takes_no_write_and_makes_no_record(http, api, numbers, platform):
    number, _ = await voice_number(api)
    await ask(http, number, secret="nope", CallId="unauthenticated@test")
    async with platform.db.read() as session:
        assert (await session.execute(select(Call).where(Call.sip_call_id == "unauthenticated@test"))).first() is None


# --- inbound: trunk routes ----------------------------------------------------------------------------------


async def test_trunk_route_gives_serial_branches_by_priority(http, api, numbers, platform):
    number, _ = await voice_number(
        api,
        TrunkIp1="20.87.87.87",
        TrunkPort1="5080",
        TrunkTransport1="TCP",
        Trunk1Priortiy=20,
        TrunkIp2="20.87.87.86",
        TrunkTransport2="UDP",
        Trunk2Priortiy=10,
    )
    answer = await decision(http, number)
    assert answer["version"] == "1.0" and answer["routing"] == "serial"
    assert [r["uri"] for r in answer["routes"]] == [
        f"sip:{number}@20.87.87.86:5060;transport=udp",  # priority 10 first
        f"sip:{number}@20.87.87.87:5080;transport=tcp",  # then 20, after a failure
    ]
    call = answer["call"]
    assert call["Direction"] == "inbound" and call["AccountId"] == api.account_id
    assert call["CallRecordId"].startswith("CALL-") and call["NumberId"].startswith("NID-")
    for route in answer["routes"]:
        assert route["headers"]["extra"] == f"X-Mpaas-Call-Id: {call['CallRecordId']}\r\n"
        assert route["fr_timer"] > 0
    async with platform.db.read() as session:
        record = (await session.execute(select(Call).where(Call.id == call["CallRecordId"]))).scalar_one()
    assert (record.account_id, record.number_id, record.status) == (api.account_id, call["NumberId"], "routing")
    assert record.to_number == number and record.from_number == STRANGER


async def test_unset_priorities_keep_trunk_1_first_and_a_disabled_trunk_is_left_out(http, api, numbers):
    number, _ = await voice_number(api, TrunkIp1="20.87.87.87", TrunkIp2="20.87.87.86")
    assert [r["uri"].split("@")[1] for r in (await decision(http, number))["routes"]] == [
        "20.87.87.87:5060;transport=udp",
        "20.87.87.86:5060;transport=udp",
    ]
    number, _ = await voice_number(api, TrunkIp1="20.87.87.87", TrunkIp2="20.87.87.86", TrunkEnabled1=False)
    assert [r["uri"].split("@")[1] for r in (await decision(http, number))["routes"]] == [
        "20.87.87.86:5060;transport=udp"
    ]


async def test_trunk_uri_names_the_trunk_and_trunk_ip_is_where_it_is_sent(http, api, numbers):
    number, _ = await voice_number(
        api,
        TrunkIp1="20.87.87.87",
        TrunkPort1="5061",
        TrunkTransport1="TLS",
        TrunkUri1="sips://pbx.example.com",
        TrunkUri2="sip://pbx2.example.com:5070",
        TrunkTransport2="TCP",
    )
    first, second = (await decision(http, number))["routes"]
    assert first["uri"] == f"sips:{number}@pbx.example.com;transport=tls"
    assert first["dst_uri"] == "sip:20.87.87.87:5061;transport=tls"
    assert second["uri"] == f"sip:{number}@pbx2.example.com:5070;transport=tcp" and "dst_uri" not in second


async def test_same_priority_trunks_are_ordered_by_weight(http, api, numbers):
    attributes = {
        "TrunkIp1": "20.87.87.87",
        "Trunk1Priortiy": 10,
        "Trunk1Weight": 1,
        "TrunkIp2": "20.87.87.86",
        "Trunk2Priortiy": 10,
        "Trunk2Weight": 3,
    }
    route = compile_route(attributes, EgressPolicy.parse(""))
    rng = random.Random(18)
    firsts = Counter(serial_order(route.trunks, rng)[0].index for _ in range(4000))
    assert 0.70 < firsts[2] / 4000 < 0.80  # weight 3 of 4: first three times in four
    assert all(len(serial_order(route.trunks, rng)) == 2 for _ in range(10))  # the other one after a failure
    # Through the API, both orders occur.
    number, _ = await voice_number(api, **attributes)
    seen = {tuple(r["uri"] for r in (await decision(http, number))["routes"]) for _ in range(30)}
    assert len(seen) == 2


async def test_a_trunk_the_egress_policy_refuses_is_not_used(http, api, numbers, caplog):
    # The tests' policy allows loopback only: a private address is refused, as for webhooks.
    number, _ = await voice_number(api, TrunkIp1="10.0.0.5", TrunkIp2="20.87.87.86")
    assert [r["uri"].split("@")[1] for r in (await decision(http, number))["routes"]] == [
        "20.87.87.86:5060;transport=udp"
    ]
    assert "TrunkIp1: 10.0.0.5 is refused by the egress policy" in caplog.text  # the operator is told why
    number, _ = await voice_number(api, TrunkIp1="10.0.0.5")
    assert rejected(await decision(http, number)) == (480, "No Usable Trunk")
    number, _ = await voice_number(api, TrunkIp1="bad host;transport=tcp")
    assert rejected(await decision(http, number)) == (480, "No Usable Trunk")


async def test_a_number_ported_away_is_called_out_through_the_carrier(http, api, numbers, platform):
    async with platform.db.write() as session:  # as a completed port-out leaves it
        await session.execute(update(InventoryNumber).where(InventoryNumber.number == numbers[1]).values(status=PORTED))
    own, _ = await voice_number(api, IpWhitelist=[{"IpAddress": CUSTOMER_PBX}])
    answer = await decision(http, numbers[1], frm=own, source=CUSTOMER_PBX)
    assert answer["call"]["Direction"] == "outbound"
    assert answer["routes"][0]["uri"] == f"sip:{numbers[1]}@127.0.0.1:5070"
    assert rejected(await decision(http, numbers[1]))[0] == 403  # not ours to answer any more


# --- inbound: rejections ------------------------------------------------------------------------------------


async def test_a_number_nobody_holds_is_404_and_recorded_with_no_account(http, numbers, platform):
    answer = await decision(http, numbers[0], CallId="unknown@test")  # in the inventory, not provisioned
    assert rejected(answer) == (404, "Not Found") and answer["call"]["Direction"] == "inbound"
    async with platform.db.read() as session:
        record = (await session.execute(select(Call).where(Call.sip_call_id == "unknown@test"))).scalar_one()
    assert record.account_id is None and record.disposition == "rejected" and record.sip_code == 404
    # Not a number of this platform at all, from nobody's trunk: an outbound attempt, refused.
    assert rejected(await decision(http, "+12125550123"))[0] == 403


async def test_rejections_of_an_own_number(http, api, numbers, platform):
    message_route = await make_message_route(api)
    no_voice = (await provision(api, message_route, AreaCode="801"))["PhoneNumberAssigned"]
    answer = await decision(http, no_voice, CallId="novoice@test")
    assert rejected(answer) == (403, "Voice Not Enabled")
    assert answer["call"]["AccountId"] == api.account_id and answer["call"]["Direction"] == "inbound"
    async with platform.db.read() as session:
        record = (await session.execute(select(Call).where(Call.sip_call_id == "novoice@test"))).scalar_one()
    assert (record.account_id, record.disposition, record.sip_code) == (api.account_id, "rejected", 403)

    no_route = (await provision(api, message_route, AreaCode="801", VoiceEnabled=True, ProductType="Sms+Data+Voice"))[
        "PhoneNumberAssigned"
    ]
    assert rejected(await decision(http, no_route)) == (403, "No Voice Route")

    disabled, _ = await voice_number(api, RouteEnabled=False)
    assert rejected(await decision(http, disabled)) == (403, "Route Disabled")

    # nothing listens on the discard port (tests/voice/test_url_routing.py asks real receivers)
    url, _ = await voice_number(api, RouteType="URL", VoiceUrl="http://127.0.0.1:9/answer")
    assert rejected(await decision(http, url)) == (503, "Voice URL Unreachable")


async def test_a_number_not_active_is_480(http, api, numbers):
    number, _ = await voice_number(api)
    assert "routes" in await decision(http, number)
    await api.ok(
        "POST",
        "/v1.0/numbers/status",
        json={"StatusChange": "park", "EffectiveDate": "03/10/2026", "PhoneNumbers": [{"Number": number}]},
    )
    assert rejected(await decision(http, number)) == (480, "Number Not Active")


async def test_the_called_number_is_read_in_its_e164_form(http, api, numbers):
    number, _ = await voice_number(api)
    answer = await decision(http, number.removeprefix("+"))  # carriers send 18015551234
    assert answer["routes"][0]["uri"].startswith(f"sip:{number}@")


# --- inbound: forward routes --------------------------------------------------------------------------------


async def test_forward_goes_to_the_carrier_with_the_caller_id_rule(http, api, numbers, caplog):
    target = "+12125550199"
    transferee, _ = await voice_number(api, RouteType="Forward", TrunkIp1=target, TransferCallerId="Transferee")
    (branch,) = (await decision(http, transferee))["routes"]
    assert branch["uri"] == f"sip:{target}@127.0.0.1:5070" and "headers" not in branch

    transferor, _ = await voice_number(api, RouteType="Forward", TrunkIp1=target, TransferCallerId="Transferor")
    (branch,) = (await decision(http, transferor))["routes"]
    assert branch["headers"] == {"from": {"uri": f"sip:{transferor}@127.0.0.1"}}

    both, _ = await voice_number(api, RouteType="Forward", TrunkIp1=target)  # unset: Transferee/Transferor
    (branch,) = (await decision(http, both))["routes"]
    assert branch["headers"] == {"extra": f"Diversion: <sip:{both}@127.0.0.1>;reason=unconditional\r\n"}

    nowhere, _ = await voice_number(api, RouteType="Forward", TrunkIp1="20.87.87.87")
    assert rejected(await decision(http, nowhere)) == (480, "No Forward Number")
    assert "trunks left out" not in caplog.text  # a forward number is not a trunk's host


async def test_forward_without_a_carrier_trunk_is_503(http, api, numbers, app):
    number, _ = await voice_number(api, RouteType="Forward", TrunkIp1="+12125550199")
    app.state.platform.settings.sip_carrier_uri = None
    assert rejected(await decision(http, number)) == (503, "No Carrier Trunk")


# --- outbound -----------------------------------------------------------------------------------------------


async def test_outbound_from_a_whitelisted_trunk_with_an_own_caller_id(http, api, numbers):
    number, _ = await voice_number(api, IpWhitelist=[{"IpAddress": CUSTOMER_PBX}])
    answer = await decision(http, "+12125550123", frm=number, source=CUSTOMER_PBX)
    assert answer["routes"] == [{"uri": "sip:+12125550123@127.0.0.1:5070", "fr_timer": 5000}]
    assert answer["call"]["Direction"] == "outbound" and answer["call"]["AccountId"] == api.account_id

    # A network in the whitelist admits its addresses.
    await voice_number(api, IpWhitelist=[{"IpAddress": "192.0.2.0/28"}])
    assert "routes" in await decision(http, "+12125550123", frm=number, source="192.0.2.9")


async def test_outbound_refusals(http, api, numbers):
    number, _ = await voice_number(api, IpWhitelist=[{"IpAddress": CUSTOMER_PBX}])
    # A whitelisted trunk presenting a caller id its account does not own.
    assert rejected(await decision(http, "+12125550123", frm=STRANGER, source=CUSTOMER_PBX)) == (
        403,
        "Caller ID Not Owned",
    )
    # A source nobody whitelisted, calling a number that is not ours, with our caller id or not.
    assert rejected(await decision(http, "+12125550123", frm=number, source="20.9.9.9")) == (403, "Source Not Allowed")
    assert rejected(await decision(http, "+12125550123", frm=STRANGER, source="20.9.9.9"))[0] == 403
    # An own caller id from a whitelisted source to something that is not a number.
    assert rejected(await decision(http, "12", frm=number, source=CUSTOMER_PBX)) == (484, "Address Incomplete")


async def test_a_whitelisted_address_cannot_use_another_accounts_number(http, api, other_api, numbers):
    await voice_number(api, IpWhitelist=[{"IpAddress": CUSTOMER_PBX}])
    theirs, _ = await voice_number(other_api, IpWhitelist=[{"IpAddress": "20.5.5.5"}])
    answer = await decision(http, "+12125550123", frm=theirs, source=CUSTOMER_PBX)
    assert rejected(answer) == (403, "Source Not Allowed")
    assert answer["call"]["AccountId"] is None  # the attempt is not put in their call log
    assert "routes" in await decision(http, "+12125550123", frm=theirs, source="20.5.5.5")


async def test_a_disabled_routes_whitelist_admits_nobody(http, api, numbers):
    number, _ = await voice_number(api, IpWhitelist=[{"IpAddress": CUSTOMER_PBX}], RouteEnabled=False)
    assert rejected(await decision(http, "+12125550123", frm=number, source=CUSTOMER_PBX)) == (
        403,
        "Source Not Allowed",
    )


# --- the cache follows changes ------------------------------------------------------------------------------


async def test_a_route_update_takes_effect_on_the_next_call(http, api, numbers):
    number, route_id = await voice_number(api, TrunkIp1="20.87.87.87", IpWhitelist=[{"IpAddress": CUSTOMER_PBX}])
    assert (await decision(http, number))["routes"][0]["uri"].endswith("@20.87.87.87:5060;transport=udp")
    assert "routes" in await decision(http, "+12125550123", frm=number, source=CUSTOMER_PBX)  # cached now

    await api.ok("POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "TrunkIp1": "20.87.87.80"})
    assert (await decision(http, number))["routes"][0]["uri"].endswith("@20.87.87.80:5060;transport=udp")

    await api.ok(
        "POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "IpWhitelist": [{"IpAddress": "20.6.6.6"}]}
    )
    assert rejected(await decision(http, "+12125550123", frm=number, source=CUSTOMER_PBX))[0] == 403
    assert "routes" in await decision(http, "+12125550123", frm=number, source="20.6.6.6")

    await api.ok("POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "RouteType": "URL"})
    assert rejected(await decision(http, number)) == (480, "No Voice URL")
    await api.ok("POST", "/v1.0/voice/routes/update", json={"CallRouteId": route_id, "RouteEnabled": False})
    assert rejected(await decision(http, number)) == (403, "Route Disabled")


async def test_a_number_change_takes_effect_on_the_next_call(http, api, numbers):
    number, _ = await voice_number(api, TrunkIp1="20.87.87.87")
    other_route = await make_voice_route(api, TrunkIp1="20.87.87.81")
    assert "routes" in await decision(http, number)
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": number, "VoiceRouteId": other_route})
    assert (await decision(http, number))["routes"][0]["uri"].endswith("@20.87.87.81:5060;transport=udp")
    await api.ok("POST", "/v1.0/numbers/update", json={"Number": number, "VoiceEnabled": False})
    assert rejected(await decision(http, number)) == (403, "Voice Not Enabled")


async def test_the_same_call_id_asked_twice_is_one_record(http, api, numbers):
    number, _ = await voice_number(api)
    first = await decision(http, number, CallId="twice@test")
    second = await decision(http, number, CallId="twice@test")
    assert first["call"]["CallRecordId"] == second["call"]["CallRecordId"]


# --- the cost of a decision ---------------------------------------------------------------------------------


class Statements:
    """The SQL statements the database runs while in use (BEGIN/COMMIT are not cursor executions): those of the
    write engine, and the reads made on the driver (core/db/keyreads.py, which on SQLite use a connection of their
    own), each counted once."""

    def __init__(self, platform, monkeypatch):
        self.engine = platform.db.write_engine.sync_engine
        self.monkeypatch = monkeypatch
        self.seen: list[str] = []
        self.on_driver = False

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not self.on_driver:  # on PostgreSQL a driver read runs on this engine too
            self.seen.append(statement.split(None, 1)[0].upper())

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        original = self.original = keyreads.rows

        async def rows(db, statement, params):
            self.seen.append("SELECT")
            self.on_driver = True
            try:
                return await original(db, statement, params)
            finally:
                self.on_driver = False

        self.monkeypatch.setattr(keyreads, "rows", rows)
        return self.seen

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)
        self.monkeypatch.setattr(keyreads, "rows", self.original)


async def test_a_usual_decision_is_one_read_and_the_records_insert(http, api, numbers, platform, monkeypatch):
    """No Pause, no call filter, no workgroup: the number, its route's version and whether any of those could act
    come in one read (routing_repository.decision_inputs_on_driver); the call record is the one write. An outbound
    call reads the called number (not ours) and then its caller id with its account's whitelist version."""
    # Whether URL routes exist is read again after URL_ROUTES_CHECK_SECONDS: on a loaded machine that second could
    # pass between the warm-up and the counted decision, and on PostgreSQL its read runs on the write engine.
    monkeypatch.setattr(url_routing, "URL_ROUTES_CHECK_SECONDS", 3600.0)
    number, _ = await voice_number(api, TrunkIp1="20.87.87.87", IpWhitelist=[{"IpAddress": CUSTOMER_PBX}])
    assert "routes" in await decision(http, number)  # the route compiled and cached
    assert "routes" in await decision(http, "+12125550123", frm=number, source=CUSTOMER_PBX)  # the whitelist too
    with Statements(platform, monkeypatch) as seen:
        assert "routes" in await decision(http, number)
    assert seen == ["SELECT", "INSERT"]
    with Statements(platform, monkeypatch) as seen:
        assert "routes" in await decision(http, "+12125550123", frm=number, source=CUSTOMER_PBX)
    assert seen == ["SELECT", "SELECT", "INSERT"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "A JSON request body is required."),
        (b"{not json", "The request body is not valid JSON."),
        (b"[1, 2]", "The request body must be a JSON object."),
        (b'"To"', "The request body must be a JSON object."),
        (b'{"CallId": "c@test"}', "The To field is required."),
        (b'{"To": "+18015550100"}', "The CallId field is required."),
        (
            b'{"CallId": "c@test", "To": "+18015550100", "SourcePort": 70000}',
            "The SourcePort field must be at most 65535.",
        ),
        (b'{"CallId": "' + b"c" * 256 + b'", "To": "+1801"}', "The CallId field must be at most 255 characters long."),
    ],
)
async def test_a_body_that_is_no_route_request_is_400_in_the_envelope(http, content, message):
    headers = {"X-Mpaas-Sip-Secret": SECRET, "Content-Type": "application/json"}
    response = await http.post("/sip/v1/route", content=content, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {"StatusCode": 400, "Message": message}
