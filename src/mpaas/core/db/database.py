"""Database access: engines, sessions and the unit of work.

On SQLite two engines share the file: writes open with BEGIN IMMEDIATE (they take the write lock up
front, so two writers never deadlock upgrading a read lock), reads with a plain BEGIN so they run
beside writers under WAL. On PostgreSQL both are the same engine. Services never commit; `write()`
and `read()` are the one place a transaction begins and ends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from mpaas.core.db.checkpoint import WalCheckpointer
from mpaas.core.db.sqlite_driver import inline_url, one_hop_url
from mpaas.core.db.writelock import FileWriteLock

SQLITE_BUSY_TIMEOUT_MS = 30_000

# A pooled PostgreSQL connection is pinged before use only when it sat in the pool this long (HikariCP's rule, whose
# bypass window is 500 ms). SQLAlchemy's pool_pre_ping pings on every checkout: with psycopg that is a `SELECT 1` in
# autocommit, one more round trip and one more PostgreSQL transaction in every transaction of ours (a quarter of the
# pipeline's PostgreSQL transactions per message, bench/pipeline.py --matrix). A connection in use a moment ago is
# alive; one PostgreSQL dropped within the window fails its statement, and the pool then replaces every connection
# of that age (SQLAlchemy invalidates the pool on a disconnect), as it would without a ping.
PING_AFTER_IDLE_SECONDS = 1.0
_IDLE_SINCE = "mpaas.idle_since"  # a pooled connection's record.info: when it was last returned to the pool


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a connection on checkout when it was idle `idle_seconds` or more; a dead one is replaced (the pool
    retries the checkout on DisconnectionError with a new connection). A fresh connection is not pinged."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise sa_exc.DisconnectionError(f"connection idle {idle_seconds}s+ failed its ping: {error!r}") from error


def _sqlite_engine(
    url: str, *, immediate: bool, inline: bool, pool_size: int, own_checkpoints: bool = False
) -> AsyncEngine:
    """`immediate`: transactions take the write lock at BEGIN. `inline`: statements run on the event loop's
    thread, not their connection's (core/db/sqlite_driver.py). `own_checkpoints`: this engine's commits never
    checkpoint the WAL (a WalCheckpointer does)."""
    driver_url = inline_url(url) if inline else one_hop_url(url)
    engine = create_async_engine(driver_url, pool_size=pool_size, max_overflow=0, pool_timeout=60)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if own_checkpoints:  # not inside a writer's commit, under the lock: core/db/checkpoint.py
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):
        # Straight to the driver's cursor: exec_driver_sql runs a whole SQLAlchemy statement (execution
        # context, events, result) for it. One rough reading, with tests running beside it: a quick read
        # transaction of `SELECT 1` took 600 us of the loop's CPU before and 510 us after.
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(begin)
        finally:
            cursor.close()

    return engine


class Database:
    def __init__(self, url: str, pool_size: int = 10):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        database_file = _database_file(url) if self.is_sqlite else None
        if self.is_sqlite:
            # Writes run on the event loop's thread; reads on their connection's thread, except quick ones.
            self.write_engine = _sqlite_engine(
                url, immediate=True, inline=True, pool_size=4, own_checkpoints=database_file is not None
            )
            self.read_engine = _sqlite_engine(url, immediate=False, inline=False, pool_size=8)
            self.quick_read_engine = _sqlite_engine(url, immediate=False, inline=True, pool_size=4)
        else:
            self.write_engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)
            _ping_when_idle(self.write_engine, PING_AFTER_IDLE_SECONDS)
            self.read_engine = self.quick_read_engine = self.write_engine
        # SQLite has one writer at a time. Waiting for it inside SQLite's busy handler means sleeping and
        # retrying (tails of a second under load); an asyncio lock queues this process's writers in order
        # instead. Other processes (the CLI) still meet the busy timeout.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        # ... and a file lock queues the writers of other processes on the same file (core/db/writelock.py).
        self._file_lock = FileWriteLock(Path(f"{database_file}.write-lock")) if database_file else None
        # ... and the WAL is checkpointed by a thread of this process, not in a writer's commit.
        self._checkpointer = WalCheckpointer(database_file) if database_file else None
        # Every session knows its Database (session.info["database"]): a hot read deep in a call chain that was
        # handed only the session can take the driver's path (core/db/keyreads.py) without a new parameter.
        info = {"database": self}
        self._write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False, info=info)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False, info=info)
        self._quick_read_sessions = async_sessionmaker(self.quick_read_engine, expire_on_commit=False, info=info)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction that may write; commits on success, rolls back on any exception.
        Not re-entrant: never open a write inside another."""
        if self._write_lock is None:
            async with self._write_sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock:
            if self._file_lock is None:
                async with self._write_sessions() as session, session.begin():
                    yield session
                return
            if self._checkpointer is not None:
                self._checkpointer.start()  # on the first write: a process that only reads needs none
            await self._file_lock.acquire()
            try:
                async with self._write_sessions() as session, session.begin():
                    yield session
            finally:
                self._file_lock.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def quick_read(self) -> AsyncIterator[AsyncSession]:
        """A read of a few rows by key, for the hot paths (a send's checks, a claim's probe, a batch's
        lookups). On SQLite its statements run on the event loop's thread: through a connection's thread
        each statement, the BEGIN and the end of the transaction is a hop there and back, and on a machine
        of this project's kind a hop costs 100-250 us of CPU when the two threads are on different cores
        (docs/deploy.md), several times what a short read costs SQLite. A read that may scan (searches,
        lists, reports) uses `read()`, which keeps the loop free while it runs."""
        async with self._quick_read_sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        # deferred: keyreads and pgdriver import this module (their connections are kept per Database)
        from mpaas.core.db import keyreads, pgdriver

        pgdriver.close(self)
        keyreads.close(self)
        if self._checkpointer is not None:
            await asyncio.to_thread(self._checkpointer.stop)
        if self._file_lock is not None:
            self._file_lock.close()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
            await self.quick_read_engine.dispose()


def _database_file(url: str) -> str | None:
    """The SQLite file of `url`; None for memory databases and `file:` URIs."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def sync_url(url: str) -> str:
    """The URL Alembic uses (it runs synchronously, before the server starts)."""
    return url.replace("sqlite+aiosqlite", "sqlite")
