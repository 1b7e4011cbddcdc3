"""Durable jobs with leases.

A job is a row written in the same transaction as the change that needs it, so accepted work is never
lost. Workers claim batches (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serializes claimers), hold a lease while they run, and a job whose lease expired is claimed again:
a worker killed mid-job loses nothing. Failures retry with capped exponential backoff and jitter;
after the last attempt the job is `dead`. Wake-ups are hints; polling is the net.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.clock import Clock
from mpaas.core.db import Database
from mpaas.models.jobs import DEAD, DONE, PENDING, RUNNING, Job

log = logging.getLogger("mpaas.jobs")

Handler = Callable[[Job], Awaitable[None]]

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0


class RetryLater(Exception):
    """Raised by a handler that wants to run again later without it counting as an error."""

    def __init__(self, delay_seconds: float, reason: str = ""):
        self.delay_seconds = delay_seconds
        super().__init__(reason)


def enqueue(session: AsyncSession, now: datetime, kind: str, payload: dict[str, Any], *,
            delay_seconds: float = 0.0, max_attempts: int = 8) -> Job:
    job = Job(kind=kind, payload=payload, status=PENDING, run_at=now + timedelta(seconds=delay_seconds),
              attempts=0, max_attempts=max_attempts, created_at=now, updated_at=now)
    session.add(job)
    return job


def backoff_seconds(attempt: int) -> float:
    """Full jitter over a capped exponential: spreads retries so a recovering receiver is not stampeded."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** max(0, attempt - 1)))
    return random.uniform(ceiling / 2, ceiling)


class JobQueue:
    def __init__(self, db: Database, clock: Clock, lease_seconds: float = 30.0):
        self.db = db
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.wakeup = asyncio.Event()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"

    def notify(self) -> None:
        """A hint that new work exists; safe to call from request handlers after commit."""
        self.wakeup.set()

    async def claim(self, limit: int) -> list[Job]:
        now = self.clock.now()
        due = or_(
            and_(Job.status == PENDING, Job.run_at <= now),
            and_(Job.status == RUNNING, Job.lease_until < now),
        )
        candidates = select(Job.id).where(due).order_by(Job.run_at).limit(limit).with_for_update(skip_locked=True)
        stmt = (
            update(Job)
            .where(Job.id.in_(candidates.scalar_subquery()), due)
            .values(status=RUNNING, attempts=Job.attempts + 1, locked_by=self.worker_id,
                    lease_until=now + timedelta(seconds=self.lease_seconds), updated_at=now)
            .returning(Job)
            .execution_options(synchronize_session=False)
        )
        async with self.db.write() as session:
            result = await session.execute(stmt)
            return list(result.scalars().all())

    async def complete(self, session: AsyncSession, job: Job) -> None:
        await session.execute(update(Job).where(Job.id == job.id, Job.locked_by == self.worker_id)
                              .values(status=DONE, lease_until=None, updated_at=self.clock.now()))

    async def fail(self, job: Job, error: str, delay_seconds: float | None = None, count_attempt: bool = True) -> None:
        now = self.clock.now()
        attempts = job.attempts if count_attempt else job.attempts - 1
        if count_attempt and attempts >= job.max_attempts:
            values = {"status": DEAD, "last_error": error[:2000], "lease_until": None, "updated_at": now}
        else:
            delay = backoff_seconds(attempts) if delay_seconds is None else delay_seconds
            values = {"status": PENDING, "attempts": attempts, "last_error": error[:2000], "lease_until": None,
                      "run_at": now + timedelta(seconds=delay), "updated_at": now}
        async with self.db.write() as session:
            await session.execute(update(Job).where(Job.id == job.id).values(**values))


class Worker:
    """Runs jobs of registered kinds until stopped. Several workers may share one queue table."""

    def __init__(self, queue: JobQueue, handlers: dict[str, Handler], *, poll_seconds: float = 0.5,
                 batch_size: int = 50, concurrency: int = 16):
        self.queue = queue
        self.handlers = handlers
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Task] = set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            free = self.concurrency - len(self._inflight)
            if free <= 0:
                # Claim only what can start now: a claimed job waiting for a slot would burn its lease.
                await asyncio.wait(set(self._inflight), return_when=asyncio.FIRST_COMPLETED)
                continue
            wanted = min(self.batch_size, free)
            try:
                jobs = await self.queue.claim(wanted)
            except Exception:  # a locked or restarting database must not kill the worker
                log.exception("claiming jobs failed")
                jobs = []
            for job in jobs:
                task = asyncio.create_task(self._run_one(job))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
            if len(jobs) < wanted:
                await self._sleep()

    async def _sleep(self) -> None:
        self.queue.wakeup.clear()
        try:
            await asyncio.wait_for(self.queue.wakeup.wait(), timeout=self.poll_seconds)
        except asyncio.TimeoutError:
            pass

    async def _run_one(self, job: Job) -> None:
        try:
            handler = self.handlers.get(job.kind)
            if handler is None:
                await self.queue.fail(job, f"no handler for job kind {job.kind!r}")
                return
            await handler(job)
        except RetryLater as later:
            await self.queue.fail(job, str(later) or "retry later", later.delay_seconds, count_attempt=False)
        except Exception as exc:  # the job's own failure: retried with backoff, then dead
            log.warning("job %s (%s) failed: %r", job.id, job.kind, exc)
            try:
                await self.queue.fail(job, repr(exc))
            except Exception:
                log.exception("recording failure of job %s failed; its lease will expire", job.id)

    async def stop(self) -> None:
        self._stopping.set()
        self.queue.notify()
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
