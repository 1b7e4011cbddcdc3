"""Job handlers of the message pipeline: submit to the carrier, apply receipts, deliver webhooks; and the
events a carrier connector reports back (receipts, inbound messages)."""

from __future__ import annotations

import asyncio
import logging

from mpaas.carriers.base import (
    CarrierRejected,
    CarrierThrottled,
    CarrierUnavailable,
    Connector,
    OutboundSms,
    SubmitResult,
)
from mpaas.core.jobs.queue import BatchHandler, ClaimedJob, Handler, RetryLater
from mpaas.messaging import bulk, repository, service
from mpaas.messaging.schemas import InboundRequest
from mpaas.messaging.service import RECEIPT_JOB, SUBMIT_JOB
from mpaas.roles.platform import Platform
from mpaas.webhooks import delivery
from mpaas.webhooks.service import DELIVER_JOB

log = logging.getLogger("mpaas.pipeline")

# A carrier that is down is waited for, not given up on: the submit is re-tried at this pace, uncounted.
UNAVAILABLE_RETRY_SECONDS = 5.0


def build_connector(platform: Platform) -> Connector:
    """The sandbox, one SMPP carrier, or several routed by prefix, as the settings say (docs/carriers.md)."""
    from mpaas.carriers import build_connector as from_settings

    return from_settings(platform.settings)


def connector_of(platform: Platform) -> Connector:
    if "connector" not in platform.extras:
        platform.extras["connector"] = build_connector(platform)
    return platform.extras["connector"]


Parked = list[tuple[bulk.Receipt, asyncio.Future]]


class PipelineEvents:
    """What carriers report, written durably before the connector acknowledges it (the connector awaits
    these calls before answering the SMSC). Receipts are group-committed: concurrent reports share one
    transaction, and each caller returns once its receipt is stored.

    A receipt for a part this process has submitted but not yet recorded (the submit batch is still waiting
    for the rest of its responses) is parked instead, and the batch's own transaction stores it with the
    submit. Written alone it would be an early receipt: inserted, then read back, deleted and applied when
    the submit is recorded. With a carrier that answers in milliseconds that was nearly every receipt."""

    def __init__(self, platform: Platform, max_group: int = 500, gather_seconds: float = 0.002):
        self.platform = platform
        self.max_group = max_group
        self.gather_seconds = gather_seconds
        self._pending: Parked = []
        self._flusher: asyncio.Task | None = None
        self._awaited: dict[tuple[str, str], Parked] = {}  # (carrier, part id) in flight -> receipts parked

    async def on_receipt(self, carrier: str, carrier_message_id: str, state: str, error_code: str | None) -> None:
        future = asyncio.get_running_loop().create_future()
        receipt = bulk.Receipt(carrier, carrier_message_id, state, error_code)
        parked = self._awaited.get((carrier, carrier_message_id))
        if parked is not None:
            parked.append((receipt, future))
        else:
            self._queue([(receipt, future)])
        await future

    def expect(self, keys) -> None:
        """Parts just accepted by a carrier, (carrier, part id): their receipts wait for `take`."""
        for key in keys:
            self._awaited.setdefault(key, [])

    def take(self, keys) -> Parked:
        """The receipts parked for `keys`, which are no longer awaited. Whoever takes them stores them and
        then calls `stored`, or hands them back through `requeue`."""
        taken: Parked = []
        for key in keys:
            taken += self._awaited.pop(key, ())
        return taken

    @staticmethod
    def stored(parked: Parked) -> None:
        for _, future in parked:
            if not future.done():
                future.set_result(None)

    def requeue(self, parked: Parked) -> None:
        """Receipts taken but not stored (the batch's transaction failed): written the usual way."""
        if parked:
            self._queue(parked)

    def _queue(self, reports: Parked) -> None:
        self._pending += reports
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(self.gather_seconds)  # let concurrent reports join the group
        while self._pending:
            group, self._pending = self._pending[: self.max_group], self._pending[self.max_group :]
            try:
                async with self.platform.db.write() as session:
                    await bulk.apply_receipts(session, [r for r, _ in group], self.platform.clock.now())
            except Exception as exc:  # the SMSC is not acknowledged, so it will send the receipt again
                for _, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in group:
                if not future.done():
                    future.set_result(None)
            self.platform.jobs.notify()

    async def on_inbound(self, carrier: str, source: str, destination: str, body: str) -> None:
        async with self.platform.db.write() as session:
            await service.receive_inbound(
                session, InboundRequest(From=source, To=destination, Body=body), self.platform.clock.now()
            )
        self.platform.jobs.notify()


