"""Receipt correlation through a scripted carrier (a real Connector implementation): receipts before the
submit response, multi-part aggregation, duplicates, rejection, throttling and outages."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from conftest import make_message_route, provision
from mpaas.carriers.base import CarrierRejected, CarrierThrottled, CarrierUnavailable, OutboundSms, SubmitResult
from mpaas.messaging.segments import plan


class ScriptedCarrier:
    """Answers each submit with one id per segment; receipts and failures follow `script`."""

    name = "scripted"

    def __init__(self):
        self.events = None
        self.ids = itertools.count(1)
        self.submits: list[OutboundSms] = []
        self.fail_next: list[Exception] = []
        self.receipts: dict[int, str] = {}  # part index -> state; absent parts get no receipt
        self.receipt_first = False
        self.duplicate_receipts = False

    async def start(self, events):
        self.events = events

    async def stop(self):
        pass

    def state(self):
        return {"name": self.name, "bound": True}

    async def submit(self, sms: OutboundSms) -> SubmitResult:
        self.submits.append(sms)
        if self.fail_next:
            raise self.fail_next.pop(0)
        part_ids = tuple(f"C{next(self.ids)}" for _ in plan(sms.body).parts)
        if self.receipt_first:  # the SMSC sends the receipt before answering the submit
            await self._send_receipts(part_ids)
        else:
            asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(self._send_receipts(part_ids)))
        return SubmitResult(carrier_id=part_ids[0], part_ids=part_ids)

    async def _send_receipts(self, part_ids):
        for index, part_id in enumerate(part_ids):
            state = self.receipts.get(index, "DELIVRD")
            await self.events.on_receipt(self.name, part_id, state, None if state == "DELIVRD" else "001")
            if self.duplicate_receipts:
                await self.events.on_receipt(self.name, part_id, state, None)


@pytest.fixture(autouse=True)
def carrier(platform):
    """Autouse, so it is in place before the app starts its workers."""
    platform.extras["connector"] = ScriptedCarrier()
    return platform.extras["connector"]


async def _send(api, body="hello"):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    return await api.ok("POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}],
                                                                "Body": body})


async def _final(api, message_id, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        details = await api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id})
        if details["Status"] in ("Delivered", "Failed") or asyncio.get_running_loop().time() > deadline:
            return details
        await asyncio.sleep(0.05)


async def test_receipt_before_submit_response(api, numbers, carrier):
    carrier.receipt_first = True
    sent = await _send(api)
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"


async def test_receipts_before_submit_response_twice_over_are_kept_once_and_applied_once(api, numbers, carrier,
                                                                                      platform):
    """The second copy meets the first's early row (the upsert's conflict path); both go when the submit is
    recorded, and the message settles once."""
    from sqlalchemy import func, select

    from mpaas.models import EarlyReceipt, Job

    carrier.receipt_first = carrier.duplicate_receipts = True
    sent = await _send(api, "x" * 400)  # 3 parts, each receipt twice, all before the submit response
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    async with platform.db.read() as session:
        early = (await session.execute(select(func.count()).select_from(EarlyReceipt))).scalar_one()
        webhooks = (await session.execute(select(func.count()).select_from(Job)
                                          .where(Job.kind == "webhook.deliver"))).scalar_one()
    assert early == 0 and webhooks == 2


async def test_all_parts_delivered(api, numbers, carrier):
    sent = await _send(api, "x" * 400)  # 3 parts
    details = await _final(api, sent["MessageId"])
    assert details["Status"] == "Delivered" and details["Segment"] == 3


async def test_one_failed_part_fails_the_message(api, numbers, carrier):
    carrier.receipts = {1: "UNDELIV"}
    sent = await _send(api, "x" * 400)
    details = await _final(api, sent["MessageId"])
    assert details["Status"] == "Failed" and details["ErrorCode"] == "001"


async def test_duplicate_receipts_change_nothing(api, numbers, carrier, platform):
    from sqlalchemy import func, select

    from mpaas.models import Job

    carrier.duplicate_receipts = True
    sent = await _send(api)
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    await asyncio.sleep(0.2)
    async with platform.db.read() as session:
        webhooks = (await session.execute(select(func.count()).select_from(Job)
                                          .where(Job.kind == "webhook.deliver"))).scalar_one()
    assert webhooks == 2  # Sent and Delivered, once each


async def test_rejected_fails_without_retry(api, numbers, carrier):
    carrier.fail_next = [CarrierRejected("ESME_RINVDSTADR")]
    sent = await _send(api)
    details = await _final(api, sent["MessageId"])
    assert (details["Status"], details["ErrorCode"]) == ("Failed", "ESME_RINVDSTADR")
    assert len(carrier.submits) == 1


async def test_throttled_is_retried(api, numbers, carrier):
    carrier.fail_next = [CarrierThrottled(0.1), CarrierThrottled(0.1)]
    sent = await _send(api)
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    assert len(carrier.submits) == 3


async def test_unavailable_is_waited_for(api, numbers, carrier, monkeypatch):
    from mpaas.messaging import pipeline

    monkeypatch.setattr(pipeline, "UNAVAILABLE_RETRY_SECONDS", 0.1)
    carrier.fail_next = [CarrierUnavailable("not bound")] * 3
    sent = await _send(api)
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    assert len(carrier.submits) == 4
