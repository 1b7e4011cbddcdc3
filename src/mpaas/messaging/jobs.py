"""The message pipeline's durable jobs, their kinds and their handlers:

- `message.submit`, written with the messages a send accepts (messaging/service.py), up to MESSAGES_PER_SUBMIT
  of them a job: hand them to the carrier. Only the gateway role runs it, through the connector it binds
  (carriers/gateway.py);
- `carrier.receipt`: a receipt the carrier announced at submit time (the sandbox), applied when it falls due.

Both keep the queue's default attempt limit (core/jobs/queue.py, 8): a carrier that throttles or is down is
waited for without counting (RetryLater), and a carrier's refusal fails the message at once, so only errors of
our own use attempts up. A message's status callbacks are the webhooks domain's `webhook.deliver` jobs
(webhooks/jobs.py). The handlers take the parts they use; the composition point (mpaas/composition.py)
registers them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mpaas.carriers.base import (
    CarrierRejected,
    CarrierThrottled,
    CarrierUnavailable,
    Connector,
    OutboundSms,
    SubmitResult,
)
from mpaas.core.clock import Clock
from mpaas.core.db.database import Database
from mpaas.core.jobs.queue import ClaimedJob, JobQueue, RetryLater, batched, items_of
from mpaas.guardian import message_screening
from mpaas.messaging import bulk, repository

if TYPE_CHECKING:  # for typing only: pipeline.py imports messaging/service.py, which names SUBMIT_JOB from here
    from mpaas.messaging.pipeline import Key, Parked, PipelineEvents

SUBMIT_JOB = "message.submit"
# A submit job carries the messages of one write, this many at most: {"message_ids": [...]}, or {"message_id": id}
# for one (core/jobs/queue.py batched). A job whose messages all went is completed; one with a message to retry is
# retried whole, and its messages recorded meanwhile are not submitted again (repository.submittable).
MESSAGES_PER_SUBMIT = 20
RECEIPT_JOB = "carrier.receipt"
# A carrier that is down is waited for, not given up on: the submit is re-tried at this pace, uncounted.
UNAVAILABLE_RETRY_SECONDS = 5.0

Failures = list[tuple[ClaimedJob, Exception]]
# Loop turns a submit batch gives receipts that are on their way before it records its submits (SubmitBatch).
RECEIPT_TURNS = 2


def submit_jobs(message_ids: list[str], now: datetime) -> list[dict]:
    """The submit jobs (rows by column name) of messages accepted in one write."""
    return batched(SUBMIT_JOB, "message_id", "message_ids", message_ids, now, MESSAGES_PER_SUBMIT)


def submitted_ids(payload: dict[str, Any]) -> list[str]:
    return items_of(payload, "message_id", "message_ids")


def submit_weight(job: ClaimedJob) -> int:
    """A submit job counts for its messages against the gateway's concurrency (core/jobs/worker.py)."""
    return len(job.payload.get("message_ids") or ()) or 1


def _job_failure(failed: list[Exception]) -> Exception:
    """How a job whose messages met these failures is retried: an error of our own counts an attempt, with the
    queue's backoff; otherwise (the carrier throttles or is down) it is waited for, uncounted, as long as the
    shortest of their waits."""
    counted = [exc for exc in failed if not isinstance(exc, RetryLater)]
    if counted:
        return counted[0]
    return min((exc for exc in failed if isinstance(exc, RetryLater)), key=lambda exc: exc.delay_seconds)


