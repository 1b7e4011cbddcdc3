"""AI Guardian message filters act on every message, in both directions, on the real SMPP path: outbound before
the carrier (the SMSC simulator never sees a blocked message; its sender gets a final `Blocked` status with
ErrorCode GUARDIAN:<rule> and a status callback), inbound before the route (a blocked MO is acknowledged to the
SMSC, recorded, visible in search, and never posted to the route's MessageUrl). ACTIVE blocks, MONITOR_ONLY
delivers and alerts, INACTIVE does nothing; every trigger is a guardian_alerts row and an alert SMS (which also
goes out through the carrier)."""

from __future__ import annotations

import asyncio
import inspect
import json

import pytest
from sqlalchemy import select
from test_message_filters import BASE, enable_guardian, make_filter, subject

from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from mpaas.core.db import keyreads
from mpaas.guardian import message_filters_repository, message_screening
from mpaas.models import GuardianAlert, Message
from support.smpp import sim_smpp_settings

HANDSET = "+18015737111"
FRIEND = "+18015550101"  # on the allowed list
ENEMY = "+18015550199"  # on the blocked list
NOTIFY = "+18015550123"  # the filter's NotificationPhones
CLEAN = "see you at practice tomorrow"
DIRTY = "that is banned here"  # a custom keyword


@pytest.fixture
async def sim():
    s = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01))
    await s.start()
    yield s
    await s.stop()


@pytest.fixture(autouse=True)
def smpp(platform, sim):
    """In place before the app starts the gateway."""
    platform.connector = SmppConnector(sim_smpp_settings(sim.port))
    message_screening.clear_cache()
    return platform.connector


@pytest.fixture
def receiver(httpserver):
    httpserver.expect_request("/in").respond_with_data("ok")
    httpserver.expect_request("/cb").respond_with_data("ok")
    return httpserver


