"""Durable job handlers of the numbers domain: scheduled status changes, aging of cancelled numbers, the
sandbox losing carrier, and data-usage renewals. Each kind is named by the service that enqueues it
(lifecycle, porting, usage: each handler calls back into that service, so the name cannot live here without
an import cycle) and keeps the queue's default attempt limit. Registered by the composition point
(mpaas/composition.py)."""

from __future__ import annotations

from mpaas.core.clock import Clock
from mpaas.core.db.database import Database
from mpaas.core.jobs.queue import ClaimedJob, Handler, JobQueue
from mpaas.core.jobs.worker import BatchHandler
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.porting import service as porting
from mpaas.numbers.usage import renewal as usage_renewal


def handlers(db: Database, clock: Clock, queue: JobQueue, policy: NumberPolicy) -> dict[str, BatchHandler]:
    async def status_change(job: ClaimedJob) -> None:
        async with db.write() as session:
            await lifecycle.run_scheduled_change(session, job.payload, clock.now(), policy)
            await queue.complete(session, job)

    async def release(job: ClaimedJob) -> None:
        async with db.write() as session:
            await lifecycle.release_if_due(
                session, job.payload["phone_number_id"], job.payload["cancelled_at"], clock.now()
            )
            await queue.complete(session, job)

    async def port_advance(job: ClaimedJob) -> None:
        async with db.write() as session:
            await porting.sandbox_advance(session, job.payload, clock.now(), policy)
            await queue.complete(session, job)
        queue.notify()

    async def renewal(job: ClaimedJob) -> None:
        async with db.write() as session:
            await usage_renewal.renew_if_due(session, job.payload, clock.now())
            await queue.complete(session, job)

    singles = {
        lifecycle.STATUS_JOB: status_change,
        lifecycle.RELEASE_JOB: release,
        porting.ADVANCE_JOB: port_advance,
        usage_renewal.RENEWAL_JOB: renewal,
    }
    return {kind: _as_batch(handler) for kind, handler in singles.items()}


def _as_batch(handler: Handler) -> BatchHandler:
    """The worker hands over batches; these jobs are rare, so each runs in its own transaction."""

    async def run(jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        failures: list[tuple[ClaimedJob, Exception]] = []
        for job in jobs:
            try:
                await handler(job)
            except Exception as exc:  # the worker records it and retries with backoff
                failures.append((job, exc))
        return failures

    return run
