"""Short reads on PostgreSQL through psycopg connections of this module's own, in autocommit mode (issue 20).

The hottest reads (every request's principal, a send's number, the availability search: core/db/keyreads.py,
numbers/provisioning/search.py) are one statement each. Through the engine each one paid for SQLAlchemy's
checkout (a greenlet, the pool's pre-ping round trip), a BEGIN round trip, its execution machinery and a
ROLLBACK round trip on return: about 3 ms of the API process's CPU for the availability search's three reads,
many times what PostgreSQL spends on them. Here a statement is sent as it is, on an idle connection of a small
pool, in autocommit mode: one round trip, the statement its own read transaction (one snapshot, as a
one-statement transaction has), prepared by psycopg after a few uses.

A connection that fails (PostgreSQL restarted, an idle connection closed by the network) is dropped, and a
statement that met one is sent again once on a new connection, as the engine's pre-ping would have replaced
it before use; a statement cancelled halfway drops its connection. `Database.dispose` closes the pool.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import psycopg

    from mpaas.core.db.database import Database

POOL_SIZE = 4  # connections per process: these reads take well under a millisecond of the server each


class DriverPool:
    """Up to `size` autocommit psycopg connections to `conninfo`, opened on demand."""

    def __init__(self, conninfo: str, size: int = POOL_SIZE) -> None:
        self._conninfo = conninfo
        self._size = size
        self._idle: list[psycopg.AsyncConnection] = []
        self._open = 0
        self._waiters: deque[asyncio.Future] = deque()
        self._closed = False

    async def rows(self, sql: str, parameters: dict[str, Any] | tuple) -> list[tuple]:
        """Every row of one statement (psycopg's placeholders), as tuples."""
        import psycopg

        for attempt in (1, 2):
            conn = await self._acquire()
            healthy = False
            try:
                cursor = await conn.execute(sql, parameters)
                rows = await cursor.fetchall()
                healthy = True
                return rows
            except psycopg.OperationalError:
                if attempt == 2 or not conn.broken:
                    raise
            finally:
                self._release(conn, healthy)
        raise AssertionError("unreachable")

    async def _acquire(self) -> psycopg.AsyncConnection:
        import psycopg

        while True:
            if self._closed:
                raise RuntimeError("the database is disposed")
            if self._idle:
                return self._idle.pop()
            if self._open < self._size:
                self._open += 1
                try:
                    return await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                except BaseException:
                    self._open -= 1
                    self._wake()
                    raise
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken and cancelled at once: pass the turn on
                else:
                    self._waiters.remove(waiter)
                raise

    def _release(self, conn: psycopg.AsyncConnection, healthy: bool) -> None:
        if healthy and not self._closed and not conn.closed:
            self._idle.append(conn)
        else:
            self._open -= 1
            if not conn.closed:
                conn.pgconn.finish()  # closes at once, without a round trip: nothing is waited for
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def close(self) -> None:
        self._closed = True
        while self._idle:
            conn = self._idle.pop()
            self._open -= 1
            conn.pgconn.finish()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)  # they find the pool closed
        self._waiters.clear()


_pools: weakref.WeakKeyDictionary[Database, DriverPool | None] = weakref.WeakKeyDictionary()


def pool_of(db: Database) -> DriverPool | None:
    """This process's pool for `db`, None when `db` is not PostgreSQL on psycopg."""
    try:
        return _pools[db]
    except KeyError:
        pass
    url = make_url(db.url)
    pool = None
    if url.drivername == "postgresql+psycopg":
        pool = DriverPool(url.set(drivername="postgresql").render_as_string(hide_password=False))
    _pools[db] = pool
    return pool


def close(db: Database) -> None:
    pool = _pools.pop(db, None)
    if pool is not None:
        pool.close()
