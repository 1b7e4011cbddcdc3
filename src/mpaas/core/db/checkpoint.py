"""WAL checkpoints of a SQLite file from a thread of their own, not inside a writer's commit.

By default SQLite checkpoints in the commit that takes the WAL past 1,000 pages: that commit copies the
pages into the database file and syncs it while its transaction still holds the write lock (and, across
processes, the writers' file lock, core/db/writelock.py), so every other writer waits through the copy and
the fsync. Measured with bench/pipeline.py --layout roles, three alternating pairs with and without
automatic checkpoints: 998/978/1,072 against 1,174/1,213/1,163 msg/s end to end, 13.1 against 11.6 s of
server CPU. So the write engine turns automatic checkpoints off (core/db/database.py) and this thread runs a
PASSIVE checkpoint every `interval` seconds on its own connection: it copies what no reader still needs,
never blocks a writer, and SQLite's C code runs without the GIL, so it takes little from the event loop.

Every process on the file runs one; a checkpoint that finds another in progress just returns busy. A
process that writes but runs no checkpointer (an older mpaas) still checkpoints in its own commits.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("mpaas.db")

CHECKPOINT_INTERVAL_SECONDS = 10.0


class WalCheckpointer:
    def __init__(self, path: str, interval: float = CHECKPOINT_INTERVAL_SECONDS):
        self.path = path
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mpaas-wal-checkpoint", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=1000")
            while not self._stop.wait(self.interval):
                self.checkpoint(connection)
            self.checkpoint(connection)  # what the last writes left, on the way out
        finally:
            connection.close()

    def checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # a locked or vanished file: the next round tries again
            log.debug("WAL checkpoint of %s failed: %s", self.path, exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
