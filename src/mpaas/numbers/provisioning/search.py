"""The availability search (POST /v1.0/numbers/availability): its SQL, built once and run on the driver.

A search by AreaCode or ZipCode reads two index ranges (migration 0024_availability_index): the stock keys of
the area or ZIP with their counts, grouped and in the response's order, and a few of its available numbers. At
10,000,000 numbers SQLite does each in well under a millisecond; through an AsyncSession the same statements
cost several times that in its machinery (building the expressions, the session and its transaction, a greenlet
spawn per statement, compiled-cache keys, the ORM result: about 85% of the search's CPU in a cProfile of
bench/availability.py's request). Here each statement is a Core SELECT built once per variant (area or ZIP, the
capability filters), compiled once per dialect, and run:

- on a SQLite file: on a read-only connection of this module's own, on the event loop's thread, in autocommit
  mode, so each statement is its own read transaction (under WAL it never waits for a writer). Both statements
  are bounded index ranges (an area code has at most a few hundred ZIPs and stock keys; at most 100 numbers),
  short enough for the loop;
- elsewhere (PostgreSQL, SQLite in memory): on one connection of the quick-read engine, with `exec_driver_sql`;
  on PostgreSQL in autocommit mode, again one read transaction per statement.

The total comes from the page's own rows whenever the first page holds every stock key (always, for an area or a
ZIP, far under the contract's 10,000 a page), so total and page agree; otherwise a count statement gives it. The
numbers come from a second statement, a moment later.

The search with neither AreaCode nor ZipCode (a random page of every stock key, ORDER BY random()) scans all the
keys (tens of milliseconds): it runs the same statements through a read session (`Database.read`, off the loop
on SQLite), as before.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, func, select, true
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select

from mpaas.core.db.database import SQLITE_BUSY_TIMEOUT_MS, Database, _database_file
from mpaas.models import InventoryNumber, NumberAreaStock
from mpaas.models.numbers import AVAILABLE

AREAS_PER_PAGE = 10_000  # the contract's "10,000 results per page"
AREA, ZIP = "area", "zip"
# The parameters a search passes; every other bound value is a constant of the statement.
_PARAMETERS = ("key", "limit", "offset")
_SQLITE = sqlite_dialect.dialect()
_NO_VALUE = object()

Rows = list[tuple]
Run = Callable[["_Statement", dict[str, Any]], Awaitable[Rows]]


@dataclass(frozen=True)
class Found:
    total: int  # available numbers matching the search (ResultsTotal)
    areas: list[tuple]  # the page's (ngp, area_code, zipcode, available numbers)
    numbers: list[str]


# ------------------------------------------------------------------------------------------ statements


class _Statement:
    """A SELECT built once; its SQL and parameter plan compiled once per dialect."""

    __slots__ = ("select", "_plans")

    def __init__(self, statement: Select) -> None:
        self.select = statement
        self._plans: dict[str, tuple[str, tuple, bool]] = {}

    def plan(self, dialect: Dialect) -> tuple[str, tuple, bool]:
        """(sql, ((bind name, parameter key, constant or _NO_VALUE, bind processor), ...), positional)."""
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.select.compile(dialect=dialect)
            if compiled.positional:
                pairs = [(name, compiled.binds[name]) for name in compiled.positiontup or ()]
            else:
                pairs = [(name, bind) for bind, name in compiled.bind_names.items()]
            processors = compiled._bind_processors
            binds = []
            for name, bind in pairs:
                constant = _NO_VALUE if bind.key in _PARAMETERS else bind.effective_value
                binds.append((name, bind.key, constant, processors.get(name)))
            plan = self._plans[dialect.name] = (compiled.string, tuple(binds), compiled.positional)
        return plan

    def parameters(self, dialect: Dialect, values: dict[str, Any]) -> tuple[str, tuple | dict]:
        sql, binds, positional = self.plan(dialect)
        out = []
        for name, key, constant, processor in binds:
            value = values[key] if constant is _NO_VALUE else constant
            out.append((name, processor(value) if processor is not None else value))
        return sql, tuple(v for _, v in out) if positional else dict(out)


def _capabilities(model, message_enabled: bool, voice_enabled: bool) -> list:
    conditions = []
    if message_enabled:
        conditions.append(model.message_capable == true())
    if voice_enabled:
        conditions.append(model.voice_capable == true())
    return conditions


def _key(model, by: str | None) -> list:
    if by == AREA:
        return [model.area_code == bindparam("key", type_=String)]
    if by == ZIP:
        return [model.zipcode == bindparam("key", type_=String)]
    return []


def _stock_filter(by: str | None, message_enabled: bool, voice_enabled: bool) -> list:
    return [
        NumberAreaStock.available > 0,
        NumberAreaStock.number_type == "mobile",
        *_capabilities(NumberAreaStock, message_enabled, voice_enabled),
        *_key(NumberAreaStock, by),
    ]


@cache
def areas_statement(by: str | None, message_enabled: bool, voice_enabled: bool) -> _Statement:
    """A page of stock keys with their counts, by area or ZIP in (area_code, zipcode, ngp) order (the order of
    the index of each); with neither, a random page."""
    s = NumberAreaStock
    keys = (s.area_code, s.zipcode, s.ngp)
    # GROUP BY, not DISTINCT: PostgreSQL refuses ORDER BY random() over a DISTINCT select list.
    statement = (
        select(s.ngp, s.area_code, s.zipcode, func.sum(s.available))
        .where(*_stock_filter(by, message_enabled, voice_enabled))
        .group_by(*keys)
        .order_by(*(keys if by else (func.random(),)))
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    return _Statement(statement)


@cache
def count_statement(by: str | None, message_enabled: bool, voice_enabled: bool) -> _Statement:
    statement = select(func.coalesce(func.sum(NumberAreaStock.available), 0)).where(
        *_stock_filter(by, message_enabled, voice_enabled)
    )
    return _Statement(statement)


@cache
def numbers_statement(by: str | None, message_enabled: bool, voice_enabled: bool) -> _Statement:
    """Available numbers of the area or ZIP. With neither, in area_code order, so both databases read the
    (status, area_code, ...) index from its first available entry (numbers/repository.py's
    `_first_available_by_index` says why)."""
    statement = select(InventoryNumber.number).where(
        InventoryNumber.status == AVAILABLE,
        *_capabilities(InventoryNumber, message_enabled, voice_enabled),
        *_key(InventoryNumber, by),
    )
    if by is None:
        statement = statement.order_by(InventoryNumber.area_code)
    return _Statement(statement.limit(bindparam("limit", type_=Integer)))


# ------------------------------------------------------------------------------------------ running


_connections: weakref.WeakKeyDictionary[Database, sqlite3.Connection | None] = weakref.WeakKeyDictionary()


def _sqlite_connection(db: Database) -> sqlite3.Connection | None:
    """This process's search connection to `db`'s file; None when `db` is not a SQLite file."""
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


@asynccontextmanager
async def _bounded_reads(db: Database) -> AsyncIterator[Run]:
    """A function running statements that read bounded index ranges (see the module's docstring)."""
    conn = _sqlite_connection(db)
    if conn is not None:

        async def run_sqlite(statement: _Statement, values: dict[str, Any]) -> Rows:
            sql, parameters = statement.parameters(_SQLITE, values)
            return conn.execute(sql, parameters).fetchall()

        yield run_sqlite
        return
    async with db.quick_read_engine.connect() as connection:
        dialect = connection.dialect
        if dialect.name == "postgresql":
            # Each statement its own transaction, as on SQLite: no BEGIN and ROLLBACK round trips around them.
            # The pool restores the connection's isolation level when it takes the connection back.
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")

        async def run_driver(statement: _Statement, values: dict[str, Any]) -> Rows:
            sql, parameters = statement.parameters(dialect, values)
            return [tuple(row) for row in (await connection.exec_driver_sql(sql, parameters)).all()]

        yield run_driver


@asynccontextmanager
async def _session_reads(db: Database) -> AsyncIterator[Run]:
    """A function running statements in one read transaction (`Database.read`: off the loop on SQLite)."""
    async with db.read() as session:

        async def run_session(statement: _Statement, values: dict[str, Any]) -> Rows:
            return [tuple(row) for row in (await session.execute(statement.select, values)).all()]

        yield run_session


# ------------------------------------------------------------------------------------------ the search


async def _page(run: Run, by: str | None, key: str | None, caps: tuple[bool, bool], offset: int) -> tuple[int, Rows]:
    rows = await run(areas_statement(by, *caps), {"key": key, "limit": AREAS_PER_PAGE, "offset": offset})
    if offset == 0 and len(rows) < AREAS_PER_PAGE:
        total = int(sum([row[3] for row in rows]))  # the page holds every key
    else:
        total = int((await run(count_statement(by, *caps), {"key": key}))[0][0])
    return total, rows


async def search_available(
    db: Database,
    *,
    area_code: str | None,
    zipcode: str | None,
    message_enabled: bool,
    voice_enabled: bool,
    page_number: int,
    wanted: int,
) -> Found:
    """AreaCode is searched first; ZipCode is the fallback when the area has no available number; with
    neither, a random page of every area with stock. `wanted`: how many available numbers to list."""
    caps = (message_enabled, voice_enabled)
    offset = (page_number - 1) * AREAS_PER_PAGE
    by, key = (AREA, area_code) if area_code else (ZIP, zipcode) if zipcode else (None, None)
    reads = _bounded_reads if by else _session_reads
    async with reads(db) as run:
        total, areas = await _page(run, by, key, caps, offset)
        if by == AREA and zipcode and total == 0:
            by, key = ZIP, zipcode
            total, areas = await _page(run, by, key, caps, offset)
        numbers = await run(numbers_statement(by, *caps), {"key": key, "limit": wanted}) if wanted else []
    return Found(total, areas, [number for (number,) in numbers])
