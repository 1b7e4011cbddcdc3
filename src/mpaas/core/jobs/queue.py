"""Durable jobs with leases.

A job is a row written in the same transaction as the change that needs it, so accepted work is never
lost. Workers claim batches (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serializes claimers), hold a lease while they run, and a job whose lease expired is claimed again:
a worker killed mid-job loses nothing. Failures retry with capped exponential backoff and jitter;
after the last attempt the job is `dead`. Wake-ups are hints; polling is the net.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import socket
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, Text, and_, bindparam, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.clock import Clock
from mpaas.core.db import fastmany
from mpaas.core.db.database import Database
from mpaas.core.jobs.wakeups import PgWakeups
from mpaas.models.jobs import DEAD, DONE, PENDING, RUNNING, Job

log = logging.getLogger("mpaas.jobs")

# Statements go through the table, not the mapped class: the queue's rows are read and written set-wise,
# and the ORM's bulk paths (instance loading for RETURNING, session synchronization) cost more than the
# statements themselves at pipeline rates. Claimed jobs are ClaimedJobs, not Job instances.
JOBS = typing.cast(Table, Job.__table__)  # a declarative class's __table__ is its Table (typed as any FromClause)

# Built once, as the claims are: building a statement per batch cost as much as SQLite running it.
COMPLETE = (
    update(JOBS)
    .where(JOBS.c.id.in_(bindparam("b_ids", expanding=True)), JOBS.c.locked_by == bindparam("b_worker"))
    .values(status=DONE, lease_until=None, updated_at=bindparam("b_now"))
)

EXTEND = (
    update(JOBS)
    .where(
        JOBS.c.id.in_(bindparam("b_ids", expanding=True)),
        JOBS.c.status == RUNNING,
        JOBS.c.locked_by == bindparam("b_worker"),
    )
    .values(lease_until=bindparam("b_lease"))
)

BACKOFF_BASE_SECONDS = 1.0
# On PostgreSQL a claim looks for expired leases at most this often (by the queue's clock), not in every claim: a
# lease expires only when its holder died or stalled for lease_seconds, and that statement was half of every
# claim's statements (one more round trip and index probe per batch of the gateway and the worker, which claim
# several times a second under load). An expired lease is still taken back within this, as the poll interval
# would. SQLite's claims ask a probe first (JobQueue._any_due).
EXPIRED_CHECK_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0


@dataclass(slots=True)
class ClaimedJob:
    """A leased job as handlers see it: what they use of the row, without the ORM (Job's attribute names).
    The claim returns only these columns: every other one is a value to convert per row inside the write
    transaction."""

    id: int
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    max_attempts: int


Handler = Callable[[ClaimedJob], Awaitable[None]]


class RetryLater(Exception):
    """Raised by a handler that wants to run again later without it counting as an error."""

    def __init__(self, delay_seconds: float, reason: str = ""):
        self.delay_seconds = delay_seconds
        super().__init__(reason)


JOBS_WRITTEN = "mpaas.jobs_written"  # session.info key: this transaction wrote jobs


def mark_jobs_written(session: AsyncSession) -> None:
    """Note that the session's transaction wrote jobs, so whoever commits it wakes the workers after."""
    session.info[JOBS_WRITTEN] = True


def jobs_written(session: AsyncSession) -> bool:
    return bool(session.info.get(JOBS_WRITTEN))


def enqueue(
    session: AsyncSession,
    now: datetime,
    kind: str,
    payload: dict[str, Any],
    *,
    delay_seconds: float = 0.0,
    max_attempts: int = 8,
) -> Job:
    mark_jobs_written(session)
    job = Job(
        kind=kind,
        payload=payload,
        status=PENDING,
        run_at=now + timedelta(seconds=delay_seconds),
        attempts=0,
        max_attempts=max_attempts,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    return job


# Core, not ORM: no unit-of-work bookkeeping, and fastmany's per-row path on SQLite (core/db/fastmany.py).
INSERT_JOBS = JOBS.insert()


async def insert_jobs(session: AsyncSession, rows: list[dict]) -> None:
    """Write job rows (by column name, every row the same columns) in the caller's transaction."""
    if rows:
        mark_jobs_written(session)
        await fastmany.executemany(session, INSERT_JOBS, rows)


def job_row(now: datetime, kind: str, payload: dict, *, delay_seconds: float = 0.0, max_attempts: int = 8) -> dict:
    """A new job's row by column name, for insert_jobs."""
    return {
        "kind": kind,
        "payload": payload,
        "status": PENDING,
        "run_at": now + timedelta(seconds=delay_seconds),
        "attempts": 0,
        "max_attempts": max_attempts,
        "created_at": now,
        "updated_at": now,
    }


def batched(
    kind: str,
    one_key: str | None,
    many_key: str,
    items: list,
    now: datetime,
    per_job: int,
    *,
    delay_seconds: float = 0.0,
    max_attempts: int = 8,
) -> list[dict]:
    """Job rows (by column name) that carry `items` `per_job` at a time: a job of one item keeps the one-item
    payload ({one_key: item}, or the item itself without a key), a job of several carries them as
    {many_key: [...]}. One row, one claim and one completion per batch, not per item: at the pipeline's rates
    the jobs table's rows (each inserted, claimed and completed, every index updated each time) cost more than
    the messages' own."""
    rows = []
    for start in range(0, len(items), per_job):
        chunk = items[start : start + per_job]
        if len(chunk) > 1:
            payload = {many_key: chunk}
        else:
            payload = chunk[0] if one_key is None else {one_key: chunk[0]}
        rows.append(job_row(now, kind, payload, delay_seconds=delay_seconds, max_attempts=max_attempts))
    return rows


def items_of(payload: dict[str, Any], one_key: str | None, many_key: str) -> list:
    """The items a job carries (`batched`): its list of several, or its one."""
    many = payload.get(many_key)
    if many is not None:
        return list(many)
    return [payload if one_key is None else payload[one_key]]


def retry_row(job: ClaimedJob, payload: dict[str, Any], error: str, now: datetime) -> dict:
    """The row of a job of its own for one item of a batched `job` that failed while the others succeeded (the
    batch is completed in the same transaction): it keeps the batch's attempts, so the item is retried with the
    backoff and dies after the attempts JobQueue.fail would give it alone."""
    dead = job.attempts >= job.max_attempts
    return {
        "kind": job.kind,
        "payload": payload,
        "status": DEAD if dead else PENDING,
        "run_at": now if dead else now + timedelta(seconds=backoff_seconds(job.attempts)),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "last_error": error[:2000],
        "created_at": now,
        "updated_at": now,
    }


def backoff_seconds(attempt: int) -> float:
    """Full jitter over a capped exponential: spreads retries so a recovering receiver is not stampeded."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** max(0, attempt - 1)))
    return random.uniform(ceiling / 2, ceiling)


class JobQueue:
    def __init__(self, db: Database, clock: Clock, lease_seconds: float = 30.0):
        self.db = db
        self.clock = clock
        self.lease_seconds = lease_seconds
        self._wakeups: list[asyncio.Event] = []  # one per worker of this process (subscribe)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        # Cross-process wake-ups (PostgreSQL LISTEN/NOTIFY), when the deployment has several processes.
        self.remote = PgWakeups(db.url) if not db.is_sqlite else None
        self._claim_statements: dict[tuple, Any] = {}
        self._expired_checked_at: datetime | None = None  # PostgreSQL: the last claim that looked for expired leases

    def subscribe(self) -> asyncio.Event:
        """A wake-up event of one's own: two workers sharing one event would clear each other's hints."""
        event = asyncio.Event()
        self._wakeups.append(event)
        return event

    def wake_local(self) -> None:
        for event in self._wakeups:
            event.set()

    def notify(self) -> None:
        """A hint that new work exists; safe to call from request handlers after commit. Wakes this
        process's workers and, on PostgreSQL, every other process's (NOTIFY)."""
        self.wake_local()
        if self.remote is not None:
            self.remote.poke()

    def notify_later(self, delay_seconds: float) -> None:
        """A hint that a job enqueued with a delay falls due then, so the worker does not sleep past it.
        Only a hint: a lost one (a restart) costs at most one poll interval."""
        asyncio.get_running_loop().call_later(max(0.0, delay_seconds), self.notify)

    def listen(self) -> None:
        """Wake this process's workers on other processes' notifications (PostgreSQL; no-op on SQLite,
        whose writers all live in one process)."""
        if self.remote is not None:
            self.remote.listen(self.wake_local)

    async def close(self) -> None:
        if self.remote is not None:
            await self.remote.close()

    async def claim(
        self, limit: int, *, kinds: frozenset[str] | None = None, exclude_kinds: frozenset[str] | None = None
    ) -> list:
        """Lease up to `limit` due jobs (optionally only of `kinds`, or none of `exclude_kinds`), as
        ClaimedJobs.

        Two statements, not one with an OR: expired leases first (few rows: only running jobs are
        looked at; on PostgreSQL at most once per EXPIRED_CHECK_SECONDS, on SQLite when a probe saw one),
        then pending jobs in `run_at` order straight off the (status, run_at, kind) index, which stops
        after `limit`. Under one OR both databases gathered every due job and sorted them:
        with a backlog of 20,000 callbacks a claim cost 8 ms of SQLite time, inside the write lock."""
        now = self.clock.now()
        values = {"b_now": now, "b_lease": now + timedelta(seconds=self.lease_seconds)}
        pending = expired = True
        if self.db.is_sqlite:
            pending, expired = await self._any_due(now, kinds, exclude_kinds)
            if not (pending or expired):
                return []
        else:
            checked = self._expired_checked_at
            expired = checked is None or not checked <= now < checked + timedelta(seconds=EXPIRED_CHECK_SECONDS)
        async with self.db.write() as session:
            dialect = session.bind.dialect.name
            rows: list = []
            if expired:  # on SQLite, only when the probe saw an expired lease: one statement less per claim
                rows += (
                    await session.execute(
                        self._claim_statement(dialect, True, kinds, exclude_kinds), {**values, "b_limit": limit}
                    )
                ).all()
                if not self.db.is_sqlite and len(rows) < limit:  # a full batch of them: look again next claim
                    self._expired_checked_at = now
            if pending and len(rows) < limit:
                rows += (
                    await session.execute(
                        self._claim_statement(dialect, False, kinds, exclude_kinds),
                        {**values, "b_limit": limit - len(rows)},
                    )
                ).all()
        # Payloads are decoded here, after the transaction: on SQLite it holds the one write lock.
        return [ClaimedJob(r.id, r.kind, json.loads(r.payload), RUNNING, r.attempts, r.max_attempts) for r in rows]

    async def _any_due(
        self, now: datetime, kinds: frozenset[str] | None, exclude_kinds: frozenset[str] | None
    ) -> tuple[bool, bool]:
        """Whether a claim would find anything (pending jobs due, expired leases), asked in a read transaction. On SQLite a claim takes the one
        write lock of every process on the file, and half the claims of a pipeline run found nothing (polls
        while idle or between batches): 369 of 724 in bench/pipeline.py's roles layout. A read beside the writers
        costs no lock. A job committed just after this read waits for the next poll or wake-up, as one
        committed just after an empty claim would."""
        key = ("due?", kinds, exclude_kinds)
        if key not in self._claim_statements:
            self._claim_statements[key] = self._build_due_probe(kinds, exclude_kinds)
        async with self.db.quick_read() as session:
            pending, expired = (await session.execute(self._claim_statements[key], {"b_now": now})).one()
        return bool(pending), bool(expired)

    @staticmethod
    def _build_due_probe(kinds, exclude_kinds):
        c = JOBS.c
        now = bindparam("b_now")

        def of_kinds(condition):
            if kinds:
                condition = and_(condition, c.kind.in_(sorted(kinds)))
            if exclude_kinds:
                condition = and_(condition, c.kind.not_in(sorted(exclude_kinds)))
            return select(c.id).where(condition).exists()

        pending = of_kinds(and_(c.status == PENDING, c.run_at <= now))
        expired = of_kinds(and_(c.status == RUNNING, c.lease_until < now))
        return select(pending, expired)  # which of the claim's two statements can find anything

    def _claim_statement(
        self, dialect: str, expired: bool, kinds: frozenset[str] | None, exclude_kinds: frozenset[str] | None
    ):
        """Built once per shape and kept: building the statement cost as much as SQLite running it."""
        key = (dialect, expired, kinds, exclude_kinds)
        if key not in self._claim_statements:
            self._claim_statements[key] = self._build_claim(dialect, expired, kinds, exclude_kinds)
        return self._claim_statements[key]

    def _build_claim(self, dialect: str, expired: bool, kinds, exclude_kinds):
        c = JOBS.c
        now = bindparam("b_now")
        due = and_(c.status == RUNNING, c.lease_until < now) if expired else and_(c.status == PENDING, c.run_at <= now)
        if kinds:
            due = and_(due, c.kind.in_(sorted(kinds)))
        if exclude_kinds:
            due = and_(due, c.kind.not_in(sorted(exclude_kinds)))
        candidates = select(c.id).where(due)
        if not expired:
            candidates = candidates.order_by(c.run_at)
        candidates = candidates.limit(bindparam("b_limit")).with_for_update(skip_locked=True)
        if dialect == "postgresql":
            # Materialized: as a plain IN subquery PostgreSQL may run it again per outer row, and a rerun
            # no longer sees the rows this statement just leased, so it leased more than `limit`.
            claimable = candidates.cte("claimable").prefix_with("MATERIALIZED")
            chosen = and_(c.id.in_(select(claimable.c.id)), due)
        else:
            # No re-check of `due` on SQLite (the statement runs under its one write lock): with one, its
            # planner drives the UPDATE from the index range of every due job and tests each against the
            # chosen ids, 4x the time with 10,000 pending.
            chosen = c.id.in_(candidates.scalar_subquery())
        return (
            update(JOBS)
            .where(chosen)
            .values(
                status=RUNNING,
                attempts=c.attempts + 1,
                locked_by=self.worker_id,
                lease_until=bindparam("b_lease"),
                updated_at=now,
            )
            .returning(c.id, c.kind, cast(c.payload, Text).label("payload"), c.attempts, c.max_attempts)
        )

    async def extend_leases(self, job_ids: list[int]) -> None:
        """Renew this process's leases on `job_ids`, still running: their handler is still at work (Worker keeps
        the leases of what it runs, so a long batch is not taken for a dead worker's and run twice)."""
        if job_ids:
            now = self.clock.now()
            async with self.db.write() as session:
                await session.execute(
                    EXTEND,
                    {
                        "b_ids": job_ids,
                        "b_worker": self.worker_id,
                        "b_lease": now + timedelta(seconds=self.lease_seconds),
                    },
                )

    async def release_running(self, kinds: frozenset[str]) -> int:
        """Make every running job of `kinds` claimable now, whoever holds its lease. Only for kinds that a
        single holder runs (carrier submits under the bind lease): a new holder takes over the dead one's
        jobs at once instead of after their leases expire. Returns how many were released."""
        now = self.clock.now()
        async with self.db.write() as session:
            result = await session.execute(
                update(Job)
                .where(Job.status == RUNNING, Job.kind.in_(sorted(kinds)))
                .values(status=PENDING, lease_until=None, run_at=now, locked_by=None, updated_at=now)
            )
        return result.rowcount or 0

    async def prune_done(self, older_than: timedelta, batch: int = 5_000) -> int:
        """Delete done jobs finished more than `older_than` ago, in batches (each its own short transaction,
        so the writer is never held long). Dead and pending jobs are never touched. Returns how many went."""
        cutoff = self.clock.now() - older_than
        removed = 0
        while True:
            # run_at <= updated_at for a done job, so the (status, run_at) index narrows the range.
            oldest = (
                select(Job.id)
                .where(Job.status == DONE, Job.run_at < cutoff, Job.updated_at < cutoff)
                .order_by(Job.run_at)
                .limit(batch)
            )
            async with self.db.write() as session:
                result = await session.execute(
                    delete(Job).where(Job.id.in_(oldest.scalar_subquery())).execution_options(synchronize_session=False)
                )
            removed += result.rowcount or 0
            if (result.rowcount or 0) < batch:
                return removed

    async def complete(self, session: AsyncSession, job: ClaimedJob) -> None:
        await self.complete_many(session, [job])

    async def complete_many(self, session: AsyncSession, jobs: list[ClaimedJob]) -> None:
        if jobs:
            await session.execute(
                COMPLETE, {"b_ids": [j.id for j in jobs], "b_worker": self.worker_id, "b_now": self.clock.now()}
            )

    async def fail(
        self, job: ClaimedJob, error: str, delay_seconds: float | None = None, count_attempt: bool = True
    ) -> None:
        now = self.clock.now()
        attempts = job.attempts if count_attempt else job.attempts - 1
        if count_attempt and attempts >= job.max_attempts:
            values = {"status": DEAD, "last_error": error[:2000], "lease_until": None, "updated_at": now}
        else:
            delay = backoff_seconds(attempts) if delay_seconds is None else delay_seconds
            values = {
                "status": PENDING,
                "attempts": attempts,
                "last_error": error[:2000],
                "lease_until": None,
                "run_at": now + timedelta(seconds=delay),
                "updated_at": now,
            }
        async with self.db.write() as session:
            await session.execute(update(JOBS).where(JOBS.c.id == job.id).values(**values))


async def list_jobs(
    session: AsyncSession, *, status: str | None = None, kind: str | None = None, limit: int = 50
) -> list[Job]:
    stmt = select(Job)
    if status:
        stmt = stmt.where(Job.status == status)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    result = await session.execute(stmt.order_by(Job.updated_at.desc(), Job.id.desc()).limit(limit))
    return list(result.scalars().all())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    from sqlalchemy import func

    rows = await session.execute(select(Job.status, func.count()).group_by(Job.status))
    return {status: int(n) for status, n in rows.all()}


async def redrive(
    session: AsyncSession, now: datetime, *, job_ids: list[int] | None = None, all_dead: bool = False
) -> int:
    """Give dead jobs a fresh set of attempts, due now. Only dead jobs move; returns how many did."""
    stmt = update(Job).where(Job.status == DEAD)
    if job_ids:
        stmt = stmt.where(Job.id.in_(job_ids))
    elif not all_dead:
        return 0
    result = await session.execute(
        stmt.values(status=PENDING, attempts=0, run_at=now, lease_until=None, locked_by=None, updated_at=now)
    )
    return result.rowcount or 0
