"""Set-wise writes on SQLite without SQLAlchemy's per-row parameter machinery.

`session.execute(statement, rows)` runs a Core executemany, but before the driver sees a row SQLAlchemy
builds a parameter dict for it from the compiled statement, escapes names and runs each value through its
type's bind processor. In the message pipeline's batch transactions (tens of rows per statement, several
statements per batch) that was a third of the time the SQLite write lock was held, measured with cProfile
on record_submits and apply_receipts: more than SQLite spent executing the statements.

`executemany` compiles a statement once per column set and keeps the SQL, the order of its positional
parameters and their bind processors (SQLAlchemy's own, so values are stored exactly as the plain path
stores them); each row becomes a tuple through one generated expression, and a datetime repeated across
the batch (its `now`) is processed once. Other databases take the plain path: their drivers and
SQLAlchemy's batching there are not the cost.

Statements must be built once (module constants): compiled forms are cached by the statement object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.ext.asyncio import AsyncSession

_NO_VALUE = object()
# (id(statement), row keys) -> (statement kept alive so its id stays its own, sql, rows function maker)
_compiled: dict[tuple[int, tuple[str, ...]], tuple[Any, str, Callable]] = {}


def _plan(statement, keys: tuple[str, ...], dialect) -> tuple[str, tuple]:
    """The SQL and, per positional parameter: (row key or None, constant value, bind processor, whether
    to process each distinct value once)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    processors = compiled._bind_processors
    plan = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        constant = _NO_VALUE if name in keys else bind.effective_value
        # Datetimes only: a batch shares its `now`, and equal datetimes always store alike (other types'
        # equal values may not: 1 == 1.0 == True).
        memo = isinstance(bind.type, DateTime) or isinstance(getattr(bind.type, "impl", None), DateTime)
        plan.append((name if constant is _NO_VALUE else None, constant, processors.get(name), memo))
    return compiled.string, tuple(plan)


def _once_per_value(processor: Callable) -> Callable:
    """The processor, applied once per distinct value of this batch (for hashable values)."""
    seen: dict = {}

    def process(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = processor(value)
            return result

    return process


def _rows_function(plan: tuple) -> Callable[[], Callable[[list], list]]:
    """-> a function that makes `rows -> [positional parameters of each row]` with fresh per-batch memos.
    The row expression is generated once per statement and column set: a comprehension with a branch per
    parameter cost as much as the rest of this module saves."""
    args, values, items, memo_positions = [], [], [], []
    for i, (key, constant, processor, memo) in enumerate(plan):
        if key is None:
            args.append(f"c{i}")
            values.append(processor(constant) if processor else constant)
            items.append(f"c{i}")
        elif processor is None:
            items.append(f"row[{key!r}]")
        else:
            args.append(f"p{i}")
            values.append(processor)
            if memo:
                memo_positions.append(len(values) - 1)
            items.append(f"p{i}(row[{key!r}])")
    # The keys are the statement's own bind names (columns, bindparams), not data.
    factory = eval(f"lambda {', '.join(args)}: lambda rows: [({', '.join(items)},) for row in rows]")

    def make() -> Callable[[list], list]:
        fresh = list(values)
        for position in memo_positions:
            fresh[position] = _once_per_value(fresh[position])
        return factory(*fresh)

    return make


async def executemany(session: AsyncSession, statement, rows: Sequence[dict]) -> int:
    """`session.execute(statement, rows)` for a Core INSERT/UPDATE/DELETE whose parameters all come from
    the rows (every row with the same keys) or are constants of the statement. Returns the driver's count of rows
    changed (-1 where it does not know)."""
    if not rows:
        return 0
    dialect = session.bind.dialect
    if dialect.name != "sqlite":
        result = await session.execute(statement, list(rows))
        return int(getattr(result, "rowcount", -1))
    keys = tuple(rows[0])
    cache_key = (id(statement), keys)
    cached = _compiled.get(cache_key)
    if cached is None:
        sql, plan = _plan(statement, keys, dialect)
        cached = _compiled[cache_key] = (statement, sql, _rows_function(plan))
    _, sql, make_rows = cached
    parameters = make_rows()(rows)
    # run_sync, not AsyncConnection.exec_driver_sql: that one insists the driver awaits something, and the
    # inline write dialect (core/db/sqlite_driver.py) never does.
    result = await session.run_sync(lambda sync: sync.connection().exec_driver_sql(sql, parameters))
    return int(getattr(result, "rowcount", -1))
