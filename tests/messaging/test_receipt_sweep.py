"""Receipts that never come (issue 17): the gateway's receipt sweep asks the carrier with query_sm, and gives a
message whose validity period is over a final status, against the real SMSC simulator dropping receipts."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from mpaas.carriers.smpp import SmppConnector
from mpaas.carriers.smsc_sim import SimConfig, SmscSim
from mpaas.models import Job, Message
from mpaas.webhooks.jobs import events_of
from support.api import make_message_route, provision
from support.smpp import sim_smpp_settings

OPEN = ("Queued", "Sent")


@pytest.fixture
def settings(settings, request):
    """Seconds instead of hours: asked 0.3 s after the submit, expired after 2 s, swept every 0.1 s (a test may
    add settings through indirect parametrization)."""
    update = {"receipt_query_seconds": 0.3, "message_validity_seconds": 2.0, "receipt_sweep_seconds": 0.1}
    return settings.model_copy(update={**update, **getattr(request, "param", {})})


@pytest.fixture
async def sim():
    s = SmscSim(SimConfig(port=0, receipt_delay_seconds=0.01, personality="drop_receipts"))
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
def smpp(platform, sim):
    """The gateway binds to the simulator (in place before the app starts its gateway). Tests of the sandbox
    carrier do not ask for it."""
    platform.connector = SmppConnector(sim_smpp_settings(sim.port))
    return platform.connector


async def _send(api, to="+18015737111"):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    sent = await api.ok("POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": to}], "Body": "hi"})
    return sent["MessageId"]


async def _settled(api, message_id, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id})
        if details["Status"] not in OPEN or asyncio.get_running_loop().time() > deadline:
            return details
        await asyncio.sleep(0.05)


async def _callbacks(platform, message_id) -> list[tuple[str, str | None]]:
    async with platform.db.read() as session:
        jobs = (await session.execute(select(Job).where(Job.kind == "webhook.deliver"))).scalars().all()
    return [
        (event["status"], event["error_code"])
        for job in jobs
        for event in events_of(job.payload)
        if event["message_id"] == message_id
    ]


async def _row(platform, message_id) -> Message:
    async with platform.db.read() as session:
        return await session.get(Message, message_id)


async def test_a_dropped_receipt_is_asked_for_with_query_sm(smpp, api, numbers, sim, platform):
    message_id = await _send(api)
    details = await _settled(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Delivered", None)
    assert sim.receipts_sent == 0 and sim.queries >= 1  # no receipt came: the answer to query_sm settled it
    assert await _callbacks(platform, message_id) == [("Sent", None), ("Delivered", None)]
    row = await _row(platform, message_id)
    assert row.receipt_check_at is None  # final: out of the sweep's index
    # the submit carried the validity period, and the message expires with it
    assert sim.accepted[0].validity_period == "000000000002000R"
    assert row.expires_at is not None


async def test_a_failed_outcome_learned_by_query_fails_the_message(smpp, api, numbers, sim, platform):
    sim.config.outcomes = {"+1801573": "UNDELIV"}
    message_id = await _send(api)
    details = await _settled(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Failed", "001")


async def test_still_enroute_at_the_end_of_its_validity_it_expires(smpp, api, numbers, sim, platform):
    sim.config.outcomes = {"+1801573": "ENROUTE"}  # the SMSC never settles it, and says so when asked
    message_id = await _send(api)
    details = await _settled(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Expired", "NO_RECEIPT")
    assert sim.queries >= 2  # asked at 0.3 s, then at doubling intervals, then once more at expiry
    assert await _callbacks(platform, message_id) == [("Sent", None), ("Expired", "NO_RECEIPT")]
    assert (await _row(platform, message_id)).receipt_check_at is None


async def test_unknown_to_the_carrier_at_the_end_of_its_validity_it_is_undelivered(smpp, api, numbers, sim, platform):
    sim.config.forget_messages = True  # every query_sm: ESME_RQUERYFAIL
    message_id = await _send(api)
    await asyncio.sleep(1.0)
    assert (await _row(platform, message_id)).status == "Sent"  # not given up before its validity ends
    details = await _settled(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Undelivered", "ESME_RQUERYFAIL")
    assert await _callbacks(platform, message_id) == [("Sent", None), ("Undelivered", "ESME_RQUERYFAIL")]


async def test_a_carrier_without_query_sm_expires_it(smpp, api, numbers, sim, platform):
    sim.config.query_sm = False
    message_id = await _send(api)
    details = await _settled(api, message_id)
    assert (details["Status"], details["ErrorCode"]) == ("Expired", "NO_RECEIPT")


@pytest.mark.parametrize("settings", [{"sandbox_receipt_delay_seconds": 30.0}], indirect=True)
@pytest.mark.parametrize(
    "to, final", [("+18015737111", "Delivered"), ("+15005550001", "Failed"), ("+15005560001", "Expired")]
)
async def test_the_sandbox_answers_queries_with_the_outcome_of_its_receipt(settings, api, numbers, platform, to, final):
    """A sandbox receipt due later than the first query (no `smpp` fixture: the sandbox carrier): the query
    settles the message with the same outcome the receipt job will bring (which then changes nothing). A
    no-receipt destination (MPAAS_SANDBOX_NO_RECEIPT_PREFIXES, +1500556) never gets one and stays ENROUTE when
    asked: it expires with its validity period."""
    message_id = await _send(api, to)
    details = await _settled(api, message_id)
    assert details["Status"] == final
    statuses = [status for status, _ in await _callbacks(platform, message_id)]
    assert statuses == ["Sent", final]


async def test_the_sweep_reads_due_messages_through_its_partial_index(platform):
    """SQLite's plan for the due query (receipt_sweep.DUE) uses ix_messages_receipt_check, which holds only
    the messages in flight."""
    if platform.db.write_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN")
    async with platform.db.read() as session:
        plan = (
            await session.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id, status, from_number, to_number, expires_at FROM messages "
                    "WHERE receipt_check_at <= :now ORDER BY receipt_check_at LIMIT 500"
                ),
                {"now": "2026-01-01 00:00:00"},
            )
        ).all()
    assert any("ix_messages_receipt_check" in str(row) for row in plan), plan


def test_messages_sent_before_the_upgrade_are_swept_too(tmp_path):
    """Migration 0012 makes messages already Sent (perhaps waiting for receipts that will never come) due at
    once, expiring 48 hours after the upgrade; other messages are left alone."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import create_engine

    from mpaas.core.db import migrate

    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = migrate.alembic_config(url)
    command.upgrade(config, "0007_drop_unused_indexes")
    engine = create_engine(url)
    columns = (
        "id, account_id, batch_id, direction, type, message_type, from_number, to_number, owner, body, media, "
        "segments, encoding, cost, status, created_at, updated_at"
    )
    with engine.begin() as conn:
        for message_id, status in (("TMID-sent", "Sent"), ("TMID-done", "Delivered")):
            conn.execute(
                text(
                    f"INSERT INTO messages ({columns}) VALUES (:id, 'AID-x', :id, 'Outbound', 'p2p', 'sms', "
                    "'+18015550100', '+18015737111', '+18015550100', 'hi', '{}', 1, 'GSM7', 0, :status, "
                    "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')"
                ),
                {"id": message_id, "status": status},
            )
    before = datetime.now(UTC)
    command.upgrade(config, "0012_message_receipt_check")
    with engine.connect() as conn:
        rows = {
            row.id: row for row in conn.execute(text("SELECT id, receipt_check_at, expires_at FROM messages")).all()
        }
    engine.dispose()
    assert rows["TMID-done"].receipt_check_at is None and rows["TMID-done"].expires_at is None
    check = datetime.fromisoformat(rows["TMID-sent"].receipt_check_at).replace(tzinfo=UTC)
    expires = datetime.fromisoformat(rows["TMID-sent"].expires_at).replace(tzinfo=UTC)
    assert before <= check <= datetime.now(UTC) and (expires - check).total_seconds() == 48 * 3600
