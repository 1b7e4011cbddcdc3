#!/usr/bin/env python
"""Bulk-load a large number inventory (millions of available numbers) into an mpaas database, for benchmarks.

    .venv/bin/python bench/seed_inventory.py sqlite+aiosqlite:////tmp/bench/mpaas.db 10000000
    .venv/bin/python bench/seed_inventory.py postgresql+psycopg://postgres@127.0.0.1:5432/mpaas_bench 10000000

or from Python: `seed(database_url, count)`. It migrates the database first (`mpaas.core.db.migrate.upgrade`),
refuses an inventory that already has rows (the deterministic numbers could collide with them), then:

- generates `count` distinct, valid US numbers spread evenly over every area code of the sandbox data
  (`mpaas.numbers.inventory.data`: real area codes, their real ZIP codes, state and city, and the NGP of
  each area code + ZIP). The same count always gives the same rows. All are available, unless
  `--assigned N` loads the first N as assigned;
- loads them with the fastest path of each engine: SQLite through the stdlib `sqlite3` with `executemany`
  in large transactions and journal/sync PRAGMAs relaxed for the load; PostgreSQL through psycopg `COPY`
  in one transaction. The table's secondary indexes are dropped before the load and recreated afterwards
  from their own DDL, read from the database (building an index once is much faster than maintaining it
  row by row), so the schema ends exactly as the migrations left it;
- writes `number_area_stock` exactly: the rows are counted per stock key while they are generated;
- on PostgreSQL, runs VACUUM ANALYZE, the state autovacuum reaches on its own after a bulk load.
  SQLite gets no ANALYZE: mpaas never runs one, so a benchmark should not measure a planner it never has.

Not for a database a server is writing to: the SQLite load runs without a rollback journal, and on both
engines the inventory's secondary indexes are missing while it runs.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from mpaas.core.db import migrate
from mpaas.numbers.inventory import data as inventory_data

# Rows per executemany call / COPY write: large enough to amortize the call, small enough for a smooth
# progress bar and a bounded memory footprint.
BATCH_ROWS = 100_000
INVENTORY_COLUMNS = (
    "number",
    "ngp",
    "area_code",
    "zipcode",
    "state",
    "rate_center",
    "number_type",
    "message_capable",
    "voice_capable",
    "status",
    "updated_at",
)
STOCK_COLUMNS = ("ngp", "area_code", "zipcode", "number_type", "message_capable", "voice_capable", "available")
LINES_PER_EXCHANGE = 10_000

# A generated row: (number, ngp, area_code, zipcode, state, rate_center, status).
Row = tuple[str, str, str, str, str, str, str]
AVAILABLE, ASSIGNED = "available", "assigned"


@dataclass
class SeedReport:
    database: str
    rows: int
    assigned: int
    stock_rows: int
    area_codes: int  # area codes with at least one available number
    seconds: float


# ------------------------------------------------------------------------------------------ rows


@dataclass
class _Area:
    code: str
    exchanges: tuple[int, ...]
    places: list[tuple[str, str, str, str]]  # (zipcode, state, city, ngp)

    @property
    def capacity(self) -> int:
        return len(self.exchanges) * LINES_PER_EXCHANGE


def _areas() -> list[_Area]:
    """Every sandbox area code with at least one valid exchange, in ascending order."""
    areas = []
    for code, zips in inventory_data.area_zip_table().items():
        # _exchanges: the area code's NANP-valid exchanges, each checked with phonenumbers. libphonenumber's
        # US patterns depend only on area code + exchange, so every line of a listed exchange is valid too
        # (that is what lets us skip the per-number check inventory_data.generate makes).
        exchanges = inventory_data._exchanges(code)
        if exchanges:
            places = [(z, state, city, inventory_data.ngp_for(code, z)) for z, state, city in zips]
            areas.append(_Area(code, exchanges, places))
    return areas


def _quotas(total: int, capacities: list[int]) -> list[int]:
    """Split `total` as evenly as the capacities allow (an area that fills up passes its share on)."""
    if total > sum(capacities):
        raise ValueError(f"cannot seed {total} numbers: the sandbox area codes hold {sum(capacities)}")
    quotas = [0] * len(capacities)
    open_slots = [i for i, cap in enumerate(capacities) if cap > 0]
    remaining = total
    while remaining:
        share, extra = divmod(remaining, len(open_slots))
        still_open = []
        for rank, i in enumerate(open_slots):
            take = min(capacities[i] - quotas[i], share + (1 if rank < extra else 0))
            quotas[i] += take
            remaining -= take
            if quotas[i] < capacities[i]:
                still_open.append(i)
        open_slots = still_open
    return quotas


def generate_rows(count: int, seed: int = 0, assigned: int = 0) -> Iterator[list[Row]]:
    """`count` distinct valid US numbers in batches, in ascending number order (so the primary-key index
    is appended to, not split). Each area code gets an even share spread over all its exchanges; the lines
    of an exchange are a random sample of 0000-9999 and each number's ZIP is a random ZIP of its area code.
    The first `assigned` rows have status 'assigned', the rest 'available'. Deterministic for the arguments."""
    areas = _areas()
    batch: list[Row] = []
    produced = 0
    for area, quota in zip(areas, _quotas(count, [a.capacity for a in areas]), strict=True):
        if not quota:
            continue
        rng = random.Random(f"{seed}:{area.code}")
        per_exchange, extra = divmod(quota, len(area.exchanges))
        base = int(area.code) * 10_000_000
        for rank, exchange in enumerate(area.exchanges):
            wanted = per_exchange + (1 if rank < extra else 0)
            if not wanted:
                continue
            lines = sorted(rng.sample(range(LINES_PER_EXCHANGE), wanted))
            places = rng.choices(area.places, k=wanted)
            prefix = base + exchange * LINES_PER_EXCHANGE
            for line, (zipcode, state, city, ngp) in zip(lines, places, strict=True):
                status = ASSIGNED if produced < assigned else AVAILABLE
                batch.append((f"+1{prefix + line}", ngp, area.code, zipcode, state, city, status))
                produced += 1
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
    if batch:
        yield batch


def count_stock(stock: Counter, batch: list[Row]) -> None:
    """Add the batch's available rows to the per-key counts (ngp, area_code, zipcode); every seeded row is
    mobile and SMS + voice capable, the rest of the stock key."""
    stock.update((row[1], row[2], row[3]) for row in batch if row[6] == AVAILABLE)


# ------------------------------------------------------------------------------------------ SQLite


def _sqlite_path(database_url: str) -> str:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise ValueError(f"need a SQLite file, got {database_url!r}")
    return database


def _load_sqlite(
    database_url: str, batches: Iterator[list[Row]], stock: Counter, advance: Callable[[int], None]
) -> None:
    con = sqlite3.connect(_sqlite_path(database_url), isolation_level=None)
    try:
        _refuse_non_empty(con.execute("SELECT count(*) FROM (SELECT 1 FROM inventory_numbers LIMIT 1)").fetchone()[0])
        # Speed over durability for the load only: a crash mid-load means "seed again".
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576", "temp_store=MEMORY"):
            con.execute(f"PRAGMA {pragma}")
        indexes = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND "
            "tbl_name='inventory_numbers' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite format
        insert = (
            f"INSERT INTO inventory_numbers ({', '.join(INVENTORY_COLUMNS)}) "
            f"VALUES (?, ?, ?, ?, ?, ?, 'mobile', 1, 1, ?, '{now}')"
        )
        con.execute("BEGIN")
        for batch in batches:
            con.executemany(insert, batch)
            count_stock(stock, batch)
            advance(len(batch))
        con.execute("COMMIT")
        for _, sql in indexes:
            con.execute(sql)
        con.execute("BEGIN")
        con.executemany(
            f"INSERT INTO number_area_stock ({', '.join(STOCK_COLUMNS)}) VALUES (?, ?, ?, 'mobile', 1, 1, ?)",
            [(*key, n) for key, n in stock.items()],
        )
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode=WAL")  # what mpaas runs with
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ PostgreSQL


def _psycopg_conninfo(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _copy_text(value: str) -> str:
    """A value escaped for COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _load_postgresql(
    database_url: str, batches: Iterator[list[Row]], stock: Counter, advance: Callable[[int], None]
) -> None:
    import psycopg

    with psycopg.connect(_psycopg_conninfo(database_url)) as con:
        _refuse_non_empty(con.execute("SELECT count(*) FROM (SELECT 1 FROM inventory_numbers LIMIT 1) s").fetchone()[0])
        con.execute("SET maintenance_work_mem = '1GB'")  # this session only: index builds sort in memory
        con.execute("SET synchronous_commit = off")
        indexes = con.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = 'inventory_numbers' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)"
        ).fetchall()  # constraint indexes (the primary key) stay
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        now = datetime.now(UTC).isoformat()
        with con.cursor().copy(f"COPY inventory_numbers ({', '.join(INVENTORY_COLUMNS)}) FROM STDIN") as copy:
            for batch in batches:
                copy.write(
                    "".join(
                        f"{number}\t{ngp}\t{area}\t{zipcode}\t{state}\t{_copy_text(city)}\tmobile\tt\tt\t"
                        f"{status}\t{now}\n"
                        for number, ngp, area, zipcode, state, city, status in batch
                    )
                )
                count_stock(stock, batch)
                advance(len(batch))
        for _, ddl in indexes:
            con.execute(ddl)
        with con.cursor().copy(f"COPY number_area_stock ({', '.join(STOCK_COLUMNS)}) FROM STDIN") as copy:
            for (ngp, area, zipcode), n in stock.items():
                copy.write_row((ngp, area, zipcode, "mobile", True, True, n))
        con.commit()
    with psycopg.connect(_psycopg_conninfo(database_url), autocommit=True) as con:
        con.execute("VACUUM ANALYZE inventory_numbers")
        con.execute("VACUUM ANALYZE number_area_stock")


