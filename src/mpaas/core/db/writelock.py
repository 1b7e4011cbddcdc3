"""A cross-process queue for SQLite writers: `flock` on a file beside the database.

SQLite lets one writer in at a time; a writer that finds the lock taken waits in SQLite's busy handler,
which sleeps and retries (1, 2, 5, 10 ... 100 ms). With several processes on one file (`mpaas api`,
`worker` and `gateway` on SQLite) writers keep missing each other's short transactions and sleep through
most of the time: in bench/pipeline.py the API process sat at 0.29 of a core and accepted 329 msg/s. A
process blocked in `flock` instead wakes as soon as the holder lets go.

This is an optimization, not the lock: BEGIN IMMEDIATE still is. A process that does not take the file
lock (the sqlite3 shell, an older mpaas) is still serialized by SQLite, through its busy handler."""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path


class FileWriteLock:
    """One per process and database; the caller serializes this process's own writers (Database's
    asyncio lock), so at most one coroutine per process holds or waits for the file lock."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def _descriptor(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        return self._fd

    async def acquire(self) -> None:
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # uncontended: no thread hop
            return
        except BlockingIOError:
            pass
        waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            # The thread may still get the lock after we gave up: wait for it, then let go, so the next
            # writer of this process does not believe it holds a lock that this thread then releases.
            while not waiting.done():
                try:
                    await asyncio.shield(waiting)
                except asyncio.CancelledError:
                    continue
            if waiting.exception() is None:
                self.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
