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
- on PostgreSQL (psycopg): on a connection of core/db/pgdriver.py's, in autocommit mode, the page and the numbers
  as one statement (`page_and_numbers_statement`): one read transaction, one query sent, one round trip;
- elsewhere (SQLite in memory): on one connection of the quick-read engine, with `exec_driver_sql`.

The total comes from the page's own rows whenever the first page holds every stock key (always, for an area or a
ZIP, far under the contract's 10,000 a page), so total and page agree; otherwise a count statement gives it. On a
SQLite file the numbers come from a second statement, a moment later.

On a SQLite file a search's result is kept, and the same search answered from it, for as long as nothing at all
has been committed to the file by anyone (`_results_of`: SQLite's data_version, read before the statements), so a
provisioned or released number is never offered wrongly. Elsewhere every search reads (PostgreSQL has no version
of a database's content that costs less to read than the search itself).

The search with neither AreaCode nor ZipCode (a random page of every stock key, ORDER BY random()) scans all the
keys (tens of milliseconds): it runs the same statements through a read session (`Database.read`, off the loop
on SQLite), as before, and its result (random) is never kept.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache, cached_property
from operator import itemgetter
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Integer, String, bindparam, func, literal, null, select, true, union_all
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import CompoundSelect, Select

from mpaas.core.db import keyreads, pgdriver
from mpaas.core.db.database import Database
from mpaas.models import InventoryNumber, NumberAreaStock
from mpaas.models.numbers import AVAILABLE

AREAS_PER_PAGE = 10_000  # the contract's "10,000 results per page"
AREA, ZIP = "area", "zip"
# The parameters a search passes; every other bound value is a constant of the statement.
_PARAMETERS = ("key", "limit", "offset", "wanted")
_SQLITE = sqlite_dialect.dialect()
_NO_VALUE = object()

Rows = list[tuple]
Run = Callable[["_Statement", dict[str, Any]], Awaitable[Rows]]


@dataclass(frozen=True)
class Found:
    total: int  # available numbers matching the search (ResultsTotal)
    areas: list[tuple]  # the page's (ngp, area_code, zipcode, available numbers)
    numbers: list[str]

    def answer(self) -> dict:
        """The answer's fields from ResultsTotal on (AvailabilityOut's names and order)."""
        return {
            "ResultsTotal": self.total,
            "AvailableNumberAreas": [{"NGP": ngp, "AreaCode": int(ac), "Zipcode": z} for ngp, ac, z, _ in self.areas],
            "NumbersAvailable": [{"Number": n} for n in self.numbers],
        }

    def answer_json(self) -> bytes:
        """`answer()` encoded (pydantic-core), once: a cached result answers many searches."""
        return self._json

    @cached_property
    def _json(self) -> bytes:
        # The bytes to_json(self.answer()) gives, from each area's encoding kept per area: an area code's page
        # lists up to a few hundred areas, and building and encoding their dicts was a third of a search's CPU
        # on PostgreSQL (where results are not kept; py-spy under bench/availability.py).
        kept = _AREA_JSON
        if len(kept) > AREAS_KEPT:
            kept.clear()
        areas = b",".join([kept.get(row) or _area_json(row) for row in self.areas])
        numbers = to_json([{"Number": n} for n in self.numbers])
        return b'{"ResultsTotal":%d,"AvailableNumberAreas":[%b],"NumbersAvailable":%b}' % (self.total, areas, numbers)


# An area row's encoding, by the row as the driver gives it ((NGP, area code, ZIP, count), a tuple): a dict lookup
# per area. A stock count that changes makes a new row; the map starts over past AREAS_KEPT (a 10,000,000-number
# inventory has about 60,000 stock rows).
_AREA_JSON: dict[tuple, bytes] = {}
AREAS_KEPT = 200_000


def _area_json(row: tuple) -> bytes:
    ngp, area_code, zipcode, _ = row
    encoded = _AREA_JSON[row] = to_json({"NGP": ngp, "AreaCode": int(area_code), "Zipcode": zipcode})
    return encoded


# ------------------------------------------------------------------------------------------ statements


class _Statement:
    """A SELECT built once; its SQL and parameter plan compiled once per dialect."""

    __slots__ = ("select", "_plans")

    def __init__(self, statement: Select | CompoundSelect) -> None:
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
    return _Statement(_numbers_select(by, message_enabled, voice_enabled, "limit"))


def _numbers_select(by: str | None, message_enabled: bool, voice_enabled: bool, limit: str) -> Select:
    statement = select(InventoryNumber.number).where(
        InventoryNumber.status == AVAILABLE,
        *_capabilities(InventoryNumber, message_enabled, voice_enabled),
        *_key(InventoryNumber, by),
    )
    if by is None:
        statement = statement.order_by(InventoryNumber.area_code)
    return statement.limit(bindparam(limit, type_=Integer))


@cache
def page_and_numbers_statement(by: str, message_enabled: bool, voice_enabled: bool) -> _Statement:
    """`areas_statement` and `numbers_statement` of one search as one statement (PostgreSQL): the page's rows
    tagged 0, the numbers tagged 1, each part with its own LIMIT inside its subquery. One statement instead of two
    is one query sent and one result read: on PostgreSQL the driver's send and wait were a third of a search's CPU
    (py-spy under bench/availability.py). UNION ALL promises no order between or within its parts, so the caller
    splits by tag and puts the page back in its key order."""
    areas = areas_statement(by, message_enabled, voice_enabled).select.subquery("page")
    numbers = _numbers_select(by, message_enabled, voice_enabled, "wanted").subquery("found")
    nothing = null().cast(String)
    statement = union_all(
        select(literal(0).label("part"), *areas.c),
        select(literal(1), numbers.c.number, nothing, nothing, null().cast(Integer)),
    )
    return _Statement(statement)


# ------------------------------------------------------------------------------------------ running


@asynccontextmanager
async def _bounded_reads(db: Database) -> AsyncIterator[Run]:
    """A function running statements that read bounded index ranges (see the module's docstring)."""
    conn = keyreads.sqlite_connection(db)
    if conn is not None:

        async def run_sqlite(statement: _Statement, values: dict[str, Any]) -> Rows:
            sql, parameters = statement.parameters(_SQLITE, values)
            return conn.execute(sql, parameters).fetchall()

        yield run_sqlite
        return
    pool = pgdriver.pool_of(db)
    if pool is not None:
        dialect = db.quick_read_engine.dialect

        async def run_pg(statement: _Statement, values: dict[str, Any]) -> Rows:
            return await pool.rows(*statement.parameters(dialect, values))

        yield run_pg
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


_KEY_ORDER = itemgetter(1, 2, 0)  # a page row (ngp, area_code, zipcode, count) in the statement's key order


async def _page_and_numbers(
    run: Run, by: str, key: str | None, caps: tuple[bool, bool], offset: int, wanted: int
) -> tuple[int, Rows, Rows]:
    values = {"key": key, "limit": AREAS_PER_PAGE, "offset": offset, "wanted": wanted}
    rows = await run(page_and_numbers_statement(by, *caps), values)
    areas = sorted([row[1:] for row in rows if row[0] == 0], key=_KEY_ORDER)  # sorted already, in practice
    numbers = [row[1:2] for row in rows if row[0] == 1]
    if offset == 0 and len(areas) < AREAS_PER_PAGE:
        total = int(sum([row[3] for row in areas]))  # the page holds every key
    else:
        total = int((await run(count_statement(by, *caps), {"key": key}))[0][0])
    return total, areas, numbers


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
    if not (area_code or zipcode):
        return await _search(db, area_code, zipcode, (message_enabled, voice_enabled), page_number, wanted)
    key = (area_code, zipcode, message_enabled, voice_enabled, page_number, wanted, AREAS_PER_PAGE)
    results = _results_of(db)
    if results is None:
        return await _search(db, area_code, zipcode, (message_enabled, voice_enabled), page_number, wanted)
    found = results.get(key)
    if found is None:
        found = await _search(db, area_code, zipcode, (message_enabled, voice_enabled), page_number, wanted)
        results.put(key, found)
    return found


async def _search(
    db: Database,
    area_code: str | None,
    zipcode: str | None,
    caps: tuple[bool, bool],
    page_number: int,
    wanted: int,
) -> Found:
    offset = (page_number - 1) * AREAS_PER_PAGE
    by, key = (AREA, area_code) if area_code else (ZIP, zipcode) if zipcode else (None, None)
    reads = _bounded_reads if by else _session_reads
    # On PostgreSQL's driver pool the page and the numbers are read in one statement: one query sent and one round
    # trip. (A SQLite file runs both on the loop's thread, where a statement costs no round trip; the engine's
    # fallback keeps the two statements.)
    at_once = bool(by and wanted) and keyreads.sqlite_connection(db) is None and pgdriver.pool_of(db) is not None
    async with reads(db) as run:
        if at_once:
            assert by is not None
            total, areas, numbers = await _page_and_numbers(run, by, key, caps, offset, wanted)
        else:
            total, areas = await _page(run, by, key, caps, offset)
            numbers = None
        if by == AREA and zipcode and total == 0:
            by, key = ZIP, zipcode
            total, areas = await _page(run, by, key, caps, offset)
            numbers = None
        if numbers is None:
            numbers = await run(numbers_statement(by, *caps), {"key": key, "limit": wanted}) if wanted else []
    return Found(total, areas, [number for (number,) in numbers])


# ------------------------------------------------------------------------------------------ results kept


MAX_RESULTS = 1024  # searches kept per database (a result of a large area is ~5 KB); then it starts again


class _Results:
    """Search results by their search, valid for one version of the database's content. Whoever changes the
    database (this process or another) changes its version, and the next search starts an empty set."""

    __slots__ = ("version", "found")

    def __init__(self, version: int) -> None:
        self.version = version
        self.found: dict[tuple, Found] = {}

    def get(self, key: tuple) -> Found | None:
        return self.found.get(key)

    def put(self, key: tuple, found: Found) -> None:
        if len(self.found) >= MAX_RESULTS:
            self.found.clear()
        self.found[key] = found


_kept: weakref.WeakKeyDictionary[Database, _Results] = weakref.WeakKeyDictionary()


def _results_of(db: Database) -> _Results | None:
    """The results valid now for `db`, None where no version of its content can be read cheaply.

    On a SQLite file the version is `PRAGMA data_version` on the search connection: it changes whenever any
    other connection, of this process or any other, has committed to the file since the connection last
    asked (the search connection itself never writes). It is read before the search's statements, so a result
    kept under a version holds every commit made before that version was read: a result is never older than
    its version, and a number provisioned or released (or any other commit) is seen by the very next search.
    Any commit counts, not only the inventory's: exact, and on a busy server merely less often useful."""
    conn = keyreads.sqlite_connection(db)
    if conn is None:
        return None
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    results = _kept.get(db)
    if results is None or results.version != version:
        results = _kept[db] = _Results(version)
    return results
