"""SQLAlchemy's aiosqlite dialect with one thread hop per statement.

aiosqlite runs each sqlite3 call on its connection's thread, and SQLAlchemy's adapter makes one call per
cursor step: open the cursor, execute, fetch the rows, close: three or four hops per statement, each a
queue put, a thread wake-up and an event-loop turn to resume the caller. On SQLite the write lock is held
across all of them, and an event-loop turn under load lasts milliseconds: in bench/pipeline.py a write
transaction held the lock 11-14 ms on average for well under 1 ms of SQLite work, and writers queued
behind it. This cursor does the four steps in one function on the connection's thread, so a statement
costs one hop.

Registered as the `sqlite+mpaas_aiosqlite` dialect; `Database` uses it for `sqlite+aiosqlite` URLs, so
settings keep the standard URL. Behaviour is the stock adapter's: rows are fetched in full at execute (as
the stock non-server-side cursor does), and sqlite3's exceptions reach SQLAlchemy unchanged.
"""

from __future__ import annotations

import collections
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_dbapi,
                                                  SQLiteDialect_aiosqlite)
from sqlalchemy.util.concurrency import await_

DRIVER = "mpaas_aiosqlite"


def _run(conn, many: bool, operation: str, parameters) -> tuple:
    """On the connection's thread: the whole cursor life of one statement."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor:
    """The DB-API cursor SQLAlchemy sees: results are held here, nothing stays open on the thread."""

    server_side = False
    __slots__ = ("_adapt_connection", "_connection", "_rows", "description", "rowcount", "lastrowid", "arraysize")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection):
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection  # the aiosqlite.Connection
        self._rows: collections.deque = collections.deque()
        self.description = None
        self.rowcount = -1
        self.lastrowid = None
        self.arraysize = 1

    async def _call(self, many: bool, operation: str, parameters) -> None:
        async with self._adapt_connection._execute_mutex:
            # aiosqlite's own primitive for "run this on the connection's thread" (what its cursor
            # methods use); `_conn` is the sqlite3 connection it owns.
            result = await self._connection._execute(_run, self._connection._conn, many, operation, parameters)
        self.description, rows, self.rowcount, self.lastrowid = result
        self._rows = collections.deque(rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        try:
            await_(self._call(False, operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        try:
            await_(self._call(True, operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's async results; there is nothing open to close."""

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass

    def __enter__(self) -> OneHopCursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __iter__(self):
        while self._rows:
            yield self._rows.popleft()

    def fetchone(self):
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list:
        rows = self._rows
        return [rows.popleft() for _ in range(min(size or self.arraysize, len(rows)))]

    def fetchall(self) -> list:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False):
        if server_side:  # streaming results keep the stock cursor, which fetches as it goes
            return super().cursor(server_side=True)
        return OneHopCursor(self)


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection)


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True  # the stock dialect's compilation, unchanged

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:
        return OneHopDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "OneHopDialect")


def one_hop_url(url: str) -> str:
    """`sqlite+aiosqlite://...` -> the same database through this dialect; other URLs unchanged."""
    prefix = "sqlite+aiosqlite:"
    return f"sqlite+{DRIVER}:" + url[len(prefix):] if url.startswith(prefix) else url
