"""Receipt correlation through a scripted carrier (a real Connector implementation): receipts before the
submit response, multi-part aggregation, duplicates, rejection, throttling and outages."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from mpaas.carriers.base import CarrierRejected, CarrierThrottled, CarrierUnavailable, OutboundSms, SubmitResult
from mpaas.carriers.segments import plan
from mpaas.webhooks.jobs import events_of
from support.api import make_message_route, provision


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
        self.receipt_at_once = False  # right after the response, while the rest of the batch is in flight
        self.slow_submits: dict[str, float] = {}  # destination -> seconds its submit takes
        self.duplicate_receipts = False
        self.receipts_acknowledged = 0  # on_receipt calls that returned (the SMSC would get deliver_sm_resp)

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
        await asyncio.sleep(self.slow_submits.get(sms.destination, 0))
        part_ids = tuple(f"C{next(self.ids)}" for _ in plan(sms.body).parts)
        if self.receipt_first:  # the SMSC sends the receipt before answering the submit
            await self._send_receipts(part_ids)
        elif self.receipt_at_once:
            asyncio.ensure_future(self._send_receipts(part_ids))
        else:
            asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(self._send_receipts(part_ids)))
        return SubmitResult(carrier_id=part_ids[0], part_ids=part_ids)

    async def _send_receipts(self, part_ids):
        for index, part_id in enumerate(part_ids):
            state = self.receipts.get(index, "DELIVRD")
            await self.events.on_receipt(self.name, part_id, state, None if state == "DELIVRD" else "001")
            self.receipts_acknowledged += 1
            if self.duplicate_receipts:
                await self.events.on_receipt(self.name, part_id, state, None)


@pytest.fixture(autouse=True)
def carrier(platform):
    """Autouse, so it is in place before the app starts its workers."""
    platform.connector = ScriptedCarrier()
    return platform.connector


async def _send(api, body="hello"):
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    return await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": body}
    )


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


async def test_receipts_before_submit_response_twice_over_are_kept_once_and_applied_once(
    api, numbers, carrier, platform
):
    """The second copy meets the first's early row (the upsert's conflict path); both go when the submit is
    recorded, and the message settles once."""
    from sqlalchemy import func, select

    from mpaas.models import EarlyReceipt, Job

    carrier.receipt_first = carrier.duplicate_receipts = True
    sent = await _send(api, "x" * 400)  # 3 parts, each receipt twice, all before the submit response
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    async with platform.db.read() as session:
        early = (await session.execute(select(func.count()).select_from(EarlyReceipt))).scalar_one()
        jobs = (await session.execute(select(Job).where(Job.kind == "webhook.deliver"))).scalars().all()
    assert early == 0 and sum(len(events_of(job.payload)) for job in jobs) == 2


async def test_a_receipt_during_its_submit_batch_is_stored_with_the_submit_not_as_early(
    api, numbers, carrier, platform
):
    """The first message's receipt comes while the batch waits for the second's response: it is parked and
    written by the batch's own transaction, never as an early receipt (insert, read back, delete)."""
    from sqlalchemy import event

    carrier.receipt_at_once = True
    carrier.slow_submits = {"+18015737112": 0.3}
    early_writes = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO EARLY_RECEIPTS"):
            early_writes.append(parameters)

    event.listen(platform.db.write_engine.sync_engine, "before_cursor_execute", capture)
    try:
        source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
        sent = await api.ok(
            "POST",
            "/v1.0/message/outbound",
            json={"From": source, "To": [{"Number": "+18015737111"}, {"Number": "+18015737112"}], "Body": "hello"},
        )
        for message in sent["Messages"]:
            assert (await _final(api, message["MessageId"]))["Status"] == "Delivered"
    finally:
        event.remove(platform.db.write_engine.sync_engine, "before_cursor_execute", capture)
    assert len(carrier.submits) == 2 and early_writes == []