async def _until(predicate, timeout: float = 10.0):
    """Until `predicate()` (a value or an awaitable) is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await _value(predicate()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def _value(result):
    return await result if inspect.isawaitable(result) else result


def _posted(httpserver, path: str) -> list[dict]:
    return [json.loads(req.get_data()) for req, _ in httpserver.log if req.path == path]


async def _filtered(api, platform, receiver, **overrides):
    who = await subject(api, platform, MessageUrl=receiver.url_for("/in"), CallbackMessageUrl=receiver.url_for("/cb"))
    made = await make_filter(api, who, **overrides)
    return who, made


async def _send(api, source: str, to: str, body: str) -> str:
    sent = await api.ok("POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": to}], "Body": body})
    return sent["MessageId"]


async def _final(api, message_id: str) -> dict:
    found: dict = {}

    async def done() -> bool:
        found.update(await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id}))
        return found["Status"] in ("Delivered", "Failed", "Blocked")

    await _until(done)
    return found


async def _alerts(platform) -> list[GuardianAlert]:
    async with platform.db.read() as session:
        return list((await session.execute(select(GuardianAlert).order_by(GuardianAlert.created_at))).scalars())


def _carried(sim, destination: str) -> list[str]:
    return [s.text for s in sim.accepted if s.destination.lstrip("+") == destination.lstrip("+")]


# ------------------------------------------------------------------------------------------------ outbound


@pytest.mark.parametrize(
    "overrides, to, body, rule",
    [
        ({}, ENEMY, CLEAN, "BlockedContacts"),
        ({"BlockUnknownNumbers": True}, HANDSET, CLEAN, "BlockUnknownNumbers"),
        ({"BlockLinks": True}, HANDSET, "look at bit.ly/3xYz now", "BlockLinks"),
        ({}, HANDSET, DIRTY, "Keyword"),
        ({}, HANDSET, "I will kill you", "Keyword"),  # a system category (Violence)
    ],
)
async def test_active_blocks_outbound_before_the_carrier(
    api, numbers, platform, receiver, sim, overrides, to, body, rule
):
    who, made = await _filtered(api, platform, receiver, **overrides)
    message_id = await _send(api, who.number, to, body)
    details = await _final(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Blocked", f"GUARDIAN:{rule}")
    await _until(lambda: any(cb.get("Status") == "Blocked" for cb in _posted(receiver, "/cb")))
    blocked_cb = [cb for cb in _posted(receiver, "/cb") if cb.get("Status") == "Blocked"]
    assert blocked_cb[0]["ErrorCode"] == f"GUARDIAN:{rule}"
    alerts = await _alerts(platform)
    assert [(a.filter_id, a.rule, a.action, a.direction) for a in alerts] == [
        (made["FilterId"], rule, "Blocked", "outbound")
    ]
    # The alert SMS goes out through the carrier; the blocked message never did.
    await _until(lambda: bool(_carried(sim, NOTIFY)))
    assert _carried(sim, to) == []


async def test_block_media_stops_an_outbound_mms_before_the_carrier(api, numbers, platform, receiver, sim, tmp_path):
    """An SMPP carrier set to `media = "link"` sends an MMS's links in its text: BlockMedia stops such a message
    before it reaches the carrier, while the same sender's text message goes through."""
    (tmp_path / "carriers.toml").write_text(
        f'[[carriers]]\nname = "sim"\nurl = "smpp://mpaas:secret@127.0.0.1:{sim.port}"\nprefixes = ["+1"]\n'
        'media = "link"\n'
    )
    platform.settings.carriers_file = tmp_path / "carriers.toml"
    who, made = await _filtered(api, platform, receiver, BlockMedia=True)
    picture = {"MediaUrl": "https://example.com/a.png"}
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": who.number, "To": [{"Number": HANDSET}], "Body": CLEAN, "MmsMedia": [picture]},
    )
    details = await _final(api, sent["MessageId"])
    assert (details["Status"], details["ErrorCode"]) == ("Blocked", "GUARDIAN:BlockMedia")
    text = await _send(api, who.number, HANDSET, CLEAN)
    assert (await _final(api, text))["Status"] == "Delivered"
    assert _carried(sim, HANDSET) == [CLEAN]
    alerts = await _alerts(platform)
    assert [(a.filter_id, a.rule, a.direction) for a in alerts] == [(made["FilterId"], "BlockMedia", "outbound")]


