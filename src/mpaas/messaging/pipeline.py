"""Job handlers of the message pipeline: submit to the carrier, apply receipts, deliver webhooks; and the
events a carrier connector reports back (receipts, inbound messages)."""

from __future__ import annotations

import asyncio
import logging

from mpaas.carriers.base import (CarrierRejected, CarrierThrottled, CarrierUnavailable, Connector,
                                 OutboundSms, SubmitResult)
from mpaas.core.jobs import BatchHandler, ClaimedJob, Handler, RetryLater
from mpaas.messaging import bulk, repository, service
from mpaas.messaging.schemas import InboundRequest
from mpaas.messaging.service import RECEIPT_JOB, SUBMIT_JOB
from mpaas.platform import Platform
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


class PipelineEvents:
    """What carriers report, written durably before the connector acknowledges it (the connector awaits
    these calls before answering the SMSC). Receipts are group-committed: concurrent reports share one
    transaction, and each caller returns once its receipt is stored."""

    def __init__(self, platform: Platform, max_group: int = 500, gather_seconds: float = 0.002):
        self.platform = platform
        self.max_group = max_group
        self.gather_seconds = gather_seconds
        self._pending: list[tuple[bulk.Receipt, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def on_receipt(self, carrier: str, carrier_message_id: str, state: str, error_code: str | None) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((bulk.Receipt(carrier, carrier_message_id, state, error_code), future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        await asyncio.sleep(self.gather_seconds)  # let concurrent reports join the group
        while self._pending:
            group, self._pending = self._pending[:self.max_group], self._pending[self.max_group:]
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
            await service.receive_inbound(session, InboundRequest(From=source, To=destination, Body=body),
                                          self.platform.clock.now())
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
    async def _submit_one(connector, message):
        try:
            return await connector.submit(OutboundSms(message.id, message.from_number, message.to_number,
                                                      message.body))
        except Exception as exc:  # sorted out below, per message
            return exc

    async def submit(jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        """Submit a batch concurrently (the connector keeps its window full), then record every outcome in
        one transaction."""
        connector = connector_of(platform)
        message_of = {job.id: job.payload["message_id"] for job in jobs}
        async with platform.db.read() as session:
            loaded = await repository.submittable(session, list(message_of.values()))
        sendable = [job for job in jobs if message_of[job.id] in loaded]
        outcomes = await asyncio.gather(*(_submit_one(connector, loaded[message_of[job.id]]) for job in sendable))
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
        async with platform.db.write() as session:
            now = platform.clock.now()
            await bulk.record_submits(session, connector.name, accepted, now)
            await bulk.finish_messages(session, rejected, now)
            await queue.complete_many(session, [job for job in jobs if job.id not in failed_ids])
        queue.notify()
        for delay in receipt_delays:
            queue.notify_later(delay)
        return failures

    async def receipt(jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        """Receipts a carrier announced at submit time (the sandbox), applied when they are due."""
        async with platform.db.write() as session:
            await bulk.apply_receipts(session, [
                bulk.Receipt(job.payload.get("carrier") or connector_of(platform).name, job.payload["carrier_id"],
                             job.payload["state"]) for job in jobs], platform.clock.now())
            await queue.complete_many(session, jobs)
        queue.notify()
        return []

    return {SUBMIT_JOB: submit, RECEIPT_JOB: receipt, DELIVER_JOB: delivery.make_batch_handler(platform),
            **number_handlers(platform), **billing_handlers(platform)}