async def test_receipts_parked_for_a_batch_whose_transaction_fails_are_stored_the_usual_way(
    api, numbers, carrier, platform, monkeypatch
):
    from mpaas.messaging import bulk

    record_submits, calls = bulk.record_submits, []

    async def failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return await record_submits(*args, **kwargs)

    monkeypatch.setattr(bulk, "record_submits", failing_once)
    carrier.receipt_at_once = True
    carrier.slow_submits = {"+18015737112": 0.3}
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": "+18015737111"}, {"Number": "+18015737112"}], "Body": "hello"},
    )
    for message in sent["Messages"]:
        assert (await _final(api, message["MessageId"]))["Status"] == "Delivered"
    assert len(carrier.submits) == 4  # the failed batch's two, again
    # Every receipt was acknowledged, the failed batch's too (kept as early receipts of unknown parts).
    deadline = asyncio.get_running_loop().time() + 5
    while carrier.receipts_acknowledged < 4 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert carrier.receipts_acknowledged == 4


async def test_all_parts_delivered(api, numbers, carrier):
    sent = await _send(api, "x" * 400)  # 3 parts
    details = await _final(api, sent["MessageId"])
    assert details["Status"] == "Delivered" and details["Segment"] == 3


async def test_one_failed_part_fails_the_message(api, numbers, carrier):
    carrier.receipts = {1: "UNDELIV"}
    sent = await _send(api, "x" * 400)
    details = await _final(api, sent["MessageId"])
    assert details["Status"] == "Failed" and details["ErrorCode"] == "001"


async def test_a_skipped_receipt_ends_the_message(api, numbers, carrier, platform):
    """SKIPPED (SMPP 5.0 message_state 9) is final: the message fails with the receipt's error, with its status
    callback, instead of waiting in Sent for a receipt that never comes. carriers/receipts.py names the final
    states once (FINAL_STATES), and messaging/bulk.py and the receipt sweep settle parts by them."""
    from sqlalchemy import select

    from mpaas.carriers import receipts
    from mpaas.messaging import bulk, receipt_sweep
    from mpaas.models import Job

    assert (
        "SKIPPED" in receipts.FINAL_STATES and bulk.FINAL_STATES is receipt_sweep.FINAL_STATES is receipts.FINAL_STATES
    )
    carrier.receipts = {0: "SKIPPED"}
    sent = await _send(api)
    details = await _final(api, sent["MessageId"])
    assert (details["Status"], details["ErrorCode"]) == ("Failed", "001")
    async with platform.db.read() as session:
        jobs = (await session.execute(select(Job).where(Job.kind == "webhook.deliver"))).scalars().all()
    callbacks = [
        (e["status"], e["error_code"])
        for j in jobs
        for e in events_of(j.payload)
        if e["message_id"] == sent["MessageId"]
    ]
    assert callbacks == [("Sent", None), ("Failed", "001")]


async def test_duplicate_receipts_change_nothing(api, numbers, carrier, platform):
    from sqlalchemy import func, select

    from mpaas.models import Job

    carrier.duplicate_receipts = True
    sent = await _send(api)
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    await asyncio.sleep(0.2)
    async with platform.db.read() as session:
        webhooks = (
            await session.execute(select(func.count()).select_from(Job).where(Job.kind == "webhook.deliver"))
        ).scalar_one()
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


async def test_a_throttled_message_of_a_shared_submit_job_is_retried_alone(api, numbers, carrier, platform):
    """One send to three recipients writes one submit job for the three (messaging/jobs.py submit_jobs). The
    carrier throttles the first: the other two are recorded as the batch ends, the job is retried, and the retry
    submits only the throttled one (the recorded two are no longer submittable)."""
    from sqlalchemy import select

    from mpaas.messaging.jobs import SUBMIT_JOB, submitted_ids
    from mpaas.models import Job

    carrier.fail_next = [CarrierThrottled(0.1)]
    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    recipients = ["+18015737111", "+18015737112", "+18015737113"]
    sent = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": source, "To": [{"Number": n} for n in recipients], "Body": "hello"},
    )
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    async with platform.db.read() as session:
        jobs = (await session.execute(select(Job).where(Job.kind == SUBMIT_JOB))).scalars().all()
    assert len(jobs) == 1 and len(submitted_ids(jobs[0].payload)) == 3
    for _ in range(100):  # every recipient's message settles
        if len(carrier.submits) == 4 and carrier.receipts_acknowledged == 3:
            break
        await asyncio.sleep(0.05)
    destinations = [sms.destination for sms in carrier.submits]
    assert sorted(destinations) == sorted([*recipients, destinations[0]])  # the throttled one, twice
    assert jobs[0].status == "done"


