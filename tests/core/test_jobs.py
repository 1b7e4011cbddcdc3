"""Durable jobs: claim with a lease, reclaim after expiry, retry with backoff, dead after the last attempt."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mpaas.core.clock import FrozenClock, SystemClock
from mpaas.core.jobs.queue import (
    ClaimedJob,
    JobQueue,
    backoff_seconds,
    batched,
    enqueue,
    insert_jobs,
    items_of,
    retry_row,
)
from mpaas.core.jobs.worker import Worker
from mpaas.models.jobs import DEAD, DONE, PENDING, RUNNING, Job


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
async def queue(platform, clock):
    await platform.start()
    yield JobQueue(platform.db, clock, lease_seconds=30)
    await platform.close()


async def _add(queue, **kwargs) -> int:
    async with queue.db.write() as session:
        job = enqueue(session, queue.clock.now(), "test.kind", {"n": 1}, **kwargs)
        await session.flush()
        return job.id


async def _job(queue, job_id) -> Job:
    async with queue.db.read() as session:
        return (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()


async def test_claim_leases_once(queue):
    job_id = await _add(queue)
    first = await queue.claim(10)
    assert [j.id for j in first] == [job_id]
    assert first[0].status == RUNNING and first[0].attempts == 1
    assert await queue.claim(10) == []


async def test_expired_lease_is_reclaimed(queue, clock):
    job_id = await _add(queue)
    await queue.claim(10)
    clock.advance(seconds=31)  # the worker that held it died
    again = await queue.claim(10)
    assert [j.id for j in again] == [job_id]
    assert again[0].attempts == 2


async def test_claim_takes_expired_leases_first_then_the_oldest_pending_up_to_the_limit(queue, clock):
    stale = await _add(queue)
    await queue.claim(10)
    clock.advance(seconds=31)  # stale's lease has expired
    newer = await _add(queue, delay_seconds=-2)
    newest = await _add(queue)
    oldest = await _add(queue, delay_seconds=-5)
    assert {j.id for j in await queue.claim(3)} == {stale, oldest, newer}  # RETURNING has no order
    assert [j.id for j in await queue.claim(3)] == [newest]


async def test_claim_by_kind_and_by_excluded_kind(queue):
    async with queue.db.write() as session:
        submit = enqueue(session, queue.clock.now(), "carrier.submit", {})
        callback = enqueue(session, queue.clock.now(), "webhook.deliver", {})
        await session.flush()
        submit_id, callback_id = submit.id, callback.id
    assert [j.id for j in await queue.claim(10, exclude_kinds=frozenset({"carrier.submit"}))] == [callback_id]
    assert [j.id for j in await queue.claim(10, kinds=frozenset({"webhook.deliver"}))] == []
    assert [j.id for j in await queue.claim(10, kinds=frozenset({"carrier.submit"}))] == [submit_id]


async def test_a_claim_on_sqlite_updates_its_rows_by_key_not_by_scanning_every_due_job(queue, clock):
    """With the due condition on the UPDATE itself, SQLite drove it from the index range of all due jobs
    (4x slower at 10,000 pending); the statement must find the chosen rows by primary key."""
    from sqlalchemy import event

    if not queue.db.is_sqlite:
        pytest.skip("SQLite's planner")
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE jobs"):
            statements.append((statement, parameters))

    await _add(queue)
    await queue.claim(10)
    clock.advance(seconds=31)  # an expired lease and a pending job: the claim runs both of its UPDATEs
    await _add(queue)
    event.listen(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)
    try:
        await queue.claim(10, exclude_kinds=frozenset({"carrier.submit"}))
    finally:
        event.remove(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)
    assert len(statements) == 2  # expired leases, then pending
    async with queue.db.read() as session:
        for statement, parameters in statements:
            raw = await session.connection()
            plan = (await raw.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
            steps = [row[-1] for row in plan]
            assert steps[0].startswith("SEARCH jobs USING INTEGER PRIMARY KEY"), steps
            assert not any(step.startswith("SCAN jobs") for step in steps), steps


async def test_a_claim_that_would_find_nothing_on_sqlite_takes_no_write_lock(queue, clock):
    """Half the claims of a pipeline run found nothing, each holding the write lock every process on the
    file shares; a read first tells. It must still see pending work of the right kinds, and expired leases."""
    from sqlalchemy import event

    if not queue.db.is_sqlite:
        pytest.skip("PostgreSQL's claims do not serialize writers")
    writes = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        writes.append(statement)

    event.listen(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)
    try:
        await _add(queue, delay_seconds=5)  # not due yet
        writes.clear()
        assert await queue.claim(10) == []
        assert await queue.claim(10, kinds=frozenset({"other.kind"})) == []
        assert writes == []  # not even BEGIN IMMEDIATE
        clock.advance(seconds=5)
        [job] = await queue.claim(10, exclude_kinds=frozenset({"other.kind"}))
        assert await queue.claim(10) == []
        clock.advance(seconds=31)  # its lease expired: the probe sees running jobs too
        assert [j.id for j in await queue.claim(10)] == [job.id]
    finally:
        event.remove(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)
    async with queue.db.read() as session:
        probe = queue._claim_statements[("due?", None, None)].compile(queue.db.read_engine.sync_engine)
        raw = await session.connection()
        values = probe.construct_params({"b_now": clock.now().isoformat()})
        plan = (
            await raw.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(probe), tuple(values[name] for name in probe.positiontup)
            )
        ).all()
        steps = [row[-1] for row in plan]
        assert not any(step.startswith("SCAN jobs") for step in steps), steps  # off the status index


async def test_a_claim_on_sqlite_looks_for_expired_leases_only_when_the_probe_saw_one(queue, clock):
    """The probe says which of the claim's two statements can find anything: with no lease expired, a claim
    is one UPDATE (the pending jobs'), and an expired lease is still taken back."""
    from sqlalchemy import event

    if not queue.db.is_sqlite:
        pytest.skip("PostgreSQL claims without a probe")
    updates = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE JOBS"):
            updates.append(statement)

    await _add(queue)
    event.listen(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)
    try:
        [job] = await queue.claim(10)
        assert len(updates) == 1 and "run_at" in updates[0]
        updates.clear()
        clock.advance(seconds=31)  # its lease expired
        assert [j.id for j in await queue.claim(10)] == [job.id]
        assert len(updates) == 1 and "lease_until <" in updates[0]  # no pending job: the expired leases' alone
    finally:
        event.remove(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)


async def test_a_claim_on_postgresql_looks_for_expired_leases_once_per_check_interval(queue, clock):
    """A lease expires only when its holder died or stalled, so PostgreSQL's claims look for expired ones at most
    once per EXPIRED_CHECK_SECONDS of the queue's clock: the claims between are one UPDATE (the pending jobs'). An
    expired lease is still taken back, and a claim that filled its batch with expired leases looks again."""
    from sqlalchemy import event

    from mpaas.core.jobs.queue import EXPIRED_CHECK_SECONDS

    if queue.db.is_sqlite:
        pytest.skip("SQLite's claims ask a probe first")
    updates = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "UPDATE JOBS" in statement.upper():
            updates.append("expired" if "lease_until <" in statement else "pending")

    first, second = await _add(queue), await _add(queue)
    event.listen(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)
    try:
        assert {j.id for j in await queue.claim(10)} == {first, second}
        assert updates == ["expired", "pending"]  # the first claim looks
        updates.clear()
        assert await queue.claim(10) == []
        assert updates == ["pending"]  # within the interval: not again
        updates.clear()
        clock.advance(seconds=31)  # both leases expired
        assert len(await queue.claim(1)) == 1
        assert updates == ["expired"]  # a full batch of expired leases ...
        updates.clear()
        assert len(await queue.claim(1)) == 1
        assert updates == ["expired"]  # ... so the next claim looks again, and takes the other one
        updates.clear()
        assert await queue.claim(10) == []
        assert updates == ["expired", "pending"]  # the last look found fewer than its limit: it counts
        updates.clear()
        assert await queue.claim(10) == []
        assert updates == ["pending"]
        updates.clear()
        clock.advance(seconds=EXPIRED_CHECK_SECONDS)
        assert await queue.claim(10) == []
        assert updates == ["expired", "pending"]
    finally:
        event.remove(queue.db.write_engine.sync_engine, "before_cursor_execute", capture)


async def test_delayed_job_waits(queue, clock):
    await _add(queue, delay_seconds=5)
    assert await queue.claim(10) == []
    clock.advance(seconds=5)
    assert len(await queue.claim(10)) == 1


async def test_fail_retries_then_dies(queue, clock):
    job_id = await _add(queue, max_attempts=2)
    [job] = await queue.claim(10)
    await queue.fail(job, "boom")
    row = await _job(queue, job_id)
    assert row.status == PENDING and row.last_error == "boom" and row.run_at > clock.now()
    clock.advance(seconds=600)
    [job] = await queue.claim(10)
    await queue.fail(job, "boom again")
    assert (await _job(queue, job_id)).status == DEAD


async def test_complete(queue):
    job_id = await _add(queue)
    [job] = await queue.claim(10)
    async with queue.db.write() as session:
        await queue.complete(session, job)
    assert (await _job(queue, job_id)).status == DONE


def test_backoff_is_capped_and_jittered():
    assert 0.5 <= backoff_seconds(1) <= 1.0
    assert 4.0 <= backoff_seconds(4) <= 8.0
    assert all(150 <= backoff_seconds(30) <= 300 for _ in range(20))


async def test_prune_removes_only_done_jobs_past_retention(queue, clock):
    from datetime import timedelta

    from sqlalchemy import update

    old_done, recent_done, old_dead, old_pending = [await _add(queue) for _ in range(4)]
    async with queue.db.write() as session:
        for job_id, status in ((old_done, DONE), (recent_done, DONE), (old_dead, DEAD)):
            await session.execute(update(Job).where(Job.id == job_id).values(status=status))
    clock.advance(hours=80)
    async with queue.db.write() as session:  # this one finished just now
        await session.execute(update(Job).where(Job.id == recent_done).values(updated_at=clock.now()))
    assert await queue.prune_done(timedelta(hours=72), batch=1) == 1
    async with queue.db.read() as session:
        left = set((await session.execute(select(Job.id))).scalars().all())
    assert left == {recent_done, old_dead, old_pending}


async def test_a_woken_worker_lingers_so_work_that_trickles_in_goes_in_one_batch(queue):
    """Woken by a hint, the worker waits `linger_seconds` before it claims: a second job enqueued meanwhile joins
    the first one's batch instead of costing a claim and a transaction of its own."""
    batches: list[list[int]] = []
    done = asyncio.Event()

    async def handler(jobs):
        batches.append([job.id for job in jobs])
        async with queue.db.write() as session:
            await queue.complete_many(session, jobs)
        if sum(len(b) for b in batches) == 2:
            done.set()
        return []

    worker = Worker(queue, {}, poll_seconds=60, batch_handlers={"test.kind": handler}, linger_seconds=1.0)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.2)  # the worker's first claim found nothing: it sleeps until woken
    first = await _add(queue)
    queue.notify()
    await asyncio.sleep(0.1)  # woken, and lingering
    second = await _add(queue)
    queue.notify()
    await asyncio.wait_for(done.wait(), 30)
    await worker.stop()
    task.cancel()
    assert batches == [[first, second]]


