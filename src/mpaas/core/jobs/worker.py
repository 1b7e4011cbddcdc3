"""The worker: claims due jobs from the queue (core/jobs/queue.py) and runs their handlers, a batch of a kind in
one call, with bounded concurrency; keeps the leases of what it runs, and records failures for retry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from mpaas.core.jobs.queue import ClaimedJob, Handler, JobQueue, RetryLater

log = logging.getLogger("mpaas.jobs")

# How long a woken worker waits for more work before it claims (Worker._sleep). Measured with bench/pipeline.py
# --matrix, one recipient a request: with a claim per wake-up the submits and callbacks went one or two a batch,
# and their transactions cost more CPU than the messages' own statements.
LINGER_SECONDS = 0.01

BatchHandler = Callable[[list[ClaimedJob]], Awaitable[list[tuple[ClaimedJob, Exception]]]]


class Worker:
    """Runs jobs of registered kinds until stopped. Several workers may share one queue table.

    A kind with a batch handler gets every claimed job of that kind in one call, so the handler can do the
    batch's database work in one transaction: the handler completes the jobs it finished and returns the
    (job, exception) pairs that failed, which the worker records (RetryLater uncounted, others with backoff).
    Other kinds run one job per task."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: dict[str, Handler],
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 100,
        concurrency: int = 256,
        batch_handlers: dict[str, BatchHandler] | None = None,
        kinds: frozenset[str] | None = None,
        exclude_kinds: frozenset[str] | None = None,
        linger_seconds: float = LINGER_SECONDS,
        weigh: Callable[[ClaimedJob], int] | None = None,
    ):
        self.queue = queue
        # What a claimed job counts for against `concurrency`: 1, or the items a batched job carries (`batched`).
        self.weigh = weigh or (lambda job: 1)
        self.linger_seconds = linger_seconds
        self.kinds = kinds  # claim only these kinds (a gateway: carrier submits) ...
        self.exclude_kinds = exclude_kinds  # ... or every kind but these (a worker beside gateways)
        self.wakeup = queue.subscribe()
        self.handlers = handlers
        self.batch_handlers = batch_handlers or {}
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.concurrency = concurrency  # jobs (by weight) in flight at most; a claim may go over by its own weight
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Task] = set()
        self._inflight_jobs = 0
        self._held: set[int] = set()  # ids of the jobs in flight, whose leases _keep_leases renews
        self._keeper: asyncio.Task | None = None

    async def run(self) -> None:
        self._keeper = asyncio.create_task(self._keep_leases(), name="mpaas-worker-leases")
        try:
            await self._claim_and_run()
        except BaseException:
            self._keeper.cancel()
            raise

    async def _keep_leases(self) -> None:
        """Renew the leases of the jobs in flight every third of the lease. A lease expires when its worker died
        or stalled, not because a batch is long: a claim of a hundred callback jobs of twenty events each, to a
        receiver that answers slowly through its eight connections, can outlast the lease, and an expired lease
        would be claimed again and the events that already went sent twice."""
        while True:  # until stop() has waited for the jobs in flight
            await asyncio.sleep(self.queue.lease_seconds / 3)
            try:
                await self.queue.extend_leases(list(self._held))
            except Exception:  # the next round tries again; a lease that lapses meanwhile costs a rerun, no loss
                log.warning("renewing the leases of running jobs failed", exc_info=True)

    async def _claim_and_run(self) -> None:
        while not self._stopping.is_set():
            free = self.concurrency - self._inflight_jobs
            if free <= 0:
                # Claim only what can start now: a claimed job waiting for a slot would burn its lease.
                await asyncio.wait(set(self._inflight), return_when=asyncio.FIRST_COMPLETED)
                continue
            wanted = min(self.batch_size, free)
            try:
                jobs = await self.queue.claim(wanted, kinds=self.kinds, exclude_kinds=self.exclude_kinds)
            except Exception:  # a locked or restarting database must not kill the worker
                log.exception("claiming jobs failed")
                jobs = []
            by_kind: dict[str, list[ClaimedJob]] = {}
            for job in jobs:
                if job.kind in self.batch_handlers:
                    by_kind.setdefault(job.kind, []).append(job)
                else:
                    self._spawn(self._run_one(job), [job])
            for kind, batch in by_kind.items():
                self._spawn(self._run_batch(kind, batch), batch)
            if len(jobs) < wanted:
                await self._sleep()

    def _spawn(self, work, jobs: list[ClaimedJob]) -> None:
        weight = sum(self.weigh(job) for job in jobs)
        self._inflight_jobs += weight
        for job in jobs:
            self._held.add(job.id)
        task = asyncio.create_task(work)
        self._inflight.add(task)

        def done(t: asyncio.Task) -> None:
            self._inflight.discard(t)
            self._inflight_jobs -= weight
            self._held.difference_update(job.id for job in jobs)

        task.add_done_callback(done)

    async def _run_batch(self, kind: str, jobs: list[ClaimedJob]) -> None:
        try:
            failures = await self.batch_handlers[kind](jobs)
        except Exception as exc:  # the whole batch failed before finishing any job
            log.warning("batch of %d %s jobs failed: %r", len(jobs), kind, exc)
            failures = [(job, exc) for job in jobs]
        for job, error in failures:
            await self._record_failure(job, error)

    async def _sleep(self) -> None:
        """Until a wake-up or the next poll. Woken, wait `linger_seconds` more before claiming: work that
        trickles in (one accepted send, one receipt group at a time) then goes in one batch of several jobs,
        not a claim, a read and a write transaction per job."""
        self.wakeup.clear()
        try:
            await asyncio.wait_for(self.wakeup.wait(), timeout=self.poll_seconds)
        except TimeoutError:
            return
        if self.linger_seconds > 0 and not self._stopping.is_set():
            await asyncio.sleep(self.linger_seconds)

    async def _run_one(self, job: ClaimedJob) -> None:
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            await handler(job)
        except Exception as exc:
            await self._record_failure(job, exc)

    async def _record_failure(self, job: ClaimedJob, exc: Exception) -> None:
        try:
            if isinstance(exc, RetryLater):
                await self.queue.fail(job, str(exc) or "retry later", exc.delay_seconds, count_attempt=False)
                return
            log.warning("job %s (%s) failed: %r", job.id, job.kind, exc)
            await self.queue.fail(job, repr(exc))
        except Exception:
            log.exception("recording failure of job %s failed; its lease will expire", job.id)

    async def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
        if self._keeper is not None:
            self._keeper.cancel()