def job_handlers(platform: Platform) -> dict[str, Handler]:
    """One-job-at-a-time handlers for every kind (the batch handlers below are preferred by the worker)."""
    batches = batch_handlers(platform)

    def single(kind: str) -> Handler:
        async def run(job: ClaimedJob) -> None:
            failures = await batches[kind]([job])
            if failures:
                raise failures[0][1]

        return run

    return {kind: single(kind) for kind in batches}


def batch_handlers(platform: Platform) -> dict[str, BatchHandler]:
    """Every job kind of the platform; the message pipeline's own, and the other domains' registered here."""
    from mpaas.billing.service import batch_handlers as billing_handlers
    from mpaas.numbers.jobs import handlers as number_handlers

    queue = platform.jobs

    # The connector is looked up per batch, not captured: the gateway builds it when it takes the bind
    # lease, after these handlers may have been made (and a worker process never needs it).
    async def _submit_one(connector, message, events: PipelineEvents | None, expected: list):
        try:
            result = await connector.submit(
                OutboundSms(message.id, message.from_number, message.to_number, message.body)
            )
        except Exception as exc:  # sorted out below, per message
            return exc
        if events is not None and result is not None:
            # In the same step as the response: a receipt read with it runs in a later task, and parks.
            keys = [(result.carrier or connector.name, part_id) for part_id in result.all_ids]
            events.expect(keys)
            expected += keys
        return result

    async def submit(jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        """Submit a batch concurrently (the connector keeps its window full), then record every outcome, and
        the receipts that came meanwhile, in one transaction."""
        events: PipelineEvents | None = platform.extras.get("pipeline_events")
        expected: list[tuple[str, str]] = []
        try:
            return await _submit_batch(jobs, events, expected)
        finally:
            if events is not None:  # not recorded (a failure, a cancelled batch): stored the usual way
                events.requeue(events.take(expected))

    async def _submit_batch(jobs: list[ClaimedJob], events: PipelineEvents | None, expected: list):
        connector = connector_of(platform)
        message_of = {job.id: job.payload["message_id"] for job in jobs}
        async with platform.db.quick_read() as session:
            loaded = await repository.submittable(session, list(message_of.values()))
        sendable = [job for job in jobs if message_of[job.id] in loaded]
        outcomes = await asyncio.gather(
            *(_submit_one(connector, loaded[message_of[job.id]], events, expected) for job in sendable)
        )
        outcome_of = {job.id: outcome for job, outcome in zip(sendable, outcomes)}
        failures: list[tuple[ClaimedJob, Exception]] = []
        accepted: dict[str, SubmitResult] = {}
        rejected: dict[str, tuple[str, str | None]] = {}
        receipt_delays: set[float] = set()
        for job in jobs:
            outcome = outcome_of.get(job.id)
            if isinstance(outcome, CarrierThrottled):
                failures.append((job, RetryLater(outcome.retry_after_seconds, "carrier throttled")))
            elif isinstance(outcome, CarrierUnavailable):
                failures.append((job, RetryLater(UNAVAILABLE_RETRY_SECONDS, f"carrier unavailable: {outcome}")))
            elif isinstance(outcome, CarrierRejected):
                rejected[message_of[job.id]] = ("Failed", outcome.code)
            elif isinstance(outcome, Exception):
                failures.append((job, outcome))
            elif outcome is not None:  # None: gone, or submitted by an earlier run
                accepted[message_of[job.id]] = outcome
                if outcome.receipt_state is not None:
                    receipt_delays.add(outcome.receipt_delay_seconds or 0.0)
        failed_ids = {job.id for job, _ in failures}
        parked: Parked = []
        try:
            async with platform.db.write() as session:
                # Taken under the write lock: a receipt arriving until now still joins this transaction.
                parked = events.take(expected) if events is not None else []
                now = platform.clock.now()
                await bulk.record_submits(session, connector.name, accepted, now, [r for r, _ in parked])
                await bulk.finish_messages(session, rejected, now)
                await queue.complete_many(session, [job for job in jobs if job.id not in failed_ids])
        except BaseException:
            if events is not None:
                events.requeue(parked)
            raise
        if events is not None:
            events.stored(parked)
        queue.notify()
        for delay in receipt_delays:
            queue.notify_later(delay)
        return failures

    async def receipt(jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        """Receipts a carrier announced at submit time (the sandbox), applied when they are due."""
        async with platform.db.write() as session:
            await bulk.apply_receipts(
                session,
                [
                    bulk.Receipt(
                        job.payload.get("carrier") or connector_of(platform).name,
                        job.payload["carrier_id"],
                        job.payload["state"],
                    )
                    for job in jobs
                ],
                platform.clock.now(),
            )
            await queue.complete_many(session, jobs)
        queue.notify()
        return []

    return {
        SUBMIT_JOB: submit,
        RECEIPT_JOB: receipt,
        DELIVER_JOB: delivery.make_batch_handler(platform),
        **number_handlers(platform),
        **billing_handlers(platform),
    }