async def test_a_message_that_looks_like_an_alert_is_screened_like_any_other(api, numbers, platform, receiver, sim):
    """Alert SMS are known by their batch id (the alert's GAID-), which no client send can have, not by text."""
    who, _made = await _filtered(api, platform, receiver)
    message_id = await _send(api, who.number, HANDSET, f"Guardian alert: {DIRTY}")
    details = await _final(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Blocked", "GUARDIAN:Keyword")
    assert message_screening.is_alert("GAID-1234") and not message_screening.is_alert(message_id)


async def test_allowed_contacts_bypass_content_checks(api, numbers, platform, receiver, sim):
    who, _ = await _filtered(api, platform, receiver, BlockUnknownNumbers=True, BlockLinks=True)
    details = await _final(api, await _send(api, who.number, FRIEND, DIRTY + " example.com"))
    assert details["Status"] == "Delivered"
    assert _carried(sim, FRIEND) == [DIRTY + " example.com"]
    assert await _alerts(platform) == []


async def test_monitor_only_delivers_records_and_alerts(api, numbers, platform, receiver, sim):
    who, made = await _filtered(api, platform, receiver, FilterMode="MONITOR_ONLY")
    details = await _final(api, await _send(api, who.number, HANDSET, DIRTY))
    assert details["Status"] == "Delivered" and details["ErrorCode"] is None
    assert _carried(sim, HANDSET) == [DIRTY]
    alerts = await _alerts(platform)
    assert [(a.rule, a.action, a.detail["Keyword"]) for a in alerts] == [("Keyword", "Monitored", "banned")]
    await _until(lambda: bool(_carried(sim, NOTIFY)))


@pytest.mark.parametrize(
    "overrides, guardian_on, route",
    [
        ({"FilterMode": "INACTIVE"}, True, {}),
        ({"ApplyToOutbound": False}, True, {}),
        ({}, False, {}),
        ({}, True, {"OutboundBypass": True}),
    ],
    ids=["inactive", "not-outbound", "guardian-off", "route-bypass"],
)
async def test_a_filter_that_does_not_apply_lets_outbound_through(
    api, numbers, platform, receiver, sim, overrides, guardian_on, route
):
    who = await subject(
        api, platform, MessageUrl=receiver.url_for("/in"), CallbackMessageUrl=receiver.url_for("/cb"), **route
    )
    await make_filter(api, who, **overrides)
    if not guardian_on:
        await enable_guardian(api, platform, who.subscriber_id, messages=False)
    details = await _final(api, await _send(api, who.number, HANDSET, DIRTY))
    assert details["Status"] == "Delivered"
    assert _carried(sim, HANDSET) == [DIRTY]
    assert await _alerts(platform) == []


async def test_a_change_acts_on_the_next_message(api, numbers, platform, receiver, sim):
    who, made = await _filtered(api, platform, receiver, FilterMode="INACTIVE")
    assert (await _final(api, await _send(api, who.number, HANDSET, DIRTY)))["Status"] == "Delivered"
    await api.ok("POST", BASE + "/update", json={"FilterId": made["FilterId"], "FilterMode": "ACTIVE"})
    assert (await _final(api, await _send(api, who.number, HANDSET, DIRTY)))["Status"] == "Blocked"
    await api.ok("POST", BASE + "/delete", json={"MessageFilterId": made["FilterId"]})
    assert (await _final(api, await _send(api, who.number, HANDSET, DIRTY)))["Status"] == "Delivered"


# ------------------------------------------------------------------------------------------------ inbound


async def _inbound(platform, destination: str) -> list[Message]:
    async with platform.db.read() as session:
        rows = await session.execute(
            select(Message).where(Message.direction == "Inbound", Message.to_number == destination)
        )
        return list(rows.scalars())


@pytest.mark.parametrize(
    "overrides, source, body, rule",
    [
        ({}, ENEMY, CLEAN, "BlockedContacts"),
        ({"BlockUnknownNumbers": True}, HANDSET, CLEAN, "BlockUnknownNumbers"),
        ({"BlockLinks": True}, HANDSET, "free prizes at https://example.com/win", "BlockLinks"),
        ({}, HANDSET, "B A N N E D stuff", "Keyword"),  # spacing evasion
        ({}, HANDSET, "you are a piece of sh1t", "Keyword"),  # profanity category, leetspeak
    ],
)
async def test_active_blocks_inbound_before_the_route(
    api, numbers, platform, receiver, sim, overrides, source, body, rule
):
    who, made = await _filtered(api, platform, receiver, **overrides)
    await sim.inject_mo(source, who.number, body, wait=False)
    await _until(lambda: sim.mo_acked == 1)  # acknowledged: the sender learns nothing
    stored = await _inbound(platform, who.number)
    assert [(m.status, m.error_code, m.body) for m in stored] == [("Blocked", f"GUARDIAN:{rule}", body)]
    alerts = await _alerts(platform)
    assert [(a.rule, a.action, a.direction, a.other_number) for a in alerts] == [(rule, "Blocked", "inbound", source)]
    # Visible to its owner through the search endpoints, never posted to the route.
    found = await api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": who.number, "Direction": "Inbound"})
    assert [(m["MessageID"], m["Status"]) for m in found["Results"]] == [(stored[0].id, "Blocked")]
    await _until(lambda: bool(_carried(sim, NOTIFY)))  # the alert went out meanwhile
    assert _posted(receiver, "/in") == []


async def test_monitor_only_inbound_reaches_the_route_and_alerts(api, numbers, platform, receiver, sim):
    who, _ = await _filtered(api, platform, receiver, FilterMode="MONITOR_ONLY")
    await sim.inject_mo(HANDSET, who.number, DIRTY, wait=False)
    await _until(lambda: bool(_posted(receiver, "/in")))
    assert [m.status for m in await _inbound(platform, who.number)] == ["Received"]
    assert [(a.rule, a.action) for a in await _alerts(platform)] == [("Keyword", "Monitored")]


@pytest.mark.parametrize(
    "overrides, route",
    [({"FilterMode": "INACTIVE"}, {}), ({"ApplyToInbound": False}, {}), ({}, {"InboundBypass": True})],
    ids=["inactive", "not-inbound", "route-bypass"],
)
async def test_a_filter_that_does_not_apply_lets_inbound_through(
    api, numbers, platform, receiver, sim, overrides, route
):
    who = await subject(
        api, platform, MessageUrl=receiver.url_for("/in"), CallbackMessageUrl=receiver.url_for("/cb"), **route
    )
    await make_filter(api, who, **overrides)
    await sim.inject_mo(ENEMY, who.number, DIRTY, wait=False)
    await _until(lambda: bool(_posted(receiver, "/in")))
    assert [m.status for m in await _inbound(platform, who.number)] == ["Received"]
    assert await _alerts(platform) == []


async def test_block_media_and_a_clean_message_in_one_batch(api, numbers, platform, receiver):
    """BlockMedia (the SMPP path carries no MMS): a batch screened in one read, one item with media."""
    who, made = await _filtered(api, platform, receiver, BlockMedia=True)
    items = [
        message_screening.Item("a", "outbound", who.number, HANDSET, CLEAN, has_media=True),
        message_screening.Item("b", "outbound", who.number, HANDSET, CLEAN),
        message_screening.Item("c", "inbound", who.number, FRIEND, DIRTY, has_media=True),  # allowed: no checks
    ]
    async with platform.db.read() as session:
        verdicts = await message_screening.screen(session, items)
    assert {k: (v.rule, v.filter_id) for k, v in verdicts.items()} == {"a": ("BlockMedia", made["FilterId"])}


# ------------------------------------------------------------------------------------------------ the read and the cache


async def test_filters_with_the_same_keyword_settings_share_one_matcher(api, numbers, platform, receiver):
    """A matcher over the system categories takes milliseconds to build: two filters with the same KeywordFilter and
    FilterLevel are compiled with one (a third with other keywords gets its own), and each still decides alone."""
    first, _ = await _filtered(api, platform, receiver)
    second, _ = await _filtered(api, platform, receiver, BlockLinks=True)
    other, _ = await _filtered(api, platform, receiver, KeywordFilter=json.dumps({"CustomKeywords": ["curfew"]}))
    link = "see example.com"
    items = [
        message_screening.Item("first", "outbound", first.number, HANDSET, link),
        message_screening.Item("second", "outbound", second.number, HANDSET, link),
        message_screening.Item("other", "outbound", other.number, HANDSET, DIRTY),
    ]
    async with platform.db.read() as session:
        verdicts = await message_screening.screen(session, items)
    assert {k: v.rule for k, v in verdicts.items()} == {"second": "BlockLinks"}
    matchers = {c.id: c.matcher for c in message_screening._cache.values()}
    assert len(matchers) == 3 and len({id(m) for m in matchers.values()}) == 2


async def test_on_a_sqlite_file_the_pipeline_read_is_a_key_read_on_the_driver(api, numbers, platform, receiver):
    """Not through the session (whose statement machinery costs hundreds of microseconds a message inbound): the
    read sees what is committed, a filter is found by its number, a number without one finds nothing."""
    if keyreads.sqlite_connection(platform.db) is None:
        pytest.skip("PostgreSQL or SQLite in memory: one statement in the caller's session")
    who, made = await _filtered(api, platform, receiver)

    async def through_the_session(*args, **kwargs):
        raise AssertionError("read through the session")

    async with platform.db.write() as session:
        session.execute = through_the_session  # type: ignore[method-assign]
        found = await message_filters_repository.active_filters(session, [who.number, HANDSET])
    assert [(f.id, f.phone, bool(f.inbound_bypass)) for f in found] == [(made["FilterId"], who.number, False)]
