"""Sends in flight together are written in one transaction (messaging/service.py store_outbound_batch through
core/db/group_commit.py), and each is answered as if it had been written alone: a paused number's send is refused
with its own error while the others of its batch are stored, usage is counted send by send in arrival order, and
every 200 names messages that are stored with their submit jobs."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from mpaas.core.clock import FrozenClock
from mpaas.messaging.jobs import SUBMIT_JOB, submitted_ids
from mpaas.models import Job, Message, PhoneNumber
from support.api import Api, make_message_route, provision

pytestmark = pytest.mark.no_workers


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))


@pytest.fixture
def write_transactions(platform, monkeypatch) -> list[int]:
    """One entry per write transaction the platform opens from here on."""
    opened: list[int] = []
    original = platform.db.write

    @asynccontextmanager
    async def counted():
        opened.append(1)
        async with original() as session:
            yield session

    monkeypatch.setattr(platform.db, "write", counted)
    return opened


async def _paused_number(api: Api, platform, route: str) -> str:
    """A number whose subscription has an SMS Pause threshold of 1, already used: its next send is refused."""
    number = (await provision(api, route))["PhoneNumberAssigned"]
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
    sid = (
        await api.ok(
            "POST",
            "/v1.0/subscriptions",
            json={
                "SubscriberId": subscriber["SubscriberId"],
                "TNID": nid,
                "PackageId": package["PackageId"],
                "Type": "mvno",
            },
        )
    )["SubscriptionId"]
    tid = (
        await api.ok(
            "POST",
            "/v1.0/subscriptions/thresholds/add",
            json={
                "ThresholdName": "SMS cap",
                "ThresholdType": "SMS",
                "ThresholdAmount": 1,
                "ThresholdUnit": "Count",
                "ThresholdAction": "Pause",
            },
        )
    )["ThresholdId"]
    await api.ok(
        "POST", "/v1.0/subscriptions/thresholds/assignments/add", json={"ThresholdId": tid, "SubscriptionId": sid}
    )
    assert (await _send(api, number, "+18015550100")).status_code == 200  # 1 of 1
    return number


async def _send(api: Api, source: str, to: str):
    return await api.post("/v1.0/message/outbound", {"From": source, "To": [{"Number": to}], "Body": "hello"})


async def _count(platform, model, *where) -> int:
    async with platform.db.read() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def test_concurrent_sends_share_a_transaction_and_a_paused_send_is_refused_alone(
    api: Api, platform, clock, numbers, write_transactions
):
    route = await make_message_route(api)
    paused = await _paused_number(api, platform, route)
    free = (await provision(api, route))["PhoneNumberAssigned"]
    await api.token("/v1.0/message/outbound")  # the token minted before the burst
    before = await _count(platform, Message)
    write_transactions.clear()
    sources = [free] * 4 + [paused] + [free] * 4
    responses = await asyncio.gather(*(_send(api, source, f"+1801555{i:04d}") for i, source in enumerate(sources)))
    assert [r.status_code for r in responses] == [200] * 4 + [400] + [200] * 4
    assert "is paused" in responses[4].json()["Message"] and "SMS cap" in responses[4].json()["Message"]
    assert len(write_transactions) < len(sources)  # shared: nine sends did not take nine transactions
    stored = [r.json()["MessageId"] for i, r in enumerate(responses) if i != 4]
    assert await _count(platform, Message) == before + 8
    assert await _count(platform, Message, Message.id.in_(stored), Message.status == "Queued") == 8
    assert await _count(platform, Message, Message.from_number == paused) == 1  # only the send before the pause
    async with platform.db.read() as session:
        submits = (await session.execute(select(Job).where(Job.kind == SUBMIT_JOB))).scalars().all()
    submitted = [mid for job in submits for mid in submitted_ids(job.payload)]
    assert set(stored) <= set(submitted) and len(submitted) == len(set(submitted))  # each message in one job


async def test_usage_is_counted_send_by_send_within_a_batch(api: Api, platform, clock, numbers):
    """Two concurrent sends from a number with one message left before its Pause: the first is stored, the
    second refused, as with one transaction each."""
    route = await make_message_route(api)
    number = (await provision(api, route))["PhoneNumberAssigned"]
    async with platform.db.read() as session:
        nid = (await session.execute(select(PhoneNumber.id).where(PhoneNumber.number == number))).scalar_one()
    package = await api.ok(
        "POST", "/v1.0/packages", json={"PackageName": "SMS", "Type": "p2p", "Price": 5, "Monthly": True}
    )
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "T",
            "Email": "t@example.com",
            "PhoneNumbers": [number],
            "Role": "Subscriber",
            "Password": "a-long-password",
        },
    )
    sid = (
        await api.ok(
            "POST",
            "/v1.0/subscriptions",
            json={
                "SubscriberId": subscriber["SubscriberId"],
                "TNID": nid,
                "PackageId": package["PackageId"],
                "Type": "mvno",
            },
        )
    )["SubscriptionId"]
    tid = (
        await api.ok(
            "POST",
            "/v1.0/subscriptions/thresholds/add",
            json={
                "ThresholdName": "Cap",
                "ThresholdType": "SMS",
                "ThresholdAmount": 1,
                "ThresholdUnit": "Count",
                "ThresholdAction": "Pause",
            },
        )
    )["ThresholdId"]
    await api.ok(
        "POST", "/v1.0/subscriptions/thresholds/assignments/add", json={"ThresholdId": tid, "SubscriptionId": sid}
    )
    await api.token("/v1.0/message/outbound")
    responses = await asyncio.gather(_send(api, number, "+18015550001"), _send(api, number, "+18015550002"))
    assert sorted(r.status_code for r in responses) == [200, 400]
    assert await _count(platform, Message, Message.from_number == number) == 1
