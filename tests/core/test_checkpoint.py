"""The WAL is checkpointed by the checkpointer thread, never inside a writer's commit."""

from __future__ import annotations

import asyncio
import sqlite3

from sqlalchemy import text

from mpaas.core.db.database import Database


def _rows_in_the_database_file(path) -> int:
    """What a reader that ignores the WAL sees: only what a checkpoint has copied into the file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM t").fetchone()[0]
    except sqlite3.OperationalError:  # not even the table has reached the file yet
        return 0
    finally:
        connection.close()


async def test_commits_leave_the_wal_alone_and_the_thread_checkpoints_it(tmp_path):
    path = tmp_path / "mpaas.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    db._checkpointer.interval = 3600.0  # no round of its own during the writes
    try:
        async with db.write() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)"))
        async with db.write() as session:
            assert (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 0
        for _ in range(30):  # well past SQLite's default of a checkpoint every 1,000 pages
            async with db.write() as session:
                await session.execute(text("INSERT INTO t (pad) VALUES (:pad)"), [{"pad": "x" * 4000}] * 50)
        assert _rows_in_the_database_file(path) == 0  # still all in the WAL
        await db.dispose()  # the thread checkpoints what is left on its way out
        assert _rows_in_the_database_file(path) == 1500
    finally:
        await db.dispose()


async def test_the_thread_checkpoints_every_interval(tmp_path):
    path = tmp_path / "mpaas.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    db._checkpointer.interval = 0.05
    try:
        async with db.write() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)"))
            await session.execute(text("INSERT INTO t (pad) VALUES ('x')"))
        for _ in range(100):
            if _rows_in_the_database_file(path) == 1:
                break
            await asyncio.sleep(0.05)
        assert _rows_in_the_database_file(path) == 1
    finally:
        await db.dispose()
