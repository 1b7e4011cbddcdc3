"""Reads of a few rows by key on the hottest paths (every request's principal, a send's number), on the driver.

A statement through an AsyncSession costs its machinery whatever it reads: the session and its transaction, a
greenlet spawn, the compiled-cache key of the statement, the execution context and the result's processing. For a
lookup by primary or unique key SQLite itself takes a few microseconds, and that machinery is most of a request's
database time. Here the statement (a Core SELECT built once, a module constant) is compiled once, and on a SQLite
file it runs on a connection of this module's own, on the event loop's thread, in autocommit mode: the statement
is its own read transaction (one consistent snapshot, as a one-statement `quick_read` is), under WAL it never waits
for a writer, and the connection is read-only (`PRAGMA query_only`). Elsewhere (PostgreSQL, SQLite in memory) it
runs through a Core connection of the quick-read engine, without an ORM session; on PostgreSQL (psycopg), as one
statement on a connection of core/db/pgdriver.py's, in autocommit mode (one round trip, its own snapshot).

Rows come back as tuples in the statement's column order, values as the driver gives them: on SQLite a Boolean
is 0 or 1 and a DateTime its stored text, so callers select only what they can read so (keys, text, integers,
flags tested for truth).
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Any

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql import Select

from mpaas.core.db import pgdriver
from mpaas.core.db.database import SQLITE_BUSY_TIMEOUT_MS, Database, _database_file

_DIALECT = sqlite_dialect.dialect(paramstyle="qmark")
# id(statement) -> (statement kept alive so its id stays its own, sql, ((bind name or None, constant, processor)))
_compiled: dict[int, tuple[Any, str, tuple]] = {}
_connections: weakref.WeakKeyDictionary[Database, sqlite3.Connection | None] = weakref.WeakKeyDictionary()
_NO_VALUE = object()


def _plan(statement: Select) -> tuple[str, tuple]:
    cached = _compiled.get(id(statement))
    if cached is None:
        compiled = statement.compile(dialect=_DIALECT)
        processors = compiled._bind_processors
        plan = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            constant = _NO_VALUE if bind.callable is None and bind.value is None else bind.effective_value
            plan.append((name, constant, processors.get(name)))
        cached = _compiled[id(statement)] = (statement, compiled.string, tuple(plan))
    return cached[1], cached[2]


def _parameters(plan: tuple, params: dict[str, Any]) -> tuple:
    out = []
    for name, constant, processor in plan:
        value = params.get(name, constant)
        if value is _NO_VALUE:
            raise KeyError(f"no value for the statement's parameter {name!r}")
        out.append(processor(value) if processor is not None else value)
    return tuple(out)


def sqlite_connection(db: Database) -> sqlite3.Connection | None:
    """This process's read-only autocommit connection to `db`'s file, for key reads and other short reads on the
    event loop's thread (numbers/provisioning/search.py); None when `db` is not a SQLite file. It never commits,
    so its `PRAGMA data_version` changes with every commit of any other connection."""
    try:
        return _connections[db]
    except KeyError:
        pass
    path = _database_file(db.url) if db.is_sqlite else None
    conn = None
    if path is not None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only=1")
    _connections[db] = conn
    return conn


def close(db: Database) -> None:
    """Close `db`'s connection of this module (Database.dispose), rather than leave it to the collector."""
    conn = _connections.pop(db, None)
    if conn is not None:
        conn.close()


def _pg_plan(statement: Select, dialect) -> tuple[str, tuple] | None:
    """(sql, ((bind name, parameter key, constant or _NO_VALUE, processor), ...)) for psycopg's named style; None
    for a statement whose values the driver does not give as SQLAlchemy would (a column type with a result
    processor, an expanding IN): that one runs through the engine."""
    cached = _pg_compiled.get(id(statement))
    if cached is None:
        compiled = statement.compile(dialect=dialect)
        processors = compiled._bind_processors
        plan = []
        for bind, name in compiled.bind_names.items():
            constant = _NO_VALUE if bind.callable is None and bind.value is None else bind.effective_value
            plan.append((name, bind.key, constant, processors.get(name)))
        as_is = not any(bind.expanding for bind in compiled.bind_names) and all(
            column.type._cached_result_processor(dialect, None) is None for column in statement.selected_columns
        )
        cached = _pg_compiled[id(statement)] = (statement, (compiled.string, tuple(plan)) if as_is else None)
    return cached[1]


_pg_compiled: dict[int, tuple[Any, tuple[str, tuple] | None]] = {}


def _pg_parameters(plan: tuple, params: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, key, constant, processor in plan:
        value = params.get(key, constant)
        if value is _NO_VALUE:
            raise KeyError(f"no value for the statement's parameter {key!r}")
        out[name] = processor(value) if processor is not None else value
    return out


async def rows(db: Database, statement: Select, params: dict[str, Any]) -> list[tuple]:
    """Every row `statement` (a SELECT built once) gives with `params` (its bindparams by name)."""
    conn = sqlite_connection(db)
    if conn is not None:
        sql, plan = _plan(statement)
        return conn.execute(sql, _parameters(plan, params)).fetchall()
    pool = pgdriver.pool_of(db)
    if pool is not None:  # PostgreSQL: one round trip on a connection of pgdriver's, in autocommit mode
        plan_pg = _pg_plan(statement, db.quick_read_engine.dialect)
        if plan_pg is not None:
            return await pool.rows(plan_pg[0], _pg_parameters(plan_pg[1], params))
    async with db.quick_read_engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(statement, params)).all()]