# ------------------------------------------------------------------------------------------ entry points


def _refuse_non_empty(found: int) -> None:
    if found:
        raise RuntimeError(
            "inventory_numbers is not empty: seed_inventory only loads an empty inventory "
            "(its deterministic numbers could collide with rows already there)"
        )


def seed(database_url: str, count: int, progress: bool = True, seed_value: int = 0, assigned: int = 0) -> SeedReport:
    """Migrate `database_url` (an mpaas SQLAlchemy URL: sqlite+aiosqlite:///file or postgresql+psycopg://...)
    and load `count` numbers plus their exact per-area stock. The inventory must be empty.

    All are available unless `assigned` > 0: then the lowest `assigned` numbers, which are also the first
    rows in the table's physical order, are loaded as 'assigned' (held by no account), the state an
    inventory reaches when unfiltered claims have handed out its first rows for a while.
    Shows a progress bar on stderr unless `progress` is False."""
    if count < 0 or not 0 <= assigned <= count:
        raise ValueError(f"need 0 <= assigned <= count, got count={count} assigned={assigned}")
    started = time.perf_counter()
    migrate.upgrade(database_url)
    is_sqlite = database_url.startswith("sqlite")
    load = _load_sqlite if is_sqlite else _load_postgresql
    stock: Counter = Counter()
    with _progress_bar(
        progress, count, f"Seeding {count:,} numbers ({'SQLite' if is_sqlite else 'PostgreSQL'})"
    ) as advance:
        load(database_url, generate_rows(count, seed_value, assigned), stock, advance)
    return SeedReport(
        database=make_url(database_url).render_as_string(hide_password=True),
        rows=count,
        assigned=assigned,
        stock_rows=len(stock),
        area_codes=len({key[1] for key in stock}),
        seconds=round(time.perf_counter() - started, 1),
    )


@contextmanager
def _progress_bar(enabled: bool, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (or nothing); yields `advance(n)`."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("database_url", help="sqlite+aiosqlite:////path/mpaas.db or postgresql+psycopg://user@host/db")
    p.add_argument("count", type=int, help="Numbers to load, e.g. 10000000.")
    p.add_argument("--seed", type=int, default=0, help="Another seed gives other lines and ZIPs.")
    p.add_argument(
        "--assigned",
        type=int,
        default=0,
        help="Load the first N numbers (lowest, and first in physical order) as assigned.",
    )
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    if args.database_url.startswith("sqlite"):
        Path(_sqlite_path(args.database_url)).parent.mkdir(parents=True, exist_ok=True)
    try:
        report = seed(
            args.database_url, args.count, progress=not args.no_progress, seed_value=args.seed, assigned=args.assigned
        )
    except (RuntimeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"seeded {report.rows:,} numbers ({report.assigned:,} assigned; {report.area_codes} area codes with "
        f"stock, {report.stock_rows:,} stock rows) into {report.database} in {report.seconds} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
