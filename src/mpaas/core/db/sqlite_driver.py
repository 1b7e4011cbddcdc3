"""SQLAlchemy's aiosqlite dialect with one thread hop per statement, and one with none for writes.

aiosqlite runs each sqlite3 call on its connection's thread, and SQLAlchemy's adapter makes one call per
cursor step: open the cursor, execute, fetch the rows, close: three or four hops per statement, each a
queue put, a thread wake-up and an event-loop turn to resume the caller. On SQLite the write lock is held
across all of them, and an event-loop turn under load lasts milliseconds: in bench/pipeline.py a write
transaction held the lock 11-14 ms on average for well under 1 ms of SQLite work, and writers queued
behind it. This cursor does the four steps in one function on the connection's thread, so a statement
costs one hop.

A second dialect, `sqlite+mpaas_aiosqlite_inline` (InlineConnection), takes no hop at all: statements run
on the event loop's thread. `Database` uses it for writes, whose transactions are short and hold the
lock, and the one-hop dialect for reads, which may scan; both for `sqlite+aiosqlite` URLs, so settings
keep the standard URL. Behaviour is the stock adapter's: rows are fetched in full at execute (as
the stock non-server-side cursor does), and sqlite3's exceptions reach SQLAlchemy unchanged.
"""

from __future__ import annotations

import collections
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util.concurrency import await_

DRIVER = "mpaas_aiosqlite"
INLINE_DRIVER = "mpaas_aiosqlite_inline"


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


class InlineCursor(OneHopCursor):
    """Runs each statement on the calling (event-loop) thread: no hop at all. See InlineConnection."""

    __slots__ = ()

    def _call_inline(self, many: bool, operation: str, parameters) -> None:
        try:
            result = _run(self._connection._conn, many, operation, parameters)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description, rows, self.rowcount, self.lastrowid = result
        self._rows = collections.deque(rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        self._call_inline(False, operation, parameters)

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        self._call_inline(True, operation, seq_of_parameters)


class InlineConnection(OneHopConnection):
    """A connection whose statements, commits and rollbacks run on the event-loop thread.

    For the write engine. A write transaction holds SQLite's one write lock (and, across processes, the
    file lock) from BEGIN IMMEDIATE to COMMIT. Through a thread, every statement gives the event loop a
    turn before the transaction resumes, and under load a turn lasts milliseconds: the pipeline's writes
    held the lock 4-15 ms each for well under a millisecond of SQLite work, and with api, worker and
    gateway on one file the lock was busy 90% of the time. Inline, a transaction with no other awaits runs
    in one turn and holds the lock only as long as SQLite works. The price: the loop is blocked while it
    does, which is why reads (which may scan) keep their thread. A write that meets SQLite's lock held by
    a process that does not take the writers' file lock (the sqlite3 shell, a migration run beside live
    servers) waits in SQLite's busy handler with the loop blocked, up to the busy timeout."""

    __slots__ = ()

    def cursor(self, server_side: bool = False):
        if server_side:
            return super().cursor(server_side=True)
        return InlineCursor(self)

    def commit(self) -> None:
        if self._connection._connection:
            try:
                self._connection._conn.commit()
            except Exception as error:
                self._handle_exception(error)

    def rollback(self) -> None:
        if self._connection._connection:
            try:
                self._connection._conn.rollback()
            except Exception as error:
                self._handle_exception(error)


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    connection_class: type[OneHopConnection] = OneHopConnection
    connect_options: dict[str, Any] = {}

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **{**kw, **self.connect_options})
        return self.connection_class(self, stock._connection)


class InlineDBAPI(OneHopDBAPI):
    connection_class = InlineConnection
    connect_options = {"check_same_thread": False}  # opened on aiosqlite's thread, used on the loop's


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True  # the stock dialect's compilation, unchanged
    dbapi_class: type[OneHopDBAPI] = OneHopDBAPI

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:
        return cls.dbapi_class(__import__("aiosqlite"), __import__("sqlite3"))


class InlineDialect(OneHopDialect):
    driver = INLINE_DRIVER
    supports_statement_cache = True  # SQLAlchemy reads it from each class's own namespace
    dbapi_class = InlineDBAPI


registry.register(f"sqlite.{DRIVER}", __name__, "OneHopDialect")
registry.register(f"sqlite.{INLINE_DRIVER}", __name__, "InlineDialect")


def _with_driver(url: str, driver: str) -> str:
    prefix = "sqlite+aiosqlite:"
    return f"sqlite+{driver}:" + url[len(prefix) :] if url.startswith(prefix) else url


def one_hop_url(url: str) -> str:
    """`sqlite+aiosqlite://...` -> the same database through the one-hop dialect; other URLs unchanged."""
    return _with_driver(url, DRIVER)


def inline_url(url: str) -> str:
    """`sqlite+aiosqlite://...` -> the same database through the inline dialect; other URLs unchanged."""
    return _with_driver(url, INLINE_DRIVER)
