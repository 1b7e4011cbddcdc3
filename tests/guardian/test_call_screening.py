"""Call screening: every rule and mode of guardian/call_screening.py, first as the pure decision (`evaluate`),
then through the routing decision (voice/routing.decide) on a real database: the refusal's SIP code and reason,
the call record, the alert row, MONITOR_ONLY and INACTIVE, directions, Guardian calls off."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mpaas.guardian.call_screening import (
    BLOCKED_NUMBER,
    INBOUND,
    INTERNATIONAL,
    NOT_ALLOWED,
    OUTBOUND,
    UNKNOWN_NUMBER,
    WITHHELD,
    applies,
    evaluate,
)
from mpaas.models import Call, CallFilter, GuardianAlert
from mpaas.voice.compiled_routes import RoutingCache
from mpaas.voice.routing import decide
from mpaas.voice.routing_schemas import RouteRequest
from support.api import make_message_route, make_voice_route, provision
from support.guardian import call_filter, enable, relate, subscriber

OWN = "+18015551234"
FRIEND, STRANGER, PARENT = "+18015550101", "+12125550100", "+18015550777"
ABROAD = "+442079460000"


def _filter(mode: str = "BLACKLIST", **fields) -> CallFilter:
    values = dict(
        id="CFID-x",
        filter_mode=mode,
        enforcement="ACTIVE",
        allowed_numbers=[FRIEND],
        blocked_numbers=["+13335550100"],
        apply_to_inbound=True,
        apply_to_outbound=False,
        block_unknown_numbers=False,
        block_international=False,
    )
    values.update(fields)
    return CallFilter(**values)


def _rule(found: CallFilter, other: str, direction: str = INBOUND, guardians=frozenset({PARENT})) -> str | None:
    violation = evaluate(found, direction=direction, own_number=OWN, other_number=other, guardian_phones=guardians)
    return violation.rule if violation else None


def test_blocked_numbers_are_refused_in_every_mode():
    for mode in ("WHITELIST", "BLACKLIST", "CHILD", "TEENAGER", "ADOLESCENT"):
        assert _rule(_filter(mode, allowed_numbers=["+13335550100"]), "+13335550100") == BLOCKED_NUMBER, mode


def test_whitelist_lets_only_allowed_numbers_through():
    found = _filter("WHITELIST")
    assert _rule(found, FRIEND) is None
    assert _rule(found, STRANGER) == NOT_ALLOWED
    assert _rule(found, PARENT) == NOT_ALLOWED  # WHITELIST is exactly its list
    assert _rule(found, "anonymous") == NOT_ALLOWED


def test_blacklist_lets_everyone_else_through():
    found = _filter("BLACKLIST")
    assert _rule(found, STRANGER) is None and _rule(found, ABROAD) is None and _rule(found, "anonymous") is None


def test_block_unknown_numbers_lets_allowed_numbers_and_guardians_through():
    found = _filter("BLACKLIST", block_unknown_numbers=True)
    assert _rule(found, FRIEND) is None and _rule(found, PARENT) is None
    assert _rule(found, STRANGER) == UNKNOWN_NUMBER
    assert _rule(found, "anonymous") == UNKNOWN_NUMBER


def test_block_international_compares_country_calling_codes():
    found = _filter("BLACKLIST", block_international=True)
    assert _rule(found, ABROAD) == INTERNATIONAL
    assert _rule(found, "+14165550100") is None  # Canada shares +1 with the subscriber's number
    assert _rule(_filter("BLACKLIST", block_international=True, allowed_numbers=[ABROAD]), ABROAD) is None


def test_child_preset():
    found = _filter("CHILD")
    assert _rule(found, FRIEND) is None and _rule(found, PARENT) is None
    assert _rule(found, STRANGER) == NOT_ALLOWED
    assert _rule(found, STRANGER, OUTBOUND) == NOT_ALLOWED  # both ways
    assert _rule(found, ABROAD) == NOT_ALLOWED
    assert _rule(found, "anonymous") == NOT_ALLOWED


def test_adolescent_preset():
    found = _filter("ADOLESCENT")
    assert _rule(found, STRANGER) == NOT_ALLOWED  # unknown callers do not ring
    assert _rule(found, PARENT) is None
    assert _rule(found, STRANGER, OUTBOUND) is None  # but it may call out to them
    assert _rule(found, ABROAD, OUTBOUND) == INTERNATIONAL  # not abroad


def test_teenager_preset():
    found = _filter("TEENAGER")
    assert _rule(found, STRANGER) is None and _rule(found, STRANGER, OUTBOUND) is None
    assert _rule(found, ABROAD) == INTERNATIONAL and _rule(found, ABROAD, OUTBOUND) == INTERNATIONAL
    assert _rule(found, "anonymous") == WITHHELD


def test_emergency_numbers_are_never_refused():
    for mode in ("WHITELIST", "CHILD"):
        assert _rule(_filter(mode, block_unknown_numbers=True), "911", OUTBOUND) is None
        assert _rule(_filter(mode), "112", OUTBOUND) is None


def test_which_filters_apply():
    assert applies(_filter(), INBOUND) and not applies(_filter(), OUTBOUND)
    assert applies(_filter(apply_to_outbound=True, apply_to_inbound=False), OUTBOUND)
    assert not applies(_filter(enforcement="INACTIVE"), INBOUND)
    assert applies(_filter(enforcement="MONITOR_ONLY"), INBOUND)


# --- through the routing decision ---


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"guardian_alert_interval": 0.0})


async def _setup(api, **fields) -> tuple[str, str, dict]:
    route_id = await make_voice_route(api, IpWhitelist=[{"IpAddress": "127.0.0.1"}])
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
    kid = await subscriber(api, [number])
    await enable(api, kid, calls=True, messages=False)
    found = await call_filter(api, kid, number, **fields) if fields else {}
    return kid, number, found


async def _decide(platform, *, to: str, from_: str, call_id: str) -> dict:
    body = RouteRequest.model_validate({"CallId": call_id, "From": from_, "To": to, "SourceIp": "127.0.0.1"})
    async with platform.db.write() as session:
        return await decide(
            session, RoutingCache(platform.settings.egress_policy), platform.settings, body, platform.clock.now()
        )


async def _rows(platform, model, **where):
    async with platform.db.read() as session:
        return list((await session.execute(select(model).filter_by(**where))).scalars().all())


@pytest.mark.no_workers
async def test_an_inbound_call_refused_by_a_whitelist_is_recorded_and_alerted(api, numbers, platform):
    platform.settings.sip_carrier_uri = "sip:127.0.0.1:5099"
    kid, number, found = await _setup(api, mode="WHITELIST", AllowedNumbers=[FRIEND])
    answer = await _decide(platform, to=number, from_=STRANGER, call_id="c-1")
    assert answer["reject"] == {"code": 603, "reason": "Guardian Not Allowed"}
    (record,) = await _rows(platform, Call, sip_call_id="c-1")
    assert (record.disposition, record.sip_code, record.direction) == ("rejected", 603, "inbound")
    (alert,) = await _rows(platform, GuardianAlert, filter_id=found["FilterId"])
    assert (alert.kind, alert.direction, alert.rule, alert.action) == ("call", "inbound", NOT_ALLOWED, "Blocked")
    assert (alert.own_number, alert.other_number, alert.subscriber_id) == (number, STRANGER, kid)
    answer = await _decide(platform, to=number, from_=FRIEND, call_id="c-2")
    assert "routes" in answer  # the allowed number rings


@pytest.mark.no_workers
async def test_an_outbound_call_to_a_blocked_number_is_refused_with_403(api, numbers, platform):
    platform.settings.sip_carrier_uri = "sip:127.0.0.1:5099"
    _kid, number, found = await _setup(api, mode="BLACKLIST", BlockedNumbers=[STRANGER], ApplyToOutbound=True)
    answer = await _decide(platform, to=STRANGER, from_=number, call_id="c-3")
    assert answer["reject"] == {"code": 403, "reason": "Guardian Blocked Number"}
    (record,) = await _rows(platform, Call, sip_call_id="c-3")
    assert (record.disposition, record.sip_code, record.direction) == ("rejected", 403, "outbound")
    answer = await _decide(platform, to="+12125550111", from_=number, call_id="c-4")
    assert answer["routes"][0]["uri"].startswith("sip:+12125550111@")


@pytest.mark.no_workers
async def test_directions_follow_apply_to_inbound_and_outbound(api, numbers, platform):
    platform.settings.sip_carrier_uri = "sip:127.0.0.1:5099"
    _kid, number, _found = await _setup(api, mode="BLACKLIST", BlockedNumbers=[STRANGER])  # inbound only
    assert "routes" in await _decide(platform, to=STRANGER, from_=number, call_id="c-5")
    assert (await _decide(platform, to=number, from_=STRANGER, call_id="c-6"))["reject"]["code"] == 603


@pytest.mark.no_workers
async def test_monitor_only_lets_the_call_through_and_alerts(api, numbers, platform):
    _kid, number, found = await _setup(api, mode="WHITELIST", Enforcement="MONITOR_ONLY")
    answer = await _decide(platform, to=number, from_=STRANGER, call_id="c-7")
    assert "routes" in answer
    (alert,) = await _rows(platform, GuardianAlert, filter_id=found["FilterId"])
    assert alert.action == "Monitored" and alert.rule == NOT_ALLOWED


@pytest.mark.no_workers
async def test_inactive_filters_and_guardian_calls_off_do_nothing(api, numbers, platform):
    kid, number, found = await _setup(api, mode="WHITELIST", Enforcement="INACTIVE")
    assert "routes" in await _decide(platform, to=number, from_=STRANGER, call_id="c-8")
    await api.ok(
        "POST", "/v1.0/subscribers/call-filter/update", json={"FilterId": found["FilterId"], "Enforcement": "ACTIVE"}
    )
    assert "reject" in await _decide(platform, to=number, from_=STRANGER, call_id="c-9")
    await enable(api, kid, calls=False, messages=False)
    assert "routes" in await _decide(platform, to=number, from_=STRANGER, call_id="c-10")
    assert len(await _rows(platform, GuardianAlert, filter_id=found["FilterId"])) == 1


@pytest.mark.no_workers
async def test_a_child_preset_lets_its_guardian_call(api, numbers, platform):
    kid, number, _ = await _setup(api)
    parent_number = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    parent = await subscriber(api, [parent_number], name="Mum")
    await enable(api, parent)
    await relate(api, parent, kid)
    await call_filter(api, kid, number, "CHILD")
    assert "routes" in await _decide(platform, to=number, from_=parent_number, call_id="c-11")
    answer = await _decide(platform, to=number, from_=STRANGER, call_id="c-12")
    assert answer["reject"] == {"code": 603, "reason": "Guardian Not Allowed"}