def test_batched_rows_carry_items_a_few_a_job_and_read_back_in_order(clock):
    now = clock.now()
    rows = batched("test.kind", "id", "ids", list("abcde"), now, 2, max_attempts=3, delay_seconds=5)
    assert [row["payload"] for row in rows] == [{"ids": ["a", "b"]}, {"ids": ["c", "d"]}, {"id": "e"}]
    assert [item for row in rows for item in items_of(row["payload"], "id", "ids")] == list("abcde")
    assert {(row["status"], row["attempts"], row["max_attempts"]) for row in rows} == {(PENDING, 0, 3)}
    assert rows[0]["run_at"] == now + timedelta(seconds=5)
    [alone] = batched("test.kind", None, "events", [{"event_id": "E1"}], now, 2)
    assert alone["payload"] == {"event_id": "E1"} and items_of(alone["payload"], None, "events") == [alone["payload"]]


def test_an_item_split_off_a_batched_job_keeps_its_attempts_and_dies_after_the_last(clock):
    now = clock.now()
    midway = ClaimedJob(1, "test.kind", {"ids": ["a", "b"]}, RUNNING, 2, 3)
    row = retry_row(midway, {"id": "a"}, "boom", now)
    assert (row["status"], row["attempts"], row["last_error"]) == (PENDING, 2, "boom")
    assert now + timedelta(seconds=1) <= row["run_at"] <= now + timedelta(seconds=2)  # backoff_seconds(2)
    last = ClaimedJob(1, "test.kind", {"ids": ["a", "b"]}, RUNNING, 3, 3)
    assert retry_row(last, {"id": "a"}, "boom", now)["status"] == DEAD


