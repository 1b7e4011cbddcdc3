"""PostgreSQL LISTEN/NOTIFY wakes the workers of another process: one queue's notify() sets the wake-up
event of a queue built on a separate connection pool (standing in for another process) within moments,
long before any poll would."""

from __future__ import annotations

import asyncio
import os

import pytest

from mpaas.core.clock import SystemClock
from mpaas.core.db.database import Database
from mpaas.core.jobs.queue import JobQueue


@pytest.fixture
def pg_url():
    url = os.environ.get("MPAAS_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; runs in .ci/run's PostgreSQL pass")
    return url


async def test_notify_in_one_process_wakes_a_listener_in_another(pg_url):
    sender_db, listener_db = Database(pg_url), Database(pg_url)
    sender, listener = JobQueue(sender_db, SystemClock()), JobQueue(listener_db, SystemClock())
    woken = listener.subscribe()
    try:
        listener.listen()
        await asyncio.wait_for(woken.wait(), 5)  # the listener wakes once on (re)connecting
        woken.clear()
        sender.notify()
        await asyncio.wait_for(woken.wait(), 5)
        # Bursts collapse: many pokes while one NOTIFY is in flight send at most one more.
        woken.clear()
        for _ in range(50):
            sender.notify()
        await asyncio.wait_for(woken.wait(), 5)
    finally:
        await sender.close()
        await listener.close()
        await sender_db.dispose()
        await listener_db.dispose()


def test_sqlite_needs_no_cross_process_wakeups(tmp_path):
    queue = JobQueue(Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"), SystemClock())
    assert queue.remote is None
