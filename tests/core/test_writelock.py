"""The SQLite writers' file lock: one holder across processes, a waiter wakes on release, and a waiter
that is cancelled never leaves the lock held."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from mpaas.core.db.database import Database
from mpaas.core.db.writelock import FileWriteLock

pytestmark = pytest.mark.process


def _holder(path, seconds: float) -> subprocess.Popen:
    """Another process that holds the lock for `seconds`, then exits."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, os, sys, time\n"
                f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\n"
                f"time.sleep({seconds})\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


async def test_a_waiter_gets_the_lock_when_another_process_lets_go(tmp_path):
    path = tmp_path / "db.write-lock"
    holder = _holder(path, 0.5)
    lock = FileWriteLock(path)
    started = time.monotonic()
    await lock.acquire()  # blocks (off the event loop) until the holder exits
    waited = time.monotonic() - started
    lock.release()
    lock.close()
    holder.wait()
    assert waited >= 0.3


async def test_the_event_loop_runs_while_waiting(tmp_path):
    path = tmp_path / "db.write-lock"
    holder = _holder(path, 0.5)
    lock = FileWriteLock(path)
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    await lock.acquire()
    task.cancel()
    lock.release()
    lock.close()
    holder.wait()
    assert ticks > 10


async def test_a_cancelled_waiter_does_not_keep_the_lock(tmp_path):
    path = tmp_path / "db.write-lock"
    holder = _holder(path, 0.3)
    lock = FileWriteLock(path)
    waiter = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0.05)
    waiter.cancel()
    try:
        await waiter
    except asyncio.CancelledError:
        pass
    holder.wait()
    # Whatever the thread got after the cancel was let go: another process can take the lock now.
    probe = _holder(path, 0)
    probe.wait()
    lock.close()


async def test_database_writes_take_the_file_lock(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'mpaas.db'}"
    db = Database(url)
    holder = _holder(tmp_path / "mpaas.db.write-lock", 0.4)
    from sqlalchemy import text

    started = time.monotonic()
    async with db.write() as session:
        await session.execute(text("CREATE TABLE t (a INTEGER)"))
    assert time.monotonic() - started >= 0.25  # it queued behind the other process
    holder.wait()
    await db.dispose()