async def test_unavailable_is_waited_for(api, numbers, carrier, monkeypatch):
    from mpaas.messaging import jobs

    monkeypatch.setattr(jobs, "UNAVAILABLE_RETRY_SECONDS", 0.1)
    carrier.fail_next = [CarrierUnavailable("not bound")] * 3
    sent = await _send(api)
    assert (await _final(api, sent["MessageId"]))["Status"] == "Delivered"
    assert len(carrier.submits) == 4


@pytest.mark.parametrize(("state", "status", "error"), [("DELIVRD", "Delivered", None), ("UNDELIV", "Failed", "001")])
async def test_a_message_whose_receipt_comes_with_its_response_settles_in_the_submit_statements(
    api, numbers, carrier, platform, state, status, error
):
    """The receipt follows the submit response at once (a carrier that answers in milliseconds): the batch's
    transaction records the message straight in its final status (bulk.record_submits), with no update of the
    part or the message after it and no early receipt; the part keeps its receipt, and both callbacks are
    queued, Sent first."""
    from sqlalchemy import event, select

    from mpaas.models import Job, Message, MessagePart

    carrier.receipt_at_once = True
    carrier.receipts = {0: state}
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()).upper())

    event.listen(platform.db.write_engine.sync_engine, "before_cursor_execute", capture)
    try:
        sent = await _send(api)
        details = await _final(api, sent["MessageId"])
    finally:
        event.remove(platform.db.write_engine.sync_engine, "before_cursor_execute", capture)
    assert (details["Status"], details["ErrorCode"]) == (status, error)
    assert not [s for s in statements if s.startswith(("UPDATE MESSAGE_PARTS", "INSERT INTO EARLY_RECEIPTS"))]
    assert not [
        s for s in statements if s.startswith("UPDATE MESSAGES") and "RECEIPT_CHECK_AT=NULL" in s.replace(" ", "")
    ]
    async with platform.db.read() as session:
        part = (
            await session.execute(select(MessagePart).where(MessagePart.message_id == sent["MessageId"]))
        ).scalar_one()
        message = await session.get(Message, sent["MessageId"])
        jobs = (
            (await session.execute(select(Job).where(Job.kind == "webhook.deliver").order_by(Job.id))).scalars().all()
        )
    assert (part.state, part.error_code) == (state, error)
    assert message.receipt_check_at is None and message.carrier_id == part.carrier_message_id
    callbacks = [
        (e["status"], e["error_code"])
        for j in jobs
        for e in events_of(j.payload)
        if e["message_id"] == sent["MessageId"]
    ]
    assert callbacks == [("Sent", None), (status, error)]
    events = [e for j in jobs for e in events_of(j.payload)]
    assert len({e["event_id"] for e in events}) == len(events)


async def test_a_receipt_waiting_to_be_written_is_taken_by_the_submit_that_expects_it():
    """A receipt reported before its part was expected (the connector ran its task first) waits in the group
    to be written; the submit batch that then expects the part takes it, so it is stored with the submit and
    its reporter answered when that transaction commits, not written alone as an early receipt."""
    from mpaas.messaging.pipeline import PipelineEvents

    events = PipelineEvents(db=None, clock=None, jobs=None, gather_seconds=60)  # type: ignore[arg-type]
    reporter = asyncio.ensure_future(events.on_receipt("c", "P1", "DELIVRD", None))
    await asyncio.sleep(0)
    assert len(events._pending) == 1 and not reporter.done()
    events.expect([("c", "P1"), ("c", "P2")])
    assert events.unanswered([("c", "P1"), ("c", "P2")])
    assert not events.unanswered([("c", "P1")])
    taken = events.take([("c", "P1"), ("c", "P2")])
    assert [r.carrier_message_id for r, _ in taken] == ["P1"] and events._pending == []
    events.stored(taken)
    await asyncio.wait_for(reporter, 1)
    events._flusher.cancel()