class SubmitBatch:
    """The batch handler of `message.submit` through one connector: submit a batch concurrently (the connector
    keeps its window full), then record every outcome, and the receipts that came meanwhile, in one
    transaction. A receipt for a part submitted but not yet recorded is parked with `events` (the events the
    connector reports to) and stored by that transaction."""

    def __init__(
        self,
        connector: Connector,
        events: PipelineEvents,
        db: Database,
        clock: Clock,
        queue: JobQueue,
        *,
        receipt_query_seconds: float | None = None,
        validity_seconds: float | None = None,
    ):
        self.connector = connector
        self.events = events
        self.db = db
        self.clock = clock
        self.queue = queue
        # Sent as each submit's validity period, and when the receipt sweep asks and gives up (receipt_sweep.py).
        self.receipt_query_seconds = receipt_query_seconds
        self.validity_seconds = validity_seconds

    async def __call__(self, jobs: list[ClaimedJob]) -> Failures:
        expected: list[Key] = []
        try:
            return await self._submit_batch(jobs, expected)
        finally:  # not recorded (a failure, a cancelled batch): stored the usual way
            self.events.requeue(self.events.take(expected))

    async def _submit_one(self, message: Any, expected: list[Key]) -> SubmitResult | Exception | None:
        try:
            result = await self.connector.submit(
                OutboundSms(
                    message.id,
                    message.from_number,
                    message.to_number,
                    message.body,
                    self.validity_seconds,
                    media=message.media,
                )
            )
        except Exception as exc:  # sorted out by the caller, per message
            return exc
        if result is not None:
            # In the same step as the response: a receipt read with it runs in a later task, and parks.
            keys = [(result.carrier or self.connector.name, part_id) for part_id in result.all_ids]
            self.events.expect(keys)
            expected += keys
        return result

    async def _submit_batch(self, jobs: list[ClaimedJob], expected: list[Key]) -> Failures:
        ids_of = {job.id: submitted_ids(job.payload) for job in jobs}
        async with self.db.quick_read() as session:
            loaded = await repository.submittable(session, [mid for ids in ids_of.values() for mid in ids])
            # AI Guardian message filters, before the carrier: a blocked message is never submitted.
            caught = await message_screening.screen_outbound(session, loaded)
        # Each message once, though two jobs name it (a message a Guardian alert queued again): submitted once.
        sendable = list(
            dict.fromkeys(mid for ids in ids_of.values() for mid in ids if mid in loaded and mid not in caught.blocked)
        )
        outcomes = await asyncio.gather(*(self._submit_one(loaded[mid], expected) for mid in sendable))
        outcome_of = dict(zip(sendable, outcomes, strict=True))
        failures: Failures = []
        accepted: dict[str, SubmitResult] = {}
        rejected: dict[str, tuple[str, str | None]] = {}
        receipt_delays: set[float] = set()
        for job in jobs:
            failed: list[Exception] = []
            for mid in ids_of[job.id]:
                outcome = outcome_of.get(mid)
                if isinstance(outcome, CarrierThrottled):
                    failed.append(RetryLater(outcome.retry_after_seconds, "carrier throttled"))
                elif isinstance(outcome, CarrierUnavailable):
                    failed.append(RetryLater(UNAVAILABLE_RETRY_SECONDS, f"carrier unavailable: {outcome}"))
                elif isinstance(outcome, CarrierRejected):
                    rejected[mid] = ("Failed", outcome.code)
                elif isinstance(outcome, Exception):
                    failed.append(outcome)
                elif outcome is not None:  # None: gone, or submitted by an earlier run
                    accepted[mid] = outcome
                    if outcome.receipt_state is not None:
                        receipt_delays.add(outcome.receipt_delay_seconds or 0.0)
            if failed:
                failures.append((job, _job_failure(failed)))
        rejected.update(caught.blocked)
        failed_ids = {job.id for job, _ in failures}
        # A carrier that answers in milliseconds sends a part's receipt right behind its response, and the
        # connector hands it over in a task of its own: a turn or two of the loop lets those join this batch's
        # transaction (record_submits then settles the message in the statements that record its submit)
        # instead of a transaction of their own that follows at once. Bounded: a carrier whose receipts come
        # later (most, in production) costs the batch two loop turns, no timer.
        for _ in range(RECEIPT_TURNS):
            if not expected or not self.events.unanswered(expected):
                break
            await asyncio.sleep(0)
        parked: Parked = []
        try:
            async with self.db.write() as session:
                # Taken under the write lock: a receipt arriving until now still joins this transaction.
                parked = self.events.take(expected)
                now = self.clock.now()
                await bulk.record_submits(
                    session,
                    self.connector.name,
                    accepted,
                    now,
                    [r for r, _ in parked],
                    receipt_job=RECEIPT_JOB,
                    receipt_query_seconds=self.receipt_query_seconds,
                    validity_seconds=self.validity_seconds,
                )
                await bulk.finish_messages(session, rejected, now)
                await message_screening.report(session, caught.triggers, now)
                await self.queue.complete_many(session, [job for job in jobs if job.id not in failed_ids])
        except BaseException:
            self.events.requeue(parked)
            raise
        self.events.stored(parked)
        self.queue.notify()
        for delay in receipt_delays:
            self.queue.notify_later(delay)
        return failures


class ApplyReceipts:
    """The batch handler of `carrier.receipt`: receipts a carrier announced at submit time (the sandbox),
    applied when they are due. `default_carrier` names the carrier of a job written before receipt jobs
    carried theirs (the connector the settings describe)."""

    def __init__(self, db: Database, clock: Clock, queue: JobQueue, default_carrier: Callable[[], str]):
        self.db = db
        self.clock = clock
        self.queue = queue
        self.default_carrier = default_carrier

    async def __call__(self, jobs: list[ClaimedJob]) -> Failures:
        async with self.db.write() as session:
            await bulk.apply_receipts(
                session,
                [
                    bulk.Receipt(
                        job.payload.get("carrier") or self.default_carrier(),
                        job.payload["carrier_id"],
                        job.payload["state"],
                    )
                    for job in jobs
                ],
                self.clock.now(),
            )
            await self.queue.complete_many(session, jobs)
        self.queue.notify()
        return []
