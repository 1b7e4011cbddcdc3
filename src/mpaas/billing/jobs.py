"""The billing domain's job, `billing.run`: bill a period's in-advance MRC to every live subscription, then
schedule the next period's run. The kind is named by billing/service.py, which enqueues it (and whose
run_period the handler calls, so the name cannot live here without an import cycle); it keeps the queue's
default attempt limit. Registered by the composition point (mpaas/composition.py)."""

from __future__ import annotations

from mpaas.billing import service
from mpaas.core.clock import Clock
from mpaas.core.db.database import Database
from mpaas.core.jobs.queue import ClaimedJob, JobQueue
from mpaas.core.jobs.worker import BatchHandler


class BillingRun:
    """The batch handler of `billing.run`. Runs of a claimed batch go one after the other, each in its own
    transactions; a failed run is retried by the worker (the ledger's keys make a re-run charge nothing twice)."""

    def __init__(self, db: Database, clock: Clock, queue: JobQueue, currency: str):
        self.db = db
        self.clock = clock
        self.queue = queue
        self.currency = currency

    async def __call__(self, jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        failures: list[tuple[ClaimedJob, Exception]] = []
        for job in jobs:
            try:
                await service.run_period(self.db, job.payload["period"], self.clock.now, self.currency)
                async with self.db.write() as session:
                    await self.queue.complete(session, job)
            except Exception as exc:  # recorded by the worker, retried with backoff
                failures.append((job, exc))
        return failures


def handlers(db: Database, clock: Clock, queue: JobQueue, currency: str) -> dict[str, BatchHandler]:
    return {service.RUN_JOB: BillingRun(db, clock, queue, currency)}