async def test_a_worker_counts_a_batched_job_for_its_items_against_its_concurrency(queue):
    """With concurrency 3 and jobs of two items each, one claim's batch fills the worker: it claims no more until
    that batch is done."""
    async with queue.db.write() as session:
        await insert_jobs(session, batched("test.kind", "n", "ns", [1, 2, 3, 4, 5, 6], queue.clock.now(), 2))
    release = asyncio.Event()
    batches: list[int] = []

    async def handler(jobs):
        batches.append(len(jobs))
        await release.wait()
        async with queue.db.write() as session:
            await queue.complete_many(session, jobs)
        return []

    worker = Worker(
        queue,
        {},
        poll_seconds=0.05,
        batch_size=2,
        concurrency=3,
        batch_handlers={"test.kind": handler},
        weigh=lambda job: len(job.payload.get("ns", ())) or 1,
    )
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.3)
    assert batches == [2]  # two jobs, four items: over the three it may run, so it waits
    release.set()
    await asyncio.sleep(0.3)
    await worker.stop()
    task.cancel()
    assert batches == [2, 1]


async def test_a_worker_keeps_the_lease_of_a_batch_that_outlasts_it(platform):
    """A batch that runs three leases long is not taken for a dead worker's: its lease is renewed while it runs, so
    a claim meanwhile (another worker's) finds nothing, and it runs once."""
    await platform.start()
    queue = JobQueue(platform.db, SystemClock(), lease_seconds=0.3)
    job_id = await _add(queue)
    started, runs = asyncio.Event(), []

    async def handler(jobs):
        runs.append([job.id for job in jobs])
        started.set()
        await asyncio.sleep(1.0)
        async with queue.db.write() as session:
            await queue.complete_many(session, jobs)
        return []

    worker = Worker(queue, {}, poll_seconds=0.05, batch_handlers={"test.kind": handler})
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(0.6)  # twice the lease
    assert await queue.claim(10) == []
    await asyncio.sleep(0.6)
    await worker.stop()
    task.cancel()
    assert runs == [[job_id]] and (await _job(queue, job_id)).status == DONE
    await platform.close()
